// `npm run bench`: builds, then measures maestro-retry against a baseline and the peers, every
// figure as a ratio to a baseline measured in the same run. Writes bench/results/*.json and
// prints a table. Never run by `npm test` or CI.
//
//   node --expose-gc bench/run.mjs [--only=a,b,c,d] [--rounds=N] [--concurrent-rounds=N]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { successCases, retryCases, cleanups } from './lib/cases.mjs';
import { measure, median } from './lib/measure.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const only = new Set((args.only ?? 'a,b,c,d').split(','));
const rounds = Number(args.rounds ?? 9);
const concurrentRounds = Number(args['concurrent-rounds'] ?? 5);
const log = (s) => process.stderr.write(s + '\n');

const machine = {
  node: process.version,
  platform: `${os.type()} ${os.release()} ${os.arch()}`,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  date: new Date().toISOString(),
};
mkdirSync(here('./results'), { recursive: true });
const save = (file, data) => writeFileSync(here(`./results/${file}`), JSON.stringify({ machine, ...data }, null, 2) + '\n');

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const fmtRatio = (r) => (r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)) + 'x';
const fmtNs = (ns) => (ns >= 1e6 ? (ns / 1e6).toFixed(2) + ' ms' : ns >= 1e3 ? (ns / 1e3).toFixed(2) + ' us' : ns.toFixed(0) + ' ns');
function table(title, rows, cols) {
  const widths = cols.map(([h, get]) => Math.max(h.length, ...rows.map((r) => String(get(r)).length)));
  const line = (cells) => '| ' + cells.map((c, i) => (i === 0 ? pad(c, widths[i]) : lpad(c, widths[i]))).join(' | ') + ' |';
  console.log(`\n${title}`);
  console.log(line(cols.map(([h]) => h)));
  console.log('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const r of rows) console.log(line(cols.map(([, get]) => get(r))));
}

const summary = { targets: {} };

if (only.has('a')) {
  log(`(a) success path, ${rounds} rounds`);
  const rows = await measure(successCases(), { rounds, log });
  for (const c of cleanups) c();
  save('success-path.json', { rounds, baseline: 'bare call', cases: rows });
  table('(a) Success path: one call of an async function that fulfils at once', rows, [
    ['case', (r) => r.name], ['per call', (r) => fmtNs(r.nsPerCall)], ['vs bare call', (r) => fmtRatio(r.ratio)],
    ['range', (r) => `${r.ratioMin.toFixed(2)}-${r.ratioMax.toFixed(2)}`],
  ]);
  const get = (n) => rows.find((r) => r.name === n);
  const off = get('maestro withRetry, registry off');
  const on = get('maestro withRetry, registry on');
  const peers = rows.filter((r) => r.group === 'peer');
  const fastestPeer = peers.reduce((a, b) => (a.ratio < b.ratio ? a : b));
  summary.targets.a = {
    registryOff: { ratio: off.ratio, target: 2.0, holds: off.ratio <= 2.0 },
    // The target is registry off against the peers (none of which records anything);
    // registry on is reported against them too.
    fasterThanEveryPeer: { fastestPeer: fastestPeer.name, peerRatio: fastestPeer.ratio, holds: off.ratio < fastestPeer.ratio, registryOnHolds: on.ratio < fastestPeer.ratio },
    registryOn: { ratio: on.ratio, target: 3.3, holds: on.ratio <= 3.3 },
    // What the two clock reads cost on their own here, around the least a retrying wrapper
    // does (a then) and around an async wrapper; the issue puts 3.3x "within a few percent" of it.
    clockFloor: {
      bareCall: get('bare call + 2 clock reads').ratio,
      thenWrapper: get('then wrapper + 2 clock reads').ratio,
      asyncWrapper: get('async wrapper + 2 clock reads').ratio,
      registryOnVsThenFloor: on.nsPerCall / get('then wrapper + 2 clock reads').nsPerCall,
    },
  };
  const dec = get('maestro @Retryable method, registry off');
  if (dec) summary.targets.a.retryableVsPlainMethod = { ratio: dec.nsPerCall / get('plain method').nsPerCall };
}

if (only.has('b')) {
  log(`(b) zero-delay retry path, ${rounds} rounds`);
  const rows = await measure(retryCases(0), { rounds, arg: '{ n: 0 }', batchMs: 80, log });
  save('retry-path.json', { rounds, baseline: 'hand-written loop', scenario: 'fails twice (transient error), then succeeds; no delay', cases: rows });
  table('(b) Zero-delay retry path: a call that fails twice, then succeeds', rows, [
    ['case', (r) => r.name], ['per call', (r) => fmtNs(r.nsPerCall)], ['vs hand-written loop', (r) => fmtRatio(r.ratio)],
    ['range', (r) => `${r.ratioMin.toFixed(2)}-${r.ratioMax.toFixed(2)}`],
  ]);
  const on = rows.find((r) => r.name === 'maestro withRetry, registry on');
  const off = rows.find((r) => r.name === 'maestro withRetry, registry off');
  summary.targets.b = { registryOn: { ratio: on.ratio, target: 1.3, holds: on.ratio <= 1.3 }, registryOff: { ratio: off.ratio, target: 1.3, holds: off.ratio <= 1.3 } };
}

if (only.has('c')) {
  const calls = Number(args.calls ?? 100_000);
  const names = retryCases(10).map(([n]) => n);
  log(`(c) ${calls} concurrent calls, ${concurrentRounds} rounds x ${names.length} processes`);
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < concurrentRounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + r) % names.length];
      const out = execFileSync(process.execPath, ['--expose-gc', here('./concurrent.mjs'), name, String(calls)], { encoding: 'utf8' });
      runs[name].push(JSON.parse(out.trim().split('\n').pop()));
    }
    log(`  round ${r + 1}/${concurrentRounds}`);
  }
  const base = runs[names[0]];
  const rows = names.map((name) => {
    const rs = runs[name];
    return {
      name,
      wallMs: median(rs.map((x) => x.wallMs)),
      wallRatio: median(rs.map((x, i) => x.wallMs / base[i].wallMs)),
      heapPerCallBytes: median(rs.map((x) => x.heapPerCallBytes)),
      heapRatio: median(rs.map((x, i) => x.heapPerCallBytes / base[i].heapPerCallBytes)),
      runs: rs.map(({ wallMs, heapPerCallBytes }) => ({ wallMs: Math.round(wallMs), heapPerCallBytes: Math.round(heapPerCallBytes) })),
    };
  });
  save('concurrent.json', { rounds: concurrentRounds, calls, baseline: 'hand-written loop', scenario: 'every call fails twice (transient error), 10 ms before each retry; each case in its own process', cases: rows });
  table(`(c) ${calls.toLocaleString('en')} concurrent calls, each failing twice with 10 ms delays (one process per case)`, rows, [
    ['case', (r) => r.name], ['wall', (r) => `${(r.wallMs / 1000).toFixed(2)} s`], ['wall vs loop', (r) => fmtRatio(r.wallRatio)],
    ['heap per call', (r) => `${(r.heapPerCallBytes / 1024).toFixed(2)} KB`], ['heap vs loop', (r) => fmtRatio(r.heapRatio)],
  ]);
  const on = rows.find((r) => r.name === 'maestro withRetry, registry on');
  const off = rows.find((r) => r.name === 'maestro withRetry, registry off');
  summary.targets.c = {
    wall: { ratio: on.wallRatio, target: 1.2, holds: on.wallRatio <= 1.2, registryOff: off.wallRatio },
    heapPerCall: { ratio: on.heapRatio, target: 1.3, holds: on.heapRatio <= 1.3, registryOff: off.heapRatio },
  };
}

if (only.has('d')) {
  log('(d) retained heap, 1,000,000 calls over 10,000 operations');
  const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', here('./retained-heap.mjs')], { encoding: 'utf8' }).trim());
  save('retained-heap.json', out);
  table('(d) Retained heap, default registry bounds (1,000 operations x 100 attempts), 10,000 operation names', out.samples, [
    ['calls', (r) => r.calls.toLocaleString('en')], ['retained heap', (r) => `${(r.retainedBytes / 2 ** 20).toFixed(2)} MB`],
    ['operations held', (r) => r.totalOperations], ['evicted so far', (r) => r.evictedOperations.toLocaleString('en')],
  ]);
  const last = out.samples.at(-1).retainedBytes;
  summary.targets.d = { retainedMB: last / 2 ** 20, target: 20, holds: last < 20 * 2 ** 20 };
}

const merged = { ...summary };
save(`summary${only.size === 4 ? '' : '-' + [...only].join('')}.json`, merged);
console.log('\nTargets:');
for (const [k, v] of Object.entries(summary.targets)) console.log(`  (${k}) ${JSON.stringify(v)}`);
console.log(`\nMachine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverage.join(' ')}`);
