/**
 * Counters over a rolling time window, kept in fixed buckets. The window moves forward only
 * when {@link RollingWindow.advance} is called with the clock's time: no timer, nothing to
 * shut down. Memory is `buckets * kinds` numbers, whatever the traffic.
 *
 * Bucket `i` holds the events whose time `t` has `floor(t / (windowMs / buckets)) === i`; the
 * window is the newest `buckets` buckets, so it spans between `windowMs - width` and
 * `windowMs` of real time.
 */
export class RollingWindow {
  /** Width of one bucket, in ms. */
  readonly width: number;
  readonly buckets: number;
  readonly #kinds: number;
  /** counts[slot * kinds + kind] */
  readonly #counts: Float64Array;
  readonly #totals: Float64Array;
  /** The bucket index of the newest bucket. */
  #head: number;

  /**
   * @param windowMs the window's length, in ms.
   * @param buckets how many buckets divide it. @default 10
   * @param kinds how many counters each bucket holds. @default 2
   * @param now the time the window starts at.
   */
  constructor(windowMs: number, buckets = 10, kinds = 2, now = 0) {
    this.width = windowMs / buckets;
    this.buckets = buckets;
    this.#kinds = kinds;
    this.#counts = new Float64Array(buckets * kinds);
    this.#totals = new Float64Array(kinds);
    this.#head = Math.floor(now / this.width);
  }

  /** Moves the window so its newest bucket holds `now`, dropping buckets that fell out. Time never moves back. */
  advance(now: number): void {
    const index = Math.floor(now / this.width);
    const steps = index - this.#head;
    if (!(steps > 0)) return;
    if (steps >= this.buckets) {
      this.clear();
    } else {
      for (let i = 1; i <= steps; i++) this.#zero(this.#slot(this.#head + i));
    }
    this.#head = index;
  }

  /** Adds `amount` to counter `kind` of the newest bucket. */
  add(kind: number, amount = 1): void {
    this.#counts[this.#slot(this.#head) * this.#kinds + kind]! += amount;
    this.#totals[kind]! += amount;
  }

  /** Counter `kind` summed over the whole window. */
  total(kind: number): number {
    return this.#totals[kind]!;
  }

  /** Counter `kind` of the bucket `age` buckets older than the newest (0: the newest). */
  at(age: number, kind: number): number {
    return this.#counts[this.#slot(this.#head - age) * this.#kinds + kind]!;
  }

  /** Zeroes every counter (the window keeps its position). */
  clear(): void {
    this.#counts.fill(0);
    this.#totals.fill(0);
  }

  #slot(index: number): number {
    const slot = index % this.buckets;
    return slot < 0 ? slot + this.buckets : slot;
  }

  #zero(slot: number): void {
    const base = slot * this.#kinds;
    for (let k = 0; k < this.#kinds; k++) {
      this.#totals[k]! -= this.#counts[base + k]!;
      this.#counts[base + k] = 0;
    }
  }
}
