// (c) One case in a process of its own: `node --expose-gc bench/concurrent.mjs <case> [calls]`.
// 1. Wall time: `calls` calls started at once, each failing twice with 10 ms delays, until all
//    have settled.
// 2. Heap per call: after a forced GC, the same number of calls (fresh wrappers, first delay
//    1 s so no timer fires while measuring) are started; once every first attempt has failed
//    and every call waits in its delay, a forced GC, and heapUsed grown / calls.
// Prints one JSON line.
import { retryCases } from './lib/cases.mjs';

const name = process.argv[2];
const calls = Number(process.argv[3] ?? 100_000);
const DELAY = 10;

const find = (delay) => {
  const entry = retryCases(delay).find(([n]) => n === name);
  if (entry === undefined) throw new Error(`unknown case ${name}`);
  return entry[2]();
};
const gc = () => { globalThis.gc(); globalThis.gc(); };
const tick = () => new Promise((resolve) => setImmediate(resolve));

// Phase 1: wall time.
const f = find(DELAY);
gc();
const t0 = performance.now();
const pending = new Array(calls);
for (let i = 0; i < calls; i++) pending[i] = f({ n: 0 });
const results = await Promise.all(pending);
const wallMs = performance.now() - t0;
for (const r of results) if (r !== 3) throw new Error(`${name}: a call fulfilled with ${r}`);
pending.fill(undefined);
results.length = 0;

// Phase 2: heap held per call waiting in its delay.
const g = find(1000);
await tick();
gc();
const h0 = process.memoryUsage().heapUsed;
const held = new Array(calls);
for (let i = 0; i < calls; i++) held[i] = g({ n: 0 });
await tick();
await tick();
gc();
const h1 = process.memoryUsage().heapUsed;
process.stdout.write(JSON.stringify({ case: name, calls, wallMs, heapPerCallBytes: (h1 - h0) / calls }) + '\n');
process.exit(0);
