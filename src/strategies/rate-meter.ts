/**
 * The rate, in attempts per second, at which attempts have been ending, as the adaptive rate
 * limiter measures it: counted per interval of `intervalMs`, each closed interval folded into
 * a smoothed rate (weight `smooth` for the newest; the first closed interval sets it). Before
 * any interval has closed, the rate is the count over the time since the first result's
 * interval began (at least a tenth of an interval).
 */
export class RateMeter {
  readonly #intervalMs: number;
  readonly #smooth: number;
  /** The smoothed rate. */
  #rate = 0;
  /** Attempts ending in the current interval; its start (ms), `undefined` before the first result. */
  #count = 0;
  #interval: number | undefined;
  /** Whether an interval has closed. */
  #closed = false;

  constructor(intervalMs: number, smooth: number) {
    this.#intervalMs = intervalMs;
    this.#smooth = smooth;
  }

  /** The measured rate, in attempts per second. */
  get rate(): number {
    return this.#rate;
  }

  /** Starts from a rate measured before (a snapshot's), as if an interval had closed at it. */
  restore(rate: number): void {
    this.#rate = rate;
    this.#closed = rate > 0;
  }

  /** Counts one attempt ending at `now`. */
  measure(now: number): void {
    const interval = Math.floor(now / this.#intervalMs) * this.#intervalMs;
    this.#count++;
    const last = this.#interval;
    if (last === undefined) {
      this.#interval = interval;
    } else if (interval > last) {
      const current = this.#count / ((interval - last) / 1000);
      this.#rate = this.#closed ? current * this.#smooth + this.#rate * (1 - this.#smooth) : current;
      this.#closed = true;
      this.#count = 0;
      this.#interval = interval;
      return;
    }
    if (!this.#closed) {
      const elapsed = Math.max(now - this.#interval!, this.#intervalMs / 10);
      this.#rate = this.#count / (elapsed / 1000);
    }
  }
}
