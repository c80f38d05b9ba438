// Prototype client (temporary): hedgedRound with a minimal host, to check the figures are reachable here.
import { hedgedRound, type RoundHost } from '../src/strategies/hedging.js';
import { normalizeHedging } from '../src/strategies/hedging-options.js';
import { LatencyStore } from '../src/strategies/latency-store.js';
import { RatioRetryBudget } from '../src/strategies/ratio-retry-budget.js';
import { DEFAULT_MODEL } from './sim/heavy-tail-server.js';
import { offer, quantile, startServer, get } from './sim/hedging-load.js';

type Out = { kind: 'success' } | { kind: 'failed'; attempt: number; fatal: boolean } | { kind: 'cancelled' };
async function run(name: string, slowShare: number, delay: number | `p${number}` | undefined, count: number, rate: number) {
  const server = await startServer({ ...DEFAULT_MODEL, slowShare });
  const budget = new RatioRetryBudget({ ratio: 0.1 });
  const plan = delay === undefined ? undefined : normalizeHedging({ delay, maxHedges: 2, latencies: new LatencyStore() }, 3);
  let attempts = 0; let hedges = 0; let refused = 0;
  const send = async () => {
    budget.onCall();
    if (plan === undefined) { attempts++; await get(server.url, new AbortController().signal); return; }
    const t0 = performance.now();
    let n = 0;
    const host: RoundHost<Out> = {
      operationName: 'op', attempts: 0, attemptsLeft: 4,
      attempt: async (_hedge, cancel) => {
        const k = ++n; attempts++;
        const s = performance.now();
        try { await get(server.url, cancel); plan.record('op', performance.now() - s); return { kind: 'success' }; }
        catch (e) { if (cancel.aborted) { plan.record('op', performance.now() - s); return { kind: 'cancelled' }; } return { kind: 'failed', attempt: k, fatal: false }; }
      },
      judge: (o) => o,
      allowHedge: async () => { const ok = budget.tryRetry(false); if (ok) hedges++; else refused++; return ok; },
      elapsed: () => performance.now() - t0,
      sleep: (ms, signal) => new Promise((r) => { const t = setTimeout(r, ms); signal.addEventListener('abort', () => { clearTimeout(t); r(); }); }),
      event: () => undefined,
    };
    const o = await hedgedRound(host, plan);
    if (o.kind !== 'success') throw new Error('failed');
  };
  await offer(500, rate, send, 60_000);
  const before = await server.counts();
  attempts = 0; hedges = 0; refused = 0;
  const r = await offer(count, rate, send, 120_000);
  const after = await server.counts();
  await server.close();
  console.log(name, { p50: quantile(r.latencies, 0.5).toFixed(1), p99: quantile(r.latencies, 0.99).toFixed(1), p999: quantile(r.latencies, 0.999).toFixed(1),
    extra: ((after.received - before.received - count) / count * 100).toFixed(2) + '%', hedges, refused, failures: r.failures, lag: r.startLagP99.toFixed(1), wall: r.wallMs.toFixed(0) });
}
(async () => {
  const count = Number(process.argv[2] ?? 5000); const rate = Number(process.argv[3] ?? 1000);
  await run('none', 0.05, undefined, count, rate);
  await run('fixed10', 0.05, 10, count, rate);
  await run('p95', 0.05, 'p95', count, rate);
  await run('p94', 0.05, 'p94', count, rate);
  await run('p90', 0.05, 'p90', count, rate);
  await run('overload fixed10', 1, 10, count, rate);
})();
