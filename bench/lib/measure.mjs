// Interleaved timing of async cases, reported against a baseline measured in the same rounds.
import { makeRunner } from './compile.mjs';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Empties the young generation, so each batch starts from the same state: two scavenges. Not
 * a full GC: V8 discards optimized code that embeds objects a full GC finds dead ("weak
 * objects"), and the old core's code was discarded by every one, so a full GC before each
 * batch measured re-optimization instead of the steady state.
 */
function emptyYoungGeneration() {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
  globalThis.gc({ type: 'minor' });
  globalThis.gc({ type: 'minor' });
}

/** ns per call of `n` sequential awaited calls, by the wall clock and by this process's CPU time. */
async function timeBatch(runner, f, n) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await runner(f, n);
  const wall = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  return { wall: wall / n, cpu: ((cpu.user + cpu.system) * 1000) / n };
}

/** One case's figures of one metric: its value in each round, their min and median, and the ratios to the baseline's value in the same round. */
export function figures(ns, base) {
  const ratios = ns.map((x, r) => x / base[r]);
  return {
    min: Math.min(...ns),
    median: median(ns),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    perRound: ns.map((x) => Math.round(x * 10) / 10),
  };
}

/**
 * Times `entries` ([{ key, f }], the first being the baseline) in `rounds` interleaved rounds:
 * after a warm-up that also sizes each case's batch to about `batchMs`, each round runs every
 * case's batch once, in an order rotated by one per round, with the young generation emptied
 * before each batch.
 * Returns, per case and per clock (`wall`, and `cpu`: this process's CPU time, which on a
 * shared machine leaves out the time spent waiting for a core, and also any idle wait such as
 * a timer's), `figures` of its rounds.
 */
export async function measure(entries, { rounds, batchMs, warmupMs = 150, arg, log = () => {} }) {
  const runs = entries.map((e) => ({ ...e, runner: makeRunner(arg, e.key), n: 1, wall: [], cpu: [] }));
  for (const e of runs) {
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
    for (let k = 0; k < runs.length; k++) {
      const e = runs[(k + r) % runs.length];
      emptyYoungGeneration();
      const { wall, cpu } = await timeBatch(e.runner, e.f, e.n);
      e.wall.push(wall);
      e.cpu.push(cpu);
    }
    log(`  round ${r + 1}/${rounds}`);
  }
  const [base] = runs;
  return runs.map((e) => ({ key: e.key, callsPerBatch: e.n, wall: figures(e.wall, base.wall), cpu: figures(e.cpu, base.cpu) }));
}

/**
 * One path measured in several processes (each `measure`'s result, same cases in the same
 * order): per case and clock, the least ns per call of any batch (`min`), the median of the
 * processes' medians, and the median, least and greatest of the processes' ratios (the JIT
 * may settle differently in each process; `perProcess` keeps each one's figures).
 */
export function combineProcesses(processes) {
  return processes[0].map(({ key, callsPerBatch }, i) => {
    const runs = processes.map((p) => p[i]);
    const clock = (c) => {
      const ratios = runs.map((r) => r[c].ratio);
      return {
        min: Math.min(...runs.map((r) => r[c].min)),
        median: median(runs.map((r) => r[c].median)),
        ratio: median(ratios),
        ratioMin: Math.min(...ratios),
        ratioMax: Math.max(...ratios),
        perProcess: runs.map((r) => r[c]),
      };
    };
    return { key, callsPerBatch, wall: clock('wall'), cpu: clock('cpu') };
  });
}
