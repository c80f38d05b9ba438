// (d) Retained heap of the default registry: `node --expose-gc bench/retained-heap.mjs`.
// 10,000 operations (one `withRetry` wrapper each, created before the baseline), 1,000,000
// calls in bursts of 25 calls per operation (so each held operation's history fills to its
// bound of 100 attempts and the least recently used ones are evicted all along); every 4th call
// fails once with a transient error before it succeeds (`initialDelay: 0`), so histories hold
// error summaries too. Heap is sampled after a forced GC at 250k, 500k, 750k and 1M calls.
import { withRetry, defaultRegistry } from 'maestro-retry';

const OPERATIONS = 10_000;
const CALLS = 1_000_000;
const BURST = 25;
const gc = () => { globalThis.gc(); globalThis.gc(); };

let failNext = false;
async function work(x) {
  if (failNext) {
    failNext = false;
    throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  }
  return x;
}
const wrappers = Array.from({ length: OPERATIONS }, (_, i) => withRetry(work, { operationName: `op-${i}`, initialDelay: 0 }));

gc();
const base = process.memoryUsage().heapUsed;
const samples = [];
const t0 = performance.now();
for (let i = 1; i <= CALLS; i++) {
  const op = Math.floor((i - 1) / BURST) % OPERATIONS;
  failNext = i % 4 === 0;
  await wrappers[op](i);
  if (i % 250_000 === 0) {
    gc();
    const stats = defaultRegistry.getStatistics();
    samples.push({
      calls: i,
      retainedBytes: process.memoryUsage().heapUsed - base,
      totalOperations: stats.totalOperations,
      evictedOperations: stats.evictedOperations,
      attempts: stats.attempts,
    });
  }
}
const elapsedMs = performance.now() - t0;
const history = defaultRegistry.getHistory();
const kept = Object.values(history).reduce((n, h) => n + h.length, 0);
process.stdout.write(JSON.stringify({ operations: OPERATIONS, calls: CALLS, burst: BURST, elapsedMs, samples, historyEntriesKept: kept }) + '\n');
