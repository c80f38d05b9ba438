// Interleaved, GC-separated timing of async cases, reported as ratios to a baseline measured in
// the same rounds.
const AsyncFunction = (async () => {}).constructor;

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * A runner of its own per case, compiled from source so that each has its own call site and
 * type feedback: one case's functions never make another's loop polymorphic. The source names
 * the case (`id`), because V8 caches what `new Function` compiles by its source text: runners
 * of identical text made after the first would share one compiled function and one feedback
 * vector, so every case but the first would call through a megamorphic site. `arg` is the
 * expression passed to the case's function on each call.
 */
function makeRunner(arg, id) {
  return new AsyncFunction('f', 'n', `// runner of case ${JSON.stringify(id)}
    let sink = 0;
    for (let i = 0; i < n; i++) sink += (await f(${arg})) === undefined ? 0 : 1;
    if (sink !== n) throw new Error('a case returned undefined');
  `);
}

function forceGc() {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
  globalThis.gc();
  globalThis.gc();
}

/** ns per call of `n` sequential awaited calls. */
async function timeBatch(runner, f, n) {
  const t0 = process.hrtime.bigint();
  await runner(f, n);
  return Number(process.hrtime.bigint() - t0) / n;
}

/**
 * Measures `cases` (`[name, group, make]`, the first one being the baseline) in `rounds`
 * interleaved rounds: each round runs every case once, in an order rotated by one per round,
 * with a forced GC before each. A batch lasts about `batchMs`. Returns per-case median ns per
 * call and the median of the per-round ratios to the baseline.
 */
export async function measure(cases, { rounds = 7, batchMs = 60, warmupMs = 150, arg = 'i', log = () => {} } = {}) {
  const entries = cases.map(([name, group, make]) => ({ name, group, f: make(), runner: makeRunner(arg, name), n: 1, ns: [] }));
  // Warm up (JIT) and calibrate the batch size of each case.
  for (const e of entries) {
    let n = 1;
    let total = 0;
    for (;;) {
      const t0 = performance.now();
      await e.runner(e.f, n);
      const ms = performance.now() - t0;
      total += ms;
      if (total >= warmupMs || ms >= warmupMs) {
        e.n = Math.max(1, Math.round((batchMs / ms) * n));
        break;
      }
      n *= 2;
    }
  }
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < entries.length; k++) {
      const e = entries[(k + r) % entries.length];
      forceGc();
      e.ns.push(await timeBatch(e.runner, e.f, e.n));
    }
    log(`  round ${r + 1}/${rounds}`);
  }
  const base = entries[0];
  return entries.map((e) => {
    const ratios = e.ns.map((ns, r) => ns / base.ns[r]);
    return {
      name: e.name,
      group: e.group,
      callsPerBatch: e.n,
      nsPerCall: median(e.ns),
      ratio: median(ratios),
      ratioMin: Math.min(...ratios),
      ratioMax: Math.max(...ratios),
      nsPerRound: e.ns.map((x) => Math.round(x)),
    };
  });
}
