/**
 * A bounded, constant-memory estimate of the percentiles of recent latencies, for hedging's
 * percentile delay (`delay: 'p95'`).
 *
 * The latencies go into a fixed log-scale histogram: bucket `i` holds the values in
 * `(gamma^(i-1), gamma^i]` ms, with `gamma = 1 + relativeError`, so any two values of a bucket
 * are within `relativeError` of each other (relative). A percentile is found in the bucket that
 * holds its rank and placed inside it by linear interpolation of the weights, so it is within
 * `relativeError` of a latency of that rank (the guarantee of a logarithmic sketch such as
 * DDSketch, Masson et al., VLDB 2019) and, when the latencies spread evenly within the bucket,
 * close in rank too: a hedge delay at `'p95'` then hedges close to 5% of attempts, even where
 * most latencies crowd into a few buckets (at the edge of such a crowd, in a bucket it fills
 * only in part, the rank can be off by that bucket's share). Values below `minMs` share one
 * bucket that answers 0; values above `maxMs` share one that answers `maxMs`.
 *
 * Recent latencies weigh more: each new one weighs `2^(1/halfLife)` times the one before, so a
 * latency's weight halves every `halfLife` newer latencies, and after a change of distribution
 * the median follows within about `halfLife` latencies (a percentile `q` within
 * `halfLife * log2(1 / (1 - q))`, more for a percentile above `q` in the old distribution).
 * Rather than scaling every bucket down at each latency, the increment grows, and the buckets
 * are rescaled once it is large: each latency costs O(1), each percentile one pass over the
 * buckets (about 790 with the defaults: 6.3 KB).
 */
import { positiveNumber, readOptions } from './validate.js';

/** Options of {@link LatencyEstimate}. Every one is optional; `undefined` means the default. */
export interface LatencyEstimateOptions {
  /** Relative accuracy of a percentile, in (0, 0.5]. @default 0.02 */
  readonly relativeError?: number;
  /** The smallest latency told apart from 0, in ms. @default 0.1 */
  readonly minMs?: number;
  /** The largest latency told apart from larger ones, in ms. @default 600000 (10 minutes) */
  readonly maxMs?: number;
  /** After how many newer latencies a latency weighs half as much. `Infinity`: never. @default 500 */
  readonly halfLife?: number;
}

const OWNER = 'LatencyEstimate';
/** Past this increment, every weight is divided by it (well inside a double's range). */
const RESCALE_AT = 2 ** 64;

/** Recent latencies of one operation, as a decaying log-scale histogram. */
export class LatencyEstimate {
  /** Relative accuracy of a percentile (the `relativeError` option, or its default). */
  readonly relativeError: number;
  /** The smallest latency told apart from 0, in ms (the `minMs` option, or its default). */
  readonly minMs: number;
  /** The largest latency told apart from larger ones, in ms (the `maxMs` option, or its default). */
  readonly maxMs: number;
  /** After how many newer latencies a latency weighs half as much (the `halfLife` option, or its default). */
  readonly halfLife: number;
  readonly #logGamma: number;
  /** Index of the bucket that holds `minMs`; bucket `offset - 1` holds the values below it (0). */
  readonly #offset: number;
  readonly #weights: Float64Array;
  readonly #growth: number;
  #increment = 1;
  #total = 0;
  #count = 0;

  /** @throws {TypeError | RangeError} when an option has the wrong type or is out of range. */
  constructor(options?: LatencyEstimateOptions) {
    const o = readOptions(OWNER, options);
    this.relativeError = positiveNumber(OWNER, 'relativeError', o.relativeError, 0.02);
    if (this.relativeError > 0.5) throw new RangeError(`maestro-retry: ${OWNER} option \`relativeError\` must be at most 0.5, got ${this.relativeError}`);
    this.minMs = positiveNumber(OWNER, 'minMs', o.minMs, 0.1);
    this.maxMs = positiveNumber(OWNER, 'maxMs', o.maxMs, 600_000);
    if (!(this.maxMs > this.minMs)) throw new RangeError(`maestro-retry: ${OWNER} option \`maxMs\` must be greater than minMs (${this.minMs}), got ${this.maxMs}`);
    this.halfLife = o.halfLife === Infinity ? Infinity : positiveNumber(OWNER, 'halfLife', o.halfLife, 500);
    this.#logGamma = Math.log1p(this.relativeError);
    this.#offset = Math.ceil(Math.log(this.minMs) / this.#logGamma) - 1;
    // One bucket below minMs, the buckets from minMs to maxMs, one above maxMs.
    this.#weights = new Float64Array(this.#index(this.maxMs) + 2);
    this.#growth = 2 ** (1 / this.halfLife);
  }

  /** How many buckets the histogram holds: its memory, whatever the number of latencies. */
  get buckets(): number {
    return this.#weights.length;
  }

  /** Latencies recorded since construction (or the last `clear()`). */
  get count(): number {
    return this.#count;
  }

  /** Counts one latency, in ms. @throws {RangeError} when `ms` is not a finite number >= 0. */
  record(ms: number): void {
    if (!(ms >= 0 && ms < Infinity)) throw new RangeError(`maestro-retry: ${OWNER}.record() takes a finite latency >= 0 in ms, got ${String(ms)}`);
    const index = ms < this.minMs ? 0 : ms > this.maxMs ? this.#weights.length - 1 : this.#index(ms);
    this.#weights[index]! += this.#increment;
    this.#total += this.#increment;
    this.#count++;
    this.#increment *= this.#growth;
    if (this.#increment > RESCALE_AT) this.#rescale();
  }

  /**
   * The latency below which a share `q` of the recent weight lies, in ms, within
   * `relativeError`; `undefined` before any latency was recorded.
   * @throws {RangeError} when `q` is not in [0, 1].
   */
  quantile(q: number): number | undefined {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`maestro-retry: ${OWNER}.quantile() takes a number in [0, 1], got ${String(q)}`);
    if (this.#count === 0) return undefined;
    // The first bucket whose running weight reaches q of the total; the tolerance absorbs the
    // rounding of the sums, so that q = 1 finds the highest bucket in use.
    const target = q * this.#total * (1 - 1e-12);
    let before = 0;
    let last = 0;
    for (let i = 0; i < this.#weights.length; i++) {
      const w = this.#weights[i]!;
      if (w === 0) continue;
      last = i;
      if (before + w >= target) break;
      before += w;
    }
    return this.#value(last, Math.min(1, Math.max(0, (target - before) / this.#weights[last]!)));
  }

  /** Forgets every latency. */
  clear(): void {
    this.#weights.fill(0);
    this.#total = 0;
    this.#count = 0;
    this.#increment = 1;
  }

  /** The bucket of a latency in [minMs, maxMs]: bucket 1 holds minMs. */
  #index(ms: number): number {
    return Math.ceil(Math.log(ms) / this.#logGamma) - this.#offset;
  }

  /** The value a share `f` of the way through bucket `i`: 0 below minMs, maxMs above maxMs. */
  #value(i: number, f: number): number {
    if (i === 0) return 0;
    if (i === this.#weights.length - 1) return this.maxMs;
    const upper = Math.exp((i + this.#offset) * this.#logGamma);
    const lower = upper / (1 + this.relativeError);
    return lower + f * (upper - lower);
  }

  #rescale(): void {
    const scale = 1 / this.#increment;
    for (let i = 0; i < this.#weights.length; i++) this.#weights[i]! *= scale;
    this.#total *= scale;
    this.#increment = 1;
  }
}
