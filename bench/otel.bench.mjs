// What the OpenTelemetry bridge costs on the success path (one call of an async function that
// fulfils at once), as ratios to the same wrapper without it (withRetry, registry on),
// measured in the same rounds:
//   - the bridge in the call's `observers`, no SDK registered (the target: <= 1.05x);
//   - the bridge subscribed to the registry, no SDK registered;
//   - a no-op observer in each place, which shows what any observer costs there;
//   - the bridge with a real SDK MeterProvider (reported, no target).
// Imports the built package (dist/); builds it first when dist/ is missing. Writes
// bench/results/otel.json and prints a table.
//
// The machine this runs on may be shared: other processes take the cores for milliseconds at
// a time, which swamps a difference of a few percent in any average. So each case is timed in
// many short batches (about `batch-ms`, default 0.5 ms: shorter than a scheduler time slice,
// so most batches run uninterrupted), interleaved (each round runs every case once, in an
// order rotated by one per round), and a case's cost is its LEAST time per call over all its
// batches, and its 10th percentile: interference only ever adds time. Ratios compare these
// with the baseline's. A forced GC runs every 50 rounds.
//
//   node --expose-gc bench/otel.bench.mjs [--rounds=N] [--batch-ms=N]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
if (!existsSync(here('../dist/esm/otel/index.js'))) execFileSync('npm', ['run', 'build'], { cwd: here('..'), stdio: 'inherit' });

const { withRetry, RetryRegistry } = await import('maestro-retry');
const { createRetryTelemetry } = await import('maestro-retry/otel');
const { MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const rounds = Number(args.rounds ?? 2000);
const batchMs = Number(args['batch-ms'] ?? 0.5);
const log = (s) => process.stderr.write(s + '\n');

/** A reader that is only ever asked to collect by hand: the SDK aggregates, nothing exports. */
class HeldReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}
const sdkProvider = new MeterProvider({ readers: [new HeldReader()] });

const target = () => async function target(x) { return x; };
/** An observer with every method, doing nothing: what any observer costs the engine. */
const noop = () => ({ callStarted() {}, attemptEnded() {}, retryScheduled() {}, callEnded() {}, policyEvent() {} });
/** The wrapper every case measures: withRetry with a registry of its own (so no case shares records). */
const wrapper = ({ subscriber, observers = [] } = {}) => {
  const registry = new RetryRegistry();
  if (subscriber !== undefined) registry.subscribe(subscriber);
  return withRetry(target(), { operationName: 'bench.otel', registry, observers });
};
const TARGET = '+ telemetry in observers, no SDK';
const cases = [
  ['withRetry, registry on', 'baseline', () => wrapper()],
  [TARGET, 'no-sdk', () => wrapper({ observers: [createRetryTelemetry()] })],
  ['+ a no-op observer in observers', 'reference', () => wrapper({ observers: [noop()] })],
  ['+ telemetry subscribed to the registry, no SDK', 'no-sdk', () => wrapper({ subscriber: createRetryTelemetry() })],
  ['+ a no-op observer subscribed to the registry', 'reference', () => wrapper({ subscriber: noop() })],
  ['+ telemetry in observers, SDK MeterProvider', 'sdk', () => wrapper({ observers: [createRetryTelemetry({ meterProvider: sdkProvider })] })],
  ['+ telemetry subscribed to the registry, SDK MeterProvider', 'sdk', () => wrapper({ subscriber: createRetryTelemetry({ meterProvider: sdkProvider }) })],
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const AsyncFunction = (async () => {}).constructor;
/** A loop compiled per case (its source names the case), so no two cases share a call site's type feedback. */
const runnerOf = (name) => new AsyncFunction('f', 'n', `// runner of ${JSON.stringify(name)}
  let sink = 0;
  for (let i = 0; i < n; i++) sink += (await f(i)) === undefined ? 0 : 1;
  if (sink !== n) throw new Error('a case returned undefined');`);

async function batch(e) {
  const t0 = process.hrtime.bigint();
  await e.runner(e.f, e.n);
  return Number(process.hrtime.bigint() - t0) / e.n;
}

/** The `q`-quantile of `xs` (nearest rank). */
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(q * xs.length) - 1)];

async function measureCases() {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
  const entries = cases.map(([name, group, make]) => ({ name, group, f: make(), runner: runnerOf(name), n: 100, ns: [] }));
  for (const e of entries) {
    // Warm up (the JIT), then size the batch from the least time seen.
    let least = Infinity;
    for (let k = 0; k < 200; k++) least = Math.min(least, await batch(e));
    e.n = Math.max(50, Math.round((batchMs * 1e6) / least));
  }
  for (let r = 0; r < rounds; r++) {
    if (r % 50 === 0) globalThis.gc();
    for (let k = 0; k < entries.length; k++) {
      const e = entries[(k + r) % entries.length];
      e.ns.push(await batch(e));
    }
    if ((r + 1) % 500 === 0) log(`  round ${r + 1}/${rounds}`);
  }
  const [base] = entries;
  const least = (e) => Math.min(...e.ns);
  const p10 = (e) => quantile(e.ns, 0.1);
  return entries.map((e) => ({
    name: e.name, group: e.group, callsPerBatch: e.n,
    leastNsPerCall: least(e), p10NsPerCall: p10(e), medianNsPerCall: median(e.ns),
    ratio: least(e) / least(base), p10Ratio: p10(e) / p10(base),
  }));
}

log(`otel bench: ${rounds} rounds of ${batchMs} ms batches per case`);
const rows = await measureCases();
const byName = (n) => rows.find((r) => r.name === n);
const noSdk = byName(TARGET);
const result = {
  machine: { node: process.version, cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100), date: new Date().toISOString() },
  rounds,
  baseline: 'withRetry, registry on',
  scenario: 'one call of an async function that fulfils at once',
  cases: rows,
  estimator: 'least ns per call over all batches (and the 10th percentile), wall clock',
  batchMs,
  target: { case: noSdk.name, ratio: noSdk.ratio, p10Ratio: noSdk.p10Ratio, target: 1.05, holds: noSdk.ratio <= 1.05 },
};
mkdirSync(here('./results'), { recursive: true });
writeFileSync(here('./results/otel.json'), JSON.stringify(result, null, 2) + '\n');
await sdkProvider.shutdown();

const fmtNs = (ns) => (ns >= 1e3 ? (ns / 1e3).toFixed(2) + ' us' : ns.toFixed(0) + ' ns');
const widths = [Math.max(...rows.map((r) => r.name.length)), 13, 11, 13, 12];
const line = (cells) => '| ' + cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ') + ' |';
console.log('\nOpenTelemetry bridge, success path (ratios to the first row, same rounds)');
console.log(line(['case', 'least / call', 'vs first', 'p10 / call', 'p10 vs first']));
console.log('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
for (const r of rows) console.log(line([r.name, fmtNs(r.leastNsPerCall), r.ratio.toFixed(3) + 'x', fmtNs(r.p10NsPerCall), r.p10Ratio.toFixed(3) + 'x']));
console.log(`\nTarget: telemetry with no SDK <= 1.05x the same wrapper (least times): ${noSdk.ratio.toFixed(3)}x, p10 ${noSdk.p10Ratio.toFixed(3)}x (${result.target.holds ? 'holds' : 'MISSED'})`);
console.log(`Machine: ${result.machine.cpu}, ${result.machine.cores} cores, Node ${result.machine.node}, load ${result.machine.loadAverage.join(' ')}`);
