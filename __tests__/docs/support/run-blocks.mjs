// Runs the docs' runnable code blocks, one after another in this one process (started under tsx by
// __tests__/docs/code-blocks.test.ts), and prints one JSON line of results after the marker.
// argv[2]: a JSON file listing the blocks' absolute paths. A block fails when importing it throws or
// rejects, when it leaves an unhandled rejection, or when it takes longer than TIME_LIMIT_MS.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const TIME_LIMIT_MS = 10_000;
const files = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = [];
let current;
process.on('unhandledRejection', (error) => results.push({ file: current, error: `unhandled rejection: ${error?.stack ?? String(error)}` }));

for (const file of files) {
  current = file;
  const started = performance.now();
  let timer;
  const limit = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`did not finish within ${TIME_LIMIT_MS} ms`)), TIME_LIMIT_MS); });
  try {
    await Promise.race([import(pathToFileURL(file).href), limit]);
    // Let the block's own late rejections surface while it is still the current one.
    await new Promise((resolve) => setImmediate(resolve));
    results.push({ file, ms: Math.round(performance.now() - started) });
  } catch (error) {
    results.push({ file, error: error?.stack ?? String(error) });
  } finally {
    clearTimeout(timer);
  }
}
console.log(`\n@@code-block-results@@${JSON.stringify(results)}`);
process.exit(0);
