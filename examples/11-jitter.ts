/**
 * 11. Jitter strategies side by side.
 *
 * When many clients fail at the same moment (a deploy, a blip), plain exponential backoff
 * makes them all retry at the same moments too, and the retries arrive as synchronized waves.
 * Jitter spreads them out (see "Exponential Backoff And Jitter", AWS Architecture Blog):
 *
 *   none          base(k) = min(maxDelay, initialDelay * backoffBase^(k-1))
 *   full          random * base(k)                    (most spread; AWS's recommendation)
 *   equal         base(k)/2 + random * base(k)/2      (never less than half)
 *   decorrelated  min(maxDelay, initialDelay + random * (3 * previous - initialDelay))
 *
 * The example draws each strategy's delays with a seeded random source (the `random` option),
 * so its output is the same on every run, then shows how 1,000 clients that failed together
 * spread their third retry.
 *
 *   npx tsx examples/11-jitter.ts
 */
import { calculateDelay, type JitterStrategy } from 'maestro-retry';
import { formatTable, runWhenExecuted, type Log } from './support.js';

/** A small seeded PRNG (mulberry32): numbers in [0, 1), the same sequence for the same seed. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRATEGIES: readonly JitterStrategy[] = ['none', 'full', 'equal', 'decorrelated'];
const backoff = { initialDelay: 100, backoffBase: 2, maxDelay: 5000 } as const;

/** The delays one client would wait before retries 1..n. */
function schedule(jitter: JitterStrategy, retries: number, random: () => number): number[] {
  const delays: number[] = [];
  let previousDelay: number | undefined; // decorrelated jitter grows from the delay it used last
  for (let k = 1; k <= retries; k++) {
    const delay = Math.round(calculateDelay(k, { ...backoff, jitter, random, previousDelay }));
    delays.push(delay);
    previousDelay = delay;
  }
  return delays;
}

export async function main(log: Log = console.log): Promise<{
  schedules: Record<JitterStrategy, number[]>;
  spread: Record<JitterStrategy, { min: number; max: number; distinct: number }>;
}> {
  const retries = 6;
  const schedules = {} as Record<JitterStrategy, number[]>;
  for (const jitter of STRATEGIES) schedules[jitter] = schedule(jitter, retries, seeded(7));

  log(`delay (ms) before each retry; initialDelay 100, backoffBase 2, maxDelay 5000`);
  const header = ['jitter', ...Array.from({ length: retries }, (_, i) => `#${i + 1}`)];
  formatTable(header, STRATEGIES.map((j) => [j, ...schedules[j].map(String)])).forEach((line) => log(line));
  log('');

  // 1,000 clients fail at t=0; when does their 3rd retry land, relative to its first attempt?
  const spread = {} as Record<JitterStrategy, { min: number; max: number; distinct: number }>;
  const random = seeded(42);
  for (const jitter of STRATEGIES) {
    const landings = Array.from({ length: 1000 }, () => schedule(jitter, 3, random).reduce((a, b) => a + b, 0));
    spread[jitter] = {
      min: Math.min(...landings),
      max: Math.max(...landings),
      // distinct 10 ms slots used: how many "waves" the server sees
      distinct: new Set(landings.map((t) => Math.floor(t / 10))).size,
    };
  }
  log('1,000 clients failing together: when their 3rd retry starts (ms)');
  const rows = STRATEGIES.map((j) => [j, String(spread[j].min), String(spread[j].max), String(spread[j].distinct)]);
  formatTable(['jitter', 'earliest', 'latest', '10-ms slots used'], rows).forEach((line) => log(line));
  return { schedules, spread };
}

runWhenExecuted('11-jitter', main);
