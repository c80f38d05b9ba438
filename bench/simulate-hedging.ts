/**
 * `npm run simulate:hedging`: hedged requests against a real server, in the spirit of Dean and
 * Barroso's "The Tail at Scale" (CACM 2013).
 *
 * A loopback `node:http` server in its own process (`bench/sim/heavy-tail-server.ts`) answers
 * each request after a delay drawn independently from a seeded random: 95% uniform in
 * [4, 6] ms, 5% uniform in [225, 275] ms. The client offers a fixed rate (open loop) of GET
 * requests, each one call of the library's `retry()` with the attempt's signal passed to
 * `http.request` (a hedge's loser is aborted, and the server drops it), under one retry
 * budget (`RetryBudget.ratio({ ratio: 0.1 })`), `maxRetries: 2` and a 2 s timeout. Scenarios:
 * - no hedging;
 * - a fixed delay (10 ms, about twice the median), up to 2 hedges;
 * - the adaptive delay: a percentile (`'p94'`, a little below the 5% of slow requests) of the
 *   operation's own recent attempt latencies, up to 2 hedges;
 * - an overload: after the warm-up the server makes every request slow, with the fixed and
 *   the adaptive delay: the budget (and the adaptive delay) keep hedges to at most 10% of calls.
 *   It is measured once it has lasted one budget window (10 s of calls, not measured): in that
 *   first window the budget may also spend what the healthy calls before it deposited.
 * Each scenario warms up (`--warmup` calls, not measured) then measures `--requests` calls.
 * Latency is from the call's start to its settlement (`performance.now()`); extra requests are
 * the requests the server received beyond one per call. Each scenario then runs again on a
 * `ManualClock` (`bench/sim/hedging-virtual.ts`): the same model, options and seeds, free of
 * the machine's noise.
 *
 *   npm run simulate:hedging -- [--requests=20000] [--rate=500] [--warmup=2000] [--percentile=p94] [--scale=1] [--half-life=5000] [--out=none] [--only=adaptive]
 *
 * `--only=<text>` runs the baseline and the scenarios whose name contains the text (for trying
 * a setting; the results file is written only for a run of every scenario).
 *
 * The loopback figures depend on the machine: the server's timers and the client share its
 * cores with whatever else runs. The load average and the client's event-loop delay are
 * written with the results.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { LatencyStore, RetryBudget, RetryRegistry, retry, type HedgingOptions, type Percentile, type RetryOptions } from '../src/index.js';
import type { PolicyEvent } from '../src/observers/observer.js';
import { pct, table } from './sim/format.js';
import { DEFAULT_MODEL } from './sim/heavy-tail-server.js';
import { get, offer, quantile, startServer } from './sim/hedging-load.js';
import { runVirtual, type HedgingCounts } from './sim/hedging-virtual.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const REQUESTS = Number(args.requests ?? 20_000);
const RATE = Number(args.rate ?? 500);
const WARMUP = Number(args.warmup ?? 2000);
const PERCENTILE = (args.percentile ?? 'p94') as Percentile;
const ONLY = args.only;
/**
 * The latency estimate's half-life, in latencies (`LatencyEstimateOptions.halfLife`): 10 s of
 * this traffic. The library's default (500) is 1 s here: the share of slow requests among so few
 * then wanders by about a point, and a percentile this close to it (p94 for 5% slow) wanders
 * with it between the fast requests' tail (more hedges) and the slow ones (none).
 */
const HALF_LIFE = Number(args['half-life'] ?? 5000);
const latencyStore = (): LatencyStore => new LatencyStore({ estimate: { halfLife: HALF_LIFE } });
/** Multiplies every time of the model (and the fixed delay and the timeout): 4 gives 95% near 20 ms, 5% near 1 s. */
const SCALE = Number(args.scale ?? 1);
const MODEL = {
  ...DEFAULT_MODEL,
  fastMin: DEFAULT_MODEL.fastMin * SCALE, fastMax: DEFAULT_MODEL.fastMax * SCALE,
  slowMin: DEFAULT_MODEL.slowMin * SCALE, slowMax: DEFAULT_MODEL.slowMax * SCALE,
};
const FIXED_MS = Number(args.fixed ?? 10 * SCALE);
/** The overload: every request slow. */
const OVERLOAD = { slowShare: 1 };
/** Overload calls before the overload is measured: one window of the budget (10 s). */
const OVERLOAD_WARMUP = RATE * 10;
const TIMEOUT = 2000 * SCALE;

