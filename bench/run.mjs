// The core bench (`npm run bench` runs it first): every entry point of maestro-retry, called the
// way users call it, against a baseline and the peers, every figure a ratio to a baseline
// measured in the same run. Each path runs in processes of its own; writes bench/results/*.json
// and prints markdown tables with the engine's performance targets checked.
//
//   node --expose-gc bench/run.mjs [--only=a,b,c,d] [--processes=3] [--rounds=10] [--batch-ms=50]
//                                  [--concurrent-rounds=3] [--calls=100000] [--clock=cpu|wall]
//                                  [--ab <rev>] [--filter=<regexp>] [--out=<dir>]
//
// (a) success path; (b) zero-delay retry path failing twice, with a preallocated error and
// with fresh errors; (c) 100,000 concurrent calls failing twice with 10 ms delays; (d) the
// default registry's retained heap. `--ab <rev>` also builds the library at <rev> (outside the
// repository) and measures its entry points in the same processes, for an A/B of two cores.
// Every case is timed by the wall clock and by the process's CPU time; `--clock` names the one
// the targets judge (default cpu: on a shared machine the wall clock also counts the time spent
// waiting for a core).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listCases } from './lib/cases.mjs';
import { transpileDecorated } from './lib/compile.mjs';
import { buildAt, currentBuild } from './lib/builds.mjs';
import { combineProcesses, figures, median } from './lib/measure.mjs';
import { abRows, checkTargets, fmtNs, fmtRatio, printAb, printConcurrent, printTable, printTimed } from './lib/report.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const repo = here('..');
const log = (s) => process.stderr.write(s + '\n');

const args = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const [k, v] = argv[i].replace(/^--/, '').split('=');
  args[k] = v ?? (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[++i] : 'true');
}
const only = new Set((args.only ?? 'a,b,c,d').split(','));
const processes = Number(args.processes ?? 3);
const rounds = Number(args.rounds ?? 10);
const batchMs = Number(args['batch-ms'] ?? 50);
const concurrentRounds = Number(args['concurrent-rounds'] ?? 3);
const calls = Number(args.calls ?? 100_000);
const clock = args.clock ?? 'cpu';
if (clock !== 'cpu' && clock !== 'wall') throw new RangeError(`--clock must be cpu or wall, got ${clock}`);

const startedAt = Date.now();
const builds = [currentBuild(repo)];
if (args.ab !== undefined) builds.push(buildAt(repo, args.ab, log));
const labels = builds.map((b) => b.label);
const decoratedFile = transpileDecorated();
const childBuilds = builds.map(({ label, dir }) => ({ label, dir }));

const load = () => os.loadavg().map((x) => Math.round(x * 100) / 100);
const run = {
  command: `node bench/run.mjs ${argv.join(' ')}`.trim(),
  judgedClock: clock,
  commit: builds[0].commit,
  uncommittedSrcChanges: builds[0].dirty,
  ab: builds[1] ? { old: builds[1].commit, new: builds[0].commit } : undefined,
  node: process.version,
  platform: `${os.type()} ${os.release()} ${os.arch()}`,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  loadAverageAtStart: load(),
  date: new Date().toISOString(),
};
// A full run replaces bench/results/*.json; a partial one writes elsewhere unless --out says.
const outDir = args.out ?? (only.size === 4 ? here('./results') : path.join(os.tmpdir(), 'maestro-bench-results'));
mkdirSync(outDir, { recursive: true });
const save = (file, data) => writeFileSync(path.join(outDir, file), JSON.stringify({ run, ...data }, null, 2) + '\n');
const node = (script, config) => execFileSync(process.execPath, ['--expose-gc', here(script), JSON.stringify(config)], {
  encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20,
});
const describe = (cases, measured) => cases.map((c) => {
  const { make, ...desc } = c;
  return { ...desc, ...measured.find((m) => m.key === c.key) };
});
const stageLoad = {};
const checks = [];
const ab = {};
// (a), (b): new / old is the median over processes of each one's median per-round ratio.
const abTimed = (n, o) => ({
  [`${clock} per call`]: {
    old: o[clock].median,
    new: n[clock].median,
    newOverOld: median(n[clock].perProcess.map((p, i) => figures(p.perRound, o[clock].perProcess[i].perRound).ratio)),
  },
});
/** Runs a timed path (micro.mjs) in `processes` processes, one after the other. */
function timed(config) {
  const results = [];
  for (let p = 0; p < processes; p++) {
    log(`  process ${p + 1}/${processes}`);
    results.push(JSON.parse(node('./micro.mjs', { ...config, builds: childBuilds, decoratedFile, rounds, filter: args.filter })));
  }
  return combineProcesses(results);
}
const fmtAb = (m, v) => (m.endsWith('per call') ? fmtNs(v) : m === 'heap' ? `${(v / 1024).toFixed(2)} KB` : `${(v / 1000).toFixed(2)} s`);
const judgedTime = { label: `${clock} time`, value: (r) => r[clock].ratio };

if (only.has('a')) {
  log(`(a) success path: ${processes} processes x ${rounds} rounds`);
  const before = load();
  const cases = listCases('a', builds, args.filter);
  const rows = describe(cases, timed({ path: 'a', batchMs }));
  stageLoad.a = [before, load()];
  checks.push(...checkTargets('a', rows, [{ ...judgedTime, limit: (r) => r.target }]));
  save('success-path.json', { processes, rounds, baseline: 'bare call', loadAverage: stageLoad.a, cases: rows });
  printTimed(`(a) Success path: one call of an async function that fulfils at once (load ${stageLoad.a.map((l) => l[0]).join(' -> ')})`, 'bare call', rows, labels, clock);
  if (builds.length > 1) ab.a = abRows(rows, abTimed);
}

