/**
 * `npm run simulate:hedging`: hedged requests against a real server, in the spirit of Dean and
 * Barroso's "The Tail at Scale" (CACM 2013).
 *
 * A loopback `node:http` server in its own process (`bench/sim/heavy-tail-server.ts`) answers
 * each request after a delay drawn independently from a seeded random: 95% uniform in
 * [4, 6] ms, 5% uniform in [225, 275] ms. The client offers a fixed rate (open loop) of GET
 * requests, each one call of the library's `retry()` with the attempt's signal passed to
 * `http.request` (a hedge's loser is aborted, and the server drops it), under one retry
 * budget (`RetryBudget.ratio({ ratio: 0.1 })`) and a 2 s timeout. Scenarios:
 * - no hedging;
 * - a fixed delay (10 ms, about twice the median), up to 2 hedges;
 * - the adaptive delay: a percentile of the operation's own recent attempt latencies, up to 2 hedges;
 * - an overload: after the warm-up the server makes every request slow, with the fixed and
 *   the adaptive delay: the budget (and the adaptive delay) keep hedges to at most 10% of calls.
 * Each scenario warms up (`--warmup` calls, not measured) then measures `--requests` calls.
 * Latency is from the call's start to its settlement (`performance.now()`); extra requests are
 * the requests the server received beyond one per call.
 *
 *   npm run simulate:hedging -- [--requests=20000] [--rate=500] [--warmup=2000] [--percentile=p95] [--out=none]
 *
 * The figures depend on the machine: the server's timers and the client share its cores. The
 * load average before and after is written with the results.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { RetryBudget, RetryRegistry, retry, type HedgingOptions, type Percentile, type RetryOptions } from '../src/index.js';
import type { PolicyEvent } from '../src/observers/observer.js';
import type { Strategy } from '../src/strategies/strategy.js';
import { LatencyStore } from '../src/strategies/latency-store.js';
import { pct, table } from './sim/format.js';
import { DEFAULT_MODEL } from './sim/heavy-tail-server.js';
import { get, offer, quantile, startServer } from './sim/hedging-load.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const REQUESTS = Number(args.requests ?? 20_000);
const RATE = Number(args.rate ?? 500);
const WARMUP = Number(args.warmup ?? 2000);
const PERCENTILE = (args.percentile ?? 'p95') as Percentile;
const FIXED_MS = Number(args.fixed ?? 10);
const TIMEOUT = 2000;

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

/** The budget as a strategy: itself once the policies implement `Strategy`, else through its retry-budget methods. */
function budgetStrategy(budget: ReturnType<typeof RetryBudget.ratio>): Strategy {
  if (typeof (budget as Partial<Strategy>).allowRetry === 'function') return budget as unknown as Strategy;
  return {
    name: 'retry-budget',
    callStarted: () => budget.onCall(),
    allowRetry: () => (budget.tryRetry(false) ? true : { reason: 'budget', error: new Error('retry budget exhausted') }),
  };
}

interface Row {
  readonly scenario: string;
  readonly overload: boolean;
  readonly calls: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  /** Requests the server received beyond one per call, per call. */
  readonly extraRequests: number;
  readonly hedges: number;
  readonly hedgesWon: number;
  readonly cancelledAttempts: number;
  readonly hedgesRefused: number;
  readonly failures: number;
  readonly clientLagP99: number;
  readonly wallMs: number;
}

async function run(scenario: Scenario, seed: number): Promise<Row> {
  const server = await startServer({ ...DEFAULT_MODEL, seed });
  try {
    const registry = new RetryRegistry();
    const budget = budgetStrategy(RetryBudget.ratio({ ratio: 0.1 }));
    const latencies = new LatencyStore();
    let refused = 0;
    const observers = [{ policyEvent: (e: PolicyEvent) => { if (e.policy === 'hedging' && e.type === 'refused') refused++; } }];
    const options: RetryOptions<string> = {
      operationName: 'GET /item', registry, observers, budget, timeout: TIMEOUT, maxRetries: 2,
      ...(scenario.hedging === undefined ? {} : { hedging: { ...scenario.hedging, latencies } }),
    };
    const send = (): Promise<string> => retry(({ signal }) => get(server.url, signal), options);
    await offer(WARMUP, RATE, send, 120_000);
    if (scenario.overload) await server.setModel({ slowShare: 1 });
    registry.clear();
    refused = 0;
    const before = await server.counts();
    const load = await offer(REQUESTS, RATE, send, REQUESTS / RATE * 1000 + 60_000);
    const after = await server.counts();
    const stats = registry.getStatistics('GET /item');
    return {
      scenario: scenario.name,
      overload: scenario.overload,
      calls: REQUESTS,
      p50: quantile(load.latencies, 0.5),
      p99: quantile(load.latencies, 0.99),
      p999: quantile(load.latencies, 0.999),
      max: quantile(load.latencies, 1),
      extraRequests: (after.received - before.received - REQUESTS) / REQUESTS,
      hedges: stats.hedges,
      hedgesWon: stats.hedgesWon,
      cancelledAttempts: stats.cancelledAttempts,
      hedgesRefused: refused,
      failures: load.failures,
      clientLagP99: load.startLagP99,
      wallMs: Math.round(load.wallMs),
    };
  } finally {
    await server.close();
  }
}

const ms = (n: number): string => `${n.toFixed(1)} ms`;

async function main(): Promise<void> {
  const loadBefore = loadavg();
  console.log(`Hedging against a loopback server: ${REQUESTS.toLocaleString('en')} calls at ${RATE}/s (open loop) per scenario, after ${WARMUP} warm-up calls;`);
  console.log('latency 95% U[4, 6] ms, 5% U[225, 275] ms, drawn per request (seeded); budget RetryBudget.ratio({ ratio: 0.1 }); timeout 2 s.\n');
  const rows: Row[] = [];
  for (const [i, scenario] of SCENARIOS.entries()) {
    const row = await run(scenario, 1 + i);
    rows.push(row);
    process.stderr.write(`  ${scenario.name}: ${(row.wallMs / 1000).toFixed(1)} s\n`);
  }
  const base = rows[0]!;
  console.log(table(
    ['scenario', 'p50', 'p99', 'p99.9', 'p99 cut', 'p99.9 cut', 'extra requests', 'hedges (won)', 'refused by budget', 'failed'],
    rows.map((r) => [
      r.scenario, ms(r.p50), ms(r.p99), ms(r.p999),
      r.overload || r === base ? '-' : `${(base.p99 / r.p99).toFixed(1)}x`,
      r.overload || r === base ? '-' : `${(base.p999 / r.p999).toFixed(1)}x`,
      pct(r.extraRequests, 2), `${r.hedges} (${r.hedgesWon})`, String(r.hedgesRefused), String(r.failures),
    ]),
  ));
  const loadAfter = loadavg();
  console.log(`\nload average (1 min) before ${loadBefore[0]!.toFixed(1)}, after ${loadAfter[0]!.toFixed(1)}; client start lag p99: ${rows.map((r) => ms(r.clientLagP99)).join(', ')}`);
  if (args.out !== 'none') {
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'hedging.json'), `${JSON.stringify({
      command: 'npm run simulate:hedging', requests: REQUESTS, ratePerSecond: RATE, warmup: WARMUP, timeoutMs: TIMEOUT,
      model: { ...DEFAULT_MODEL, seed: 'scenario index + 1' }, budget: 'RetryBudget.ratio({ ratio: 0.1 })',
      loadAverage: { before: loadBefore, after: loadAfter }, node: process.version, results: rows,
    }, null, 1)}\n`);
    console.log('wrote bench/results/hedging.json');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