interface Scenario {
  readonly name: string;
  readonly overload: boolean;
  readonly hedging?: HedgingOptions;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'no hedging', overload: false },
  { name: `fixed delay ${FIXED_MS} ms`, overload: false, hedging: { delay: FIXED_MS, maxHedges: 2 } },
  { name: `adaptive delay ${PERCENTILE}`, overload: false, hedging: { delay: PERCENTILE, maxHedges: 2 } },
  { name: `overloaded, fixed delay ${FIXED_MS} ms`, overload: true, hedging: { delay: FIXED_MS, maxHedges: 2 } },
  { name: `overloaded, adaptive delay ${PERCENTILE}`, overload: true, hedging: { delay: PERCENTILE, maxHedges: 2 } },
];

/** The figures of one scenario, from the loopback server or from the virtual clock. */
interface Figures extends HedgingCounts {
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

interface Row extends Figures {
  readonly scenario: string;
  readonly overload: boolean;
  readonly calls: number;
  /** The client's event-loop delay while measuring (ms): how busy the machine kept it. */
  readonly eventLoopDelayP99: number;
  readonly eventLoopDelayMax: number;
  readonly wallMs: number;
  /** The same scenario on a ManualClock (`bench/sim/hedging-virtual.ts`). */
  readonly virtual: Figures;
}

function figures(latencies: Float64Array, counts: HedgingCounts): Figures {
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), p999: quantile(latencies, 0.999), max: quantile(latencies, 1), ...counts };
}

/** Counts the hedges a strategy refused, from the hedging policy events. */
function refusals(): { count: number; observer: { policyEvent: (e: PolicyEvent) => void } } {
  const counter = { count: 0, observer: { policyEvent: (e: PolicyEvent) => { if (e.policy === 'hedging' && e.type === 'refused') counter.count++; } } };
  return counter;
}

async function run(scenario: Scenario, seed: number): Promise<Row> {
  const server = await startServer({ ...MODEL, seed });
  let row: Omit<Row, 'virtual'>;
  try {
    const registry = new RetryRegistry();
    const refused = refusals();
    const options: RetryOptions<string> = {
      operationName: 'GET /item', registry, observers: [refused.observer], budget: RetryBudget.ratio({ ratio: 0.1 }), timeout: TIMEOUT, maxRetries: 2,
      ...(scenario.hedging === undefined ? {} : { hedging: { ...scenario.hedging, latencies: latencyStore() } }),
    };
    const send = (): Promise<string> => retry(({ signal }) => get(server.url, signal), options);
    await offer(WARMUP, RATE, send, 120_000);
    if (scenario.overload) {
      // Measured once the overload has lasted one budget window, so that the budget no longer
      // spends what the healthy calls before it deposited.
      await server.setModel(OVERLOAD);
      await offer(OVERLOAD_WARMUP, RATE, send, 120_000);
    }
    registry.clear();
    refused.count = 0;
    const before = await server.counts();
    const lag = monitorEventLoopDelay({ resolution: 1 });
    lag.enable();
    const load = await offer(REQUESTS, RATE, send, REQUESTS / RATE * 1000 + 60_000);
    lag.disable();
    const after = await server.counts();
    const stats = registry.getStatistics('GET /item');
    row = {
      scenario: scenario.name, overload: scenario.overload, calls: REQUESTS,
      ...figures(load.latencies, {
        extraRequests: (after.received - before.received - REQUESTS) / REQUESTS, hedges: stats.hedges, hedgesWon: stats.hedgesWon,
        cancelledAttempts: stats.cancelledAttempts, hedgesRefused: refused.count, failures: load.failures,
      }),
      eventLoopDelayP99: lag.percentile(99) / 1e6, eventLoopDelayMax: lag.max / 1e6, wallMs: Math.round(load.wallMs),
    };
  } finally {
    await server.close();
  }
  const v = await runVirtual({ ...MODEL, seed }, scenario.overload ? { model: OVERLOAD, warmup: OVERLOAD_WARMUP } : undefined, scenario.hedging,
    REQUESTS, RATE, WARMUP, TIMEOUT, latencyStore());
  const { latencies, ...counts } = v;
  return { ...row, virtual: figures(latencies, counts) };
}

