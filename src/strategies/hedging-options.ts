/**
 * The `hedging` option: its types, its validation, and the delay before each hedge (fixed, a
 * function, or a percentile of the operation's recent attempt latencies).
 */
import { describe } from '../observers/safe.js';
import { defaultLatencyStore, LatencyStore } from './latency-store.js';

/** A percentile of recent attempt latencies: `'p50'`, `'p95'`, `'p99.9'`... (in (0, 100]). */
export type Percentile = `p${number}`;

/** What a `hedging.delay` function learns, for each hedge it times. */
export interface HedgeDelayInfo {
  /** The name of the operation the call runs. */
  readonly operationName: string;
  /** Which hedge of the round this delay is for: 1 for the first. */
  readonly hedge: number;
  /** Attempts the call has started so far. */
  readonly attempts: number;
  /** Time since the call started, in ms. */
  readonly elapsedMs: number;
}

/**
 * Hedging: when an attempt is slow, start another copy of it and take the first success.
 * For idempotent work only: every hedge runs the function once more.
 */
export interface HedgingOptions {
  /**
   * How long an attempt runs before the next hedge starts, in ms: a number; a function of
   * {@link HedgeDelayInfo}; or a percentile of the operation's recent attempt latencies
   * (`'p95'`: hedge about the 5% slowest attempts), at least 1 ms. With a percentile, no hedge
   * is timed before `minSamples` latencies are known. `Infinity`: hedge only after a failure.
   */
  readonly delay: number | Percentile | ((info: HedgeDelayInfo) => number);
  /** Hedges per round, on top of its first attempt. Each counts as a retry. @default 1 */
  readonly maxHedges?: number;
  /** With a percentile delay: latencies to know before the first hedge is timed. @default 20 */
  readonly minSamples?: number;
  /** With a percentile delay: where latencies are kept. @default defaultLatencyStore */
  readonly latencies?: LatencyStore;
}

/** The `hedging` option once validated (internal). */
export interface HedgingPlan {
  readonly maxHedges: number;
  /** The delay before a hedge; `undefined` when none is timed (the estimate is not ready). */
  delayFor(info: HedgeDelayInfo): number | undefined;
  /** Counts one attempt's latency, when the delay is a percentile (else does nothing). */
  record(operationName: string, ms: number): void;
}

function fail(Kind: typeof TypeError, name: string, rule: string, value: unknown): never {
  throw new Kind(`maestro-retry: option \`hedging${name}\` must be ${rule}, got ${describe(value)}`);
}

function count(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const rule = `an integer >= ${min}`;
  if (typeof value !== 'number') fail(TypeError, name, rule, value);
  if (!Number.isSafeInteger(value) || value < min) fail(RangeError, name, rule, value);
  return value;
}

/** `'p95'` as 0.95; `undefined` when `value` is not a percentile in (0, 100]. */
export function parsePercentile(value: string): number | undefined {
  const match = /^p(\d+(?:\.\d+)?)$/.exec(value);
  const n = match === null ? NaN : Number(match[1]);
  return n > 0 && n <= 100 ? n / 100 : undefined;
}

/** A delay a function returned: a number >= 0 (`Infinity` allowed). */
function checkedDelay(value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0)) fail(RangeError, '.delay', 'a function returning a number >= 0', value);
  return value;
}

/**
 * Validates the `hedging` option. Every hedge counts as a retry, so `maxHedges` may not pass
 * `maxRetries`. Throws a `TypeError` or `RangeError` naming the option and the value.
 */
export function normalizeHedging(value: unknown, maxRetries: number): HedgingPlan {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(TypeError, '', 'an object such as { delay: \'p95\' }', value);
  const o = value as Partial<Record<keyof HedgingOptions, unknown>>;
  const maxHedges = count('.maxHedges', o.maxHedges, 1, 1);
  if (maxHedges > maxRetries) {
    throw new RangeError(`maestro-retry: option \`hedging.maxHedges\` (${maxHedges}) may not exceed \`maxRetries\` (${maxRetries}): every hedge counts as a retry`);
  }
  const delay = o.delay;
  if (typeof delay === 'number') {
    if (!(delay >= 0)) fail(RangeError, '.delay', 'a number >= 0', delay);
    return { maxHedges, delayFor: () => delay, record: () => undefined };
  }
  if (typeof delay === 'function') {
    const fn = delay as (info: HedgeDelayInfo) => unknown;
    return { maxHedges, delayFor: (info) => checkedDelay(fn(Object.freeze({ ...info }))), record: () => undefined };
  }
  const q = typeof delay === 'string' ? parsePercentile(delay) : undefined;
  if (q === undefined) fail(TypeError, '.delay', "a number of ms, a function, or a percentile such as 'p95'", delay);
  const minSamples = count('.minSamples', o.minSamples, 20, 1);
  const store = o.latencies === undefined ? defaultLatencyStore : o.latencies;
  if (!(store instanceof LatencyStore)) fail(TypeError, '.latencies', 'a LatencyStore', store);
  return {
    maxHedges,
    delayFor: ({ operationName }) => {
      const estimate = store.estimate(operationName);
      return estimate.count < minSamples ? undefined : Math.max(1, estimate.quantile(q)!);
    },
    record: (operationName, ms) => store.estimate(operationName).record(ms),
  };
}