if (only.has('b')) {
  const out = {};
  for (const errors of ['preallocated', 'fresh']) {
    log(`(b) zero-delay retry path, ${errors} errors: ${processes} processes x ${rounds} rounds`);
    const before = load();
    const cases = listCases('b', builds, args.filter);
    const rows = describe(cases, timed({ path: 'b', errors, batchMs: batchMs * 1.5 }));
    stageLoad[`b-${errors}`] = [before, load()];
    checks.push(...checkTargets(`b (${errors} errors)`, rows, [{ ...judgedTime, limit: () => 1.5 }]));
    out[errors] = { loadAverage: stageLoad[`b-${errors}`], cases: rows };
    printTimed(`(b) Zero-delay retry path, ${errors} errors: a call that fails twice, then succeeds (load ${stageLoad[`b-${errors}`].map((l) => l[0]).join(' -> ')})`, 'loop', rows, labels, clock);
    if (builds.length > 1) ab[`b (${errors} errors)`] = abRows(rows, abTimed);
  }
  save('retry-path.json', { processes, rounds, baseline: 'hand-written loop', scenario: 'fails twice with an ECONNRESET error, then succeeds; no delay', ...out });
}

if (only.has('c')) {
  const cases = listCases('c', builds, args.filter);
  log(`(c) ${calls} concurrent calls: ${concurrentRounds} rounds x ${cases.length} processes`);
  const before = load();
  const runs = Object.fromEntries(cases.map((c) => [c.key, []]));
  for (let r = 0; r < concurrentRounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const { key } = cases[(k + r) % cases.length];
      const out = node('./concurrent.mjs', { key, builds: childBuilds, decoratedFile, calls });
      runs[key].push(JSON.parse(out.trim().split('\n').pop()));
    }
    log(`  round ${r + 1}/${concurrentRounds} (load ${load()[0]})`);
  }
  stageLoad.c = [before, load()];
  const series = (key) => ({
    wall: runs[key].map((x) => x.wallMs), cpu: runs[key].map((x) => x.cpuMs), heap: runs[key].map((x) => x.heapPerCallBytes),
  });
  const base = series(cases[0].key);
  const rows = cases.map(({ make, ...c }) => {
    const s = series(c.key);
    return { ...c, wall: figures(s.wall, base.wall), cpu: figures(s.cpu, base.cpu), heap: figures(s.heap, base.heap) };
  });
  checks.push(...checkTargets('c', rows, [
    { ...judgedTime, limit: () => 1.2 },
    { label: 'heap per call', value: (r) => r.heap.ratio, limit: () => 1.5 },
  ]));
  save('concurrent.json', { rounds: concurrentRounds, calls, baseline: 'hand-written loop', scenario: 'every call fails twice (a fresh ECONNRESET error each time), 10 ms before each retry; one process per case and round', loadAverage: stageLoad.c, cases: rows });
  printConcurrent(`(c) ${calls.toLocaleString('en')} concurrent calls, each failing twice with 10 ms delays (one process per case and round; load ${stageLoad.c.map((l) => l[0]).join(' -> ')})`, rows, labels, clock);
  if (builds.length > 1) {
    ab.c = abRows(rows, (n, o) => Object.fromEntries([clock, 'heap'].map((m) => [m, { old: o[m].median, new: n[m].median, newOverOld: figures(n[m].perRound, o[m].perRound).ratio }])));
  }
}

if (only.has('d')) {
  log('(d) retained heap, 1,000,000 calls over 10,000 operations');
  const out = JSON.parse(node('./retained-heap.mjs', {}).trim());
  save('retained-heap.json', out);
  printTable('(d) Retained heap, default registry bounds (1,000 operations x 100 attempts), 10,000 operation names', out.samples, [
    ['calls', (r) => r.calls.toLocaleString('en')], ['retained heap', (r) => `${(r.retainedBytes / 2 ** 20).toFixed(2)} MB`],
    ['operations held', (r) => r.totalOperations], ['evicted so far', (r) => r.evictedOperations.toLocaleString('en')],
  ]);
  const last = out.samples.at(-1).retainedBytes / 2 ** 20;
  checks.push({ path: 'd', case: 'withRetry, registry on', check: 'retained heap < 20 MB', measured: last, limit: 20, pass: last < 20 });
}

for (const [stage, rows] of Object.entries(ab)) {
  printAb(`A/B (${stage}): new ${labels[0]} against old ${labels[1]} in the same run; new / old is the median of the ratios measured in the same round`, rows, labels, fmtAb);
}
printTable('Targets (build under test, registry off)', checks, [
  ['path', (c) => c.path], ['case', (c) => c.case], ['check', (c) => c.check],
  ['measured', (c) => (c.path === 'd' ? `${c.measured.toFixed(1)} MB` : fmtRatio(c.measured))],
  ['limit', (c) => (c.path === 'd' ? `${c.limit} MB` : fmtRatio(c.limit))],
  ['result', (c) => (c.pass ? 'PASS' : 'FAIL')],
], 3);
const failed = checks.filter((c) => !c.pass).length;
run.loadAverageAtEnd = load();
run.minutes = Math.round((Date.now() - startedAt) / 600) / 100;
save('summary.json', { stageLoad, checks, ab });
console.log(`\n${checks.length - failed} of ${checks.length} targets pass. Commit ${labels[0]}${builds[1] ? ` (A/B against ${labels[1]})` : ''}; ` +
  `${run.cpu}, ${run.cores} cores, Node ${run.node}; load average ${run.loadAverageAtStart[0]} at start, ${run.loadAverageAtEnd[0]} at end; ${run.minutes} min. JSON in ${outDir}.`);
