// (c) One case in a process of its own (run.mjs starts it; the first argument is its JSON
// config: { key, builds: [{ label, dir }], decoratedFile, calls }).
// 1. Wall time: `calls` calls started at once, each failing twice (a fresh error each time)
//    with 10 ms before each retry, until all have settled; and the CPU time this process
//    spent meanwhile (on a shared machine, wall time also counts the time spent waiting for
//    a core).
// 2. Heap per call: after full GCs, as many calls again (a case made anew with 20 s delays,
//    so no timer fires while measuring) are started; once every first attempt has failed and
//    every call waits in its delay, a forced GC, and heapUsed grown / calls.
// Prints one JSON line.
import { readFileSync } from 'node:fs';
import { listCases } from './lib/cases.mjs';
import { compileCase } from './lib/compile.mjs';
import { loadBuild, loadPeers } from './lib/builds.mjs';

const { key, builds, decoratedFile, calls } = JSON.parse(process.argv[2]);
const c = listCases('c', builds).find((x) => x.key === key);
if (c === undefined) throw new Error(`unknown case ${key}`);
const env = {
  lib: await loadBuild(builds[c.build]),
  peers: await loadPeers(),
  failing: true,
  errors: 'fresh',
  decoratedSource: readFileSync(decoratedFile, 'utf8'),
};
const gc = () => { globalThis.gc(); globalThis.gc(); };
/** heapUsed once full GCs no longer shrink it (at most 6 GCs). */
function settledHeap() {
  let used = Infinity;
  for (let i = 0; i < 3; i++) {
    gc();
    const now = process.memoryUsage().heapUsed;
    if (now > used * 0.99) return Math.min(now, used);
    used = now;
  }
  return used;
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

// Phase 1: wall time.
const f = compileCase(c, { ...env, delay: 10 });
gc();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const pending = new Array(calls);
for (let i = 0; i < calls; i++) pending[i] = f({ n: 0 });
const results = await Promise.all(pending);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
for (const r of results) if (r !== 3) throw new Error(`${key}: a call fulfilled with ${r}`);
pending.fill(undefined);
results.length = 0;

// Phase 2: heap held per call waiting in its delay.
const g = compileCase(c, { ...env, delay: 20_000 });
await tick();
const h0 = settledHeap();
const held = new Array(calls);
for (let i = 0; i < calls; i++) held[i] = g({ n: 0 });
await tick();
await tick();
const h1 = settledHeap();
process.stdout.write(JSON.stringify({ key, calls, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, heapPerCallBytes: (h1 - h0) / calls }) + '\n');
process.exit(0);
