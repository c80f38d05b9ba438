/**
 * Counts per second of clock time over the last `seconds` seconds, in a ring of buckets: what
 * the statistics page draws as a sparkline and averages into a rate. Bounded: one
 * Float64Array; an event older than the ring is dropped.
 */
export class PerSecond {
  readonly #buckets: Float64Array;
  /** The second (clock ms / 1000, floored) of the newest bucket; -Infinity before the first count. */
  #newest = -Infinity;

  /** @param seconds how many complete seconds {@link history} returns (one more bucket holds the current second). */
  constructor(seconds: number) {
    this.#buckets = new Float64Array(seconds + 1);
  }

  /** Counts one event at clock time `atMs`. */
  add(atMs: number): void {
    const second = Math.floor(atMs / 1000);
    this.#advance(second);
    const age = this.#newest - second;
    if (age < 0 || age >= this.#buckets.length) return;
    this.#buckets[this.#index(second)]! += 1;
  }

  /**
   * The counts of the `seconds` seconds before the one holding `nowMs` (complete seconds
   * only), oldest first.
   */
  history(nowMs: number): number[] {
    const current = Math.floor(nowMs / 1000);
    this.#advance(current);
    const out: number[] = [];
    for (let s = current - this.#buckets.length + 1; s < current; s++) out.push(this.#count(s));
    return out;
  }

  /** Events per second over the `window` complete seconds before `nowMs`. */
  rate(nowMs: number, window: number): number {
    const history = this.history(nowMs);
    const last = history.slice(-window);
    return last.reduce((a, b) => a + b, 0) / window;
  }

  #count(second: number): number {
    const age = this.#newest - second;
    return age < 0 || age >= this.#buckets.length ? 0 : this.#buckets[this.#index(second)]!;
  }

  #index(second: number): number {
    const n = this.#buckets.length;
    return ((second % n) + n) % n;
  }

  /** Moves the newest second forward to `second`, clearing the buckets it passes. */
  #advance(second: number): void {
    if (second <= this.#newest) return;
    const steps = Math.min(this.#buckets.length, second - this.#newest);
    for (let k = 0; k < steps; k++) this.#buckets[this.#index(second - k)] = 0;
    this.#newest = second;
  }
}
