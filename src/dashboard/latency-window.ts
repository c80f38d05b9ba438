/**
 * The durations of an operation's last `capacity` attempts, for its p50 and p99 on the
 * statistics page. Bounded: one Float64Array, written round-robin. A quantile sorts a copy,
 * which the page asks for once per refresh, not once per attempt.
 */
export class LatencyWindow {
  readonly #samples: Float64Array;
  #size = 0;
  #next = 0;

  constructor(capacity: number) {
    this.#samples = new Float64Array(capacity);
  }

  push(durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) return;
    this.#samples[this.#next] = durationMs;
    this.#next = (this.#next + 1) % this.#samples.length;
    if (this.#size < this.#samples.length) this.#size++;
  }

  get size(): number {
    return this.#size;
  }

  /**
   * The `q`-quantiles (each in [0, 1]) of the kept durations, by the nearest-rank method
   * (the smallest sample with at least `q` of the samples at or below it); `null` when empty.
   */
  quantiles(qs: readonly number[]): Array<number | null> {
    if (this.#size === 0) return qs.map(() => null);
    const sorted = this.#samples.slice(0, this.#size).sort();
    return qs.map((q) => sorted[Math.min(this.#size - 1, Math.max(0, Math.ceil(q * this.#size) - 1))]!);
  }
}
