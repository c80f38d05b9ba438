/**
 * `npm run simulate:overload`: the adaptive rate limiter under overload (issue 6, item 6).
 * 200 clients offer 1000 calls/s to a dependency that accepts 500/s (a server-side token
 * bucket) and answers 429 above that; every call goes through `withRetry` (maxRetries 3,
 * default backoff) with no limiter, one `AdaptiveRateLimiter` shared by all clients, or one
 * per client. Deterministic (ManualClock, seeded random). Prints the table and writes
 * bench/results/overload.json. The model is described in bench/sim/overload.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_OVERLOAD, runOverload, type LimiterMode, type OverloadResult } from './sim/overload.js';
import { pct, reasons, secs, table, x } from './sim/format.js';

async function main(): Promise<void> {
  const p = DEFAULT_OVERLOAD;
  console.log(`Overload: ${p.clients} clients, ${p.callsPerSecond} calls/s offered to a dependency accepting ${p.capacityPerSecond}/s ` +
    `(burst ${p.burst}); ${p.durationMs / 1000} s, measured from ${p.measureFromMs / 1000} s; maxRetries ${p.maxRetries}, seed ${p.seed}\n`);
  const results: OverloadResult[] = [];
  for (const mode of ['none', 'shared', 'per-client'] as LimiterMode[]) {
    const r = await runOverload(mode);
    results.push(r);
    process.stderr.write(`  ${mode}: ${r.wallMs} ms\n`);
  }
  const none = results[0]!;
  console.log(table(
    ['limiter', 'goodput (of capacity)', 'attempts throttled', 'cut vs none', 'attempts sent (of capacity)', 'latency p50 / p99', 'unfinished at end', 'give-ups'],
    results.map((r) => [
      r.limiter,
      pct(r.goodput),
      pct(r.throttledShare, 2),
      r === none ? '-' : r.throttledShare === 0 ? 'n/a (nothing sent)' : x(none.throttledShare / r.throttledShare, 1),
      x(r.attemptRate),
      `${secs(r.latencyP50)} / ${secs(r.latencyP99)}`,
      String(r.backlogAtEnd),
      reasons(r.giveUpReasons),
    ]),
  ));
  const shared = results.find((r) => r.limiter === 'shared');
  if (shared?.fillRate) console.log(`\nshared limiter fill rate (attempts/s), each second: ${shared.fillRate.join(' ')}`);
  console.log('\ngoodput = successful calls per second / capacity; throttled = 429 answers / attempts sent; both over the measured window.');
  console.log('unfinished at end = calls offered but not finished when the load stops (waiting on the limiter or a backoff).');

  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'overload.json'), `${JSON.stringify({ command: 'npm run simulate:overload', params: p, results }, null, 1)}\n`);
  console.log('\nwrote bench/results/overload.json');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
