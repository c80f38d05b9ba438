/**
 * Runs the examples: all of them in order, or those named (a prefix is enough).
 *
 *   npx tsx examples/run.ts            # every example
 *   npx tsx examples/run.ts 05 jitter  # 05-exponential-backoff and 11-jitter
 *
 * The demo has its own command: `npm run demo`.
 */
import { examples } from './catalog.js';

async function run(filters: readonly string[]): Promise<void> {
  const chosen = filters.length === 0 ? examples : examples.filter((e) => filters.some((f) => e.name.startsWith(f) || e.name.includes(f)));
  if (chosen.length === 0) {
    console.error(`No example matches ${filters.join(', ')}. Examples: ${examples.map((e) => e.name).join(', ')}`);
    process.exitCode = 1;
    return;
  }
  for (const example of chosen) {
    console.log(`\n=== ${example.name}: ${example.title} ===\n`);
    await example.main(console.log);
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
