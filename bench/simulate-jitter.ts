/**
 * `npm run simulate:jitter`: N clients contend for one row under optimistic concurrency, each
 * running the library's own loop (`retry`) on a virtual clock, for each jitter strategy, in the
 * spirit of Marc Brooker's "Exponential Backoff And Jitter" (AWS Architecture Blog, 2015).
 *
 * The model is Brooker's (his simulator is event-driven, not slotted):
 * - One row with a version number. A client reads the version, then writes with it; the write
 *   succeeds only if the version is unchanged (no other write landed since the read), and bumps it.
 * - Every message crosses the network with a delay |N(10 ms, 2 ms)|: read request, read
 *   response, write request, write response (4 crossings per attempt).
 * - Every client starts at t = 0 and updates the row exactly once; a conflict is a transient
 *   error and the client retries with the library's backoff: base(k) = 10 * 2^(k-1) ms, capped
 *   at 2,000 ms (Brooker: base 5, cap 2,000, sleep = min(cap, base * 2^attempt), attempt from 1,
 *   so the same 10, 20, 40, ...). Decorrelated jitter is the library's formula
 *   min(cap, initialDelay + random * (3 * previous - initialDelay)); Brooker draws from
 *   [base, 3 * previous] with base 5, here the floor is initialDelay = 10.
 * - "Calls" = write attempts (what the contended resource sees); "time" = when the last
 *   client's write response arrives. Each figure is the mean over `--runs` seeded runs.
 *
 *   npx tsx bench/simulate-jitter.ts [--runs=30] [--clients=10,50,100,200] [--out=none]
 *
 * Virtual time is the library's own `ManualClock`.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock, TransientError, retry, type JitterStrategy } from '../src/index.js';
import { seededRandom } from './sim/random.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const RUNS = Number(args.runs ?? 30);
const CLIENTS = (args.clients ?? '10,50,100,200').split(',').map(Number);
const STRATEGIES: readonly JitterStrategy[] = ['none', 'full', 'equal', 'decorrelated'];
const NET_MEAN = 10;
const NET_SD = 2;
const BASE = 10;
const CAP = 2000;
/** `--decorrelated-initial=5` runs decorrelated jitter with Brooker's floor of 5 ms instead of 10. */
const DECORRELATED_INITIAL = Number(args['decorrelated-initial'] ?? BASE);

/** |N(mean, sd)| from a seeded source (Box-Muller). */
function normal(random: () => number, mean: number, sd: number): () => number {
  return () => {
    const u = 1 - random();
    const v = random();
    return Math.abs(mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  };
}

interface Run { calls: number; timeMs: number }

async function simulate(clients: number, jitter: JitterStrategy, seed: number): Promise<Run> {
  const clock = new ManualClock();
  const net = normal(seededRandom(seed * 7919 + 17), NET_MEAN, NET_SD);
  let version = 0;
  let writes = 0;
  let lastDone = 0;
  const conflict = new TransientError('version conflict');
  const update = async (): Promise<void> => {
    await clock.sleep(net()); // read request
    const read = version;
    await clock.sleep(net()); // read response
    await clock.sleep(net()); // write request
    writes++;
    const ok = read === version;
    if (ok) version++;
    await clock.sleep(net()); // write response
    if (!ok) throw conflict;
  };
  const calls = Array.from({ length: clients }, (_, i) => retry(update, {
    clock, jitter, initialDelay: jitter === 'decorrelated' ? DECORRELATED_INITIAL : BASE, backoffBase: 2, maxDelay: CAP, maxRetries: 1_000_000,
    random: seededRandom(seed * 1_000_003 + i * 31 + 1), registry: false,
  }).then(() => { lastDone = clock.now(); }));
  await clock.runAll(10_000_000);
  await Promise.all(calls);
  return { calls: writes, timeMs: lastDone };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]): number => { const m = mean(xs); return Math.sqrt(mean(xs.map((x) => (x - m) ** 2))); };

async function main(): Promise<void> {
  const started = performance.now();
  const results: Array<{ strategy: JitterStrategy; clients: number; calls: number; callsSd: number; timeMs: number; timeSdMs: number; callsPerClient: number }> = [];
  for (const clients of CLIENTS) {
    for (const strategy of STRATEGIES) {
      const runs: Run[] = [];
      for (let seed = 1; seed <= RUNS; seed++) runs.push(await simulate(clients, strategy, seed));
      const calls = runs.map((r) => r.calls);
      const times = runs.map((r) => r.timeMs);
      results.push({
        strategy, clients, calls: mean(calls), callsSd: sd(calls), timeMs: mean(times), timeSdMs: sd(times), callsPerClient: mean(calls) / clients,
      });
    }
  }
  const elapsedMs = performance.now() - started;

  const label: Record<JitterStrategy, string> = { none: 'exponential, no jitter', full: 'full jitter', equal: 'equal jitter', decorrelated: 'decorrelated jitter' };
  const rows = CLIENTS.map((n) => {
    const of = (s: JitterStrategy) => results.find((r) => r.clients === n && r.strategy === s)!;
    return `| ${String(n).padStart(7)} | ${STRATEGIES.map((s) => `${Math.round(of(s).calls).toLocaleString('en')} / ${(of(s).timeMs / 1000).toFixed(2)} s`.padStart(22)).join(' | ')} |`;
  });
  console.log(`Jitter simulation: OCC on one row, net |N(${NET_MEAN}, ${NET_SD})| ms, backoff ${BASE} ms x 2^(k-1) capped at ${CAP} ms, mean of ${RUNS} runs`);
  console.log(`\n| clients | ${STRATEGIES.map((s) => label[s].padStart(22)).join(' | ')} |`);
  console.log(`|--------:|${STRATEGIES.map(() => '-'.repeat(23) + ':').join('|')}|`);
  console.log(rows.join('\n'));
  console.log('\n(calls = write attempts / completion time of the last client)');
  const at100 = (s: JitterStrategy) => results.find((r) => r.clients === 100 && r.strategy === s);
  if (at100('none') && at100('full')) {
    console.log(`At 100 clients: full jitter makes ${(at100('full')!.calls / at100('none')!.calls * 100).toFixed(0)}% of no-jitter's calls.`);
  }
  console.log(`Simulated ${RUNS * CLIENTS.length * STRATEGIES.length} runs in ${(elapsedMs / 1000).toFixed(1)} s (clock: ManualClock).`);

  if (args.out !== 'none') {
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results', 'jitter.json'), JSON.stringify({
      model: {
        description: "Brooker's OCC model: each client reads a row's version and writes it back; a write fails if any write landed since its read. 4 network crossings per attempt.",
        networkDelayMs: { distribution: '|normal|', mean: NET_MEAN, sd: NET_SD },
        backoff: { initialDelay: BASE, backoffBase: 2, maxDelay: CAP },
        calls: 'write attempts seen by the row', timeMs: "virtual time when the last client's write response arrived",
        loop: "maestro-retry's own retry() (registry: false), seeded random per client, on ManualClock",
      },
      runs: RUNS, clock: 'ManualClock', wallSeconds: Math.round(elapsedMs) / 1000, node: process.version,
      reference: { source: "Brooker's simulator rerun, 100 clients", calls: { none: 1853, full: 796, equal: 812, decorrelated: 1000 } },
      results,
    }, null, 2) + '\n');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
