/**
 * `npm run simulate`: the retry-storm simulation (issue 6, item 5). 200 clients offer 1000
 * calls/s to a dependency that is healthy for 20 s, down for 60 s, healthy again; every call
 * goes through `withRetry` (maxRetries 3, default backoff) with one shared policy per
 * configuration. Deterministic (ManualClock, seeded random). Prints the tables and writes
 * bench/results/storm.json. The model is described in bench/sim/storm.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_STORM, runStorm, STORM_CONFIGS, type StormResult } from './sim/storm.js';
import { reasons, secs, table, x } from './sim/format.js';

async function main(): Promise<void> {
  const p = DEFAULT_STORM;
  console.log(`Retry storm: ${p.clients} clients, ${p.callsPerSecond} calls/s offered, healthy ${p.warmupMs / 1000} s, ` +
    `down ${p.outageMs / 1000} s, healthy ${p.afterMs / 1000} s; maxRetries ${p.maxRetries}, jitter '${p.jitter}', seed ${p.seed}\n`);
  const results: StormResult[] = [];
  for (const config of STORM_CONFIGS) {
    const r = await runStorm(config);
    results.push(r);
    process.stderr.write(`  ${config.name}: ${r.wallMs} ms\n`);
  }
  console.log(table(
    ['configuration', 'amplification, whole outage', 'amplification, steady (from)', 'burst: peak 1 s in first 10 s', 'recovery', 'give-ups (registry)'],
    results.map((r) => [
      r.config,
      x(r.amplification, 3),
      `${x(r.steadyAmplification, 3)} (${r.steadyFrom} at +${secs(r.steadyFromMs)})`,
      `${x(r.burstPeak)} at +${secs(r.burstAtMs)}`,
      r.failedAfterRecovery === 0 ? '0 (no failure after)' : `${secs(r.recoveryMs)} (${r.failedAfterRecovery} calls)`,
      reasons(r.giveUpReasons),
    ]),
  ));
  console.log('\namplification = attempts reaching the dependency / calls offered while it is down; burst = most attempts in any');
  console.log('1 s window of the first 10 s of the outage / offered calls per second; recovery = how long after the dependency');
  console.log('came back the last call failed (calls whose last attempt was sent during the outage end up to ~30 ms after).');

  // The breaker's recovery depends on where the outage ends within its open/half-open cycle.
  console.log('\nBreaker (defaults) recovery vs outage length: it closes at its first half-open trial after the recovery');
  const sweep: { outageMs: number; result: StormResult }[] = [];
  const breaker = STORM_CONFIGS.find((c) => c.name === 'breaker')!;
  for (const outageMs of [30_100, 45_000, 60_000, 75_000]) {
    const r = await runStorm(breaker, { outageMs });
    sweep.push({ outageMs, result: r });
  }
  console.log(table(
    ['outage', 'tripped at', 'closed after recovery', 'last failure after recovery', 'amplification after trip'],
    sweep.map(({ outageMs, result: r }) => [
      secs(outageMs), `+${secs(r.breakerTrippedAtMs ?? NaN)}`, secs(r.breakerClosedAfterRecoveryMs ?? NaN), secs(r.recoveryMs), x(r.steadyAmplification, 4),
    ]),
  ));

  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'storm.json'), `${JSON.stringify({
    command: 'npm run simulate', params: p, results,
    breakerRecoverySweep: sweep.map(({ outageMs, result: r }) => ({
      outageMs, trippedAtMs: r.breakerTrippedAtMs, closedAfterRecoveryMs: r.breakerClosedAfterRecoveryMs,
      recoveryMs: r.recoveryMs, steadyAmplification: r.steadyAmplification,
    })),
  }, null, 1)}\n`);
  console.log('\nwrote bench/results/storm.json');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
