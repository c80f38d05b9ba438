/**
 * The adaptive rate limiter's token bucket: it fills at `rate` tokens per second up to
 * `capacity`, by the time elapsed alone (so reading it changes nothing), and never loses
 * tokens to a clock that steps back.
 */
export class FillBucket {
  /** Tokens in the bucket, between 0 and `capacity`. */
  tokens = 0;
  /** Tokens per second. */
  rate: number;
  capacity: number;
  /** Time (ms) of the last refill. */
  #lastRefill: number;

  constructor(rate: number, capacity: number, now: number) {
    this.rate = rate;
    this.capacity = capacity;
    this.#lastRefill = now;
  }

  /** Adds the tokens accrued since the last refill. */
  refill(now: number): void {
    const elapsed = now - this.#lastRefill;
    if (!(elapsed > 0)) return;
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed / 1000) * this.rate);
    this.#lastRefill = now;
  }

  /** Takes one token (or what is left of one). */
  take(): void {
    this.tokens = Math.max(0, this.tokens - 1);
  }

  /** Fills at `rate` from now on, in a bucket of `capacity`; tokens above it are dropped. */
  resize(now: number, rate: number, capacity: number): void {
    this.refill(now);
    this.rate = rate;
    this.capacity = capacity;
    if (this.tokens > capacity) this.tokens = capacity;
  }
}