const ms = (n: number): string => `${n.toFixed(1)} ms`;

function print(rows: readonly Row[], pick: (r: Row) => Figures): void {
  const base = pick(rows[0]!);
  console.log(table(
    ['scenario', 'p50', 'p99', 'p99.9', 'p99 cut', 'p99.9 cut', 'extra requests', 'hedges (won)', 'refused by budget', 'failed'],
    rows.map((row) => {
      const r = pick(row);
      const cut = (a: number, b: number): string => (row.overload || r === base ? '-' : `${(a / b).toFixed(1)}x`);
      return [
        row.scenario, ms(r.p50), ms(r.p99), ms(r.p999), cut(base.p99, r.p99), cut(base.p999, r.p999),
        pct(r.extraRequests, 2), `${r.hedges} (${r.hedgesWon})`, String(r.hedgesRefused), String(r.failures),
      ];
    }),
  ));
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  console.log(`Hedging against a loopback server: ${REQUESTS.toLocaleString('en')} calls at ${RATE}/s (open loop) per scenario, after ${WARMUP} warm-up calls;`);
  console.log(`latency 95% U[${MODEL.fastMin}, ${MODEL.fastMax}] ms, 5% U[${MODEL.slowMin}, ${MODEL.slowMax}] ms, drawn per request (seeded); ` +
    `budget RetryBudget.ratio({ ratio: 0.1 }); latency half-life ${HALF_LIFE}; timeout ${TIMEOUT / 1000} s.\n`);
  const rows: Row[] = [];
  for (const [i, scenario] of SCENARIOS.entries()) {
    if (ONLY !== undefined && i > 0 && !scenario.name.includes(ONLY)) continue;
    const row = await run(scenario, 1 + i);
    rows.push(row);
    process.stderr.write(`  ${scenario.name}: ${(row.wallMs / 1000).toFixed(1)} s\n`);
  }
  console.log('On the loopback server (real time):');
  print(rows, (r) => r);
  console.log('\nThe same scenarios on a ManualClock (virtual time: no timer lag, no other processes):');
  print(rows, (r) => r.virtual);
  const loadAfter = loadavg();
  console.log(`\nload average (1 min) before ${loadBefore[0]!.toFixed(1)}, after ${loadAfter[0]!.toFixed(1)}; ` +
    `client event-loop delay p99 / max per scenario: ${rows.map((r) => `${r.eventLoopDelayP99.toFixed(0)} / ${r.eventLoopDelayMax.toFixed(0)} ms`).join(', ')}`);
  if (args.out !== 'none' && ONLY === undefined) {
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    const file = SCALE === 1 ? 'hedging.json' : `hedging-scale-${SCALE}.json`;
    writeFileSync(join(dir, file), `${JSON.stringify({
      command: `npm run simulate:hedging${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      requests: REQUESTS, ratePerSecond: RATE, warmup: WARMUP, timeoutMs: TIMEOUT, scale: SCALE,
      model: { ...MODEL, seed: 'scenario index + 1' }, budget: 'RetryBudget.ratio({ ratio: 0.1 })', latencyHalfLife: HALF_LIFE,
      loadAverage: { before: loadBefore, after: loadAfter }, node: process.version, results: rows,
    }, null, 1)}\n`);
    console.log(`wrote bench/results/${file}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
