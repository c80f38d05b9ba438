/**
 * The plain data of a {@link RollingWindow}, as a policy's state holds it (JSON-safe):
 * `head` is the index of the newest bucket; `counts[slot * kinds + kind]` the counters, the
 * bucket of index `i` living in slot `i mod buckets`.
 */
export interface WindowData {
  head: number;
  readonly counts: number[];
}

/**
 * Counters over a rolling time window, kept in fixed buckets. The window moves forward only
 * when {@link RollingWindow.advance} is called with the clock's time: no timer, nothing to
 * shut down. Memory is `buckets * kinds` numbers, whatever the traffic.
 *
 * Bucket `i` holds the events whose time `t` has `floor(t / (windowMs / buckets)) === i`; the
 * window is the newest `buckets` buckets, so it spans between `windowMs - width` and
 * `windowMs` of real time.
 *
 * The counters live in a {@link WindowData} object, which the window either creates or is
 * given (a policy's stored state), and changes in place.
 */
export class RollingWindow {
  /** Width of one bucket, in ms. */
  readonly width: number;
  readonly buckets: number;
  readonly #kinds: number;
  /** The counters this window reads and writes. */
  readonly data: WindowData;

  /**
   * @param windowMs the window's length, in ms.
   * @param buckets how many buckets divide it. @default 10
   * @param kinds how many counters each bucket holds. @default 2
   * @param start the time the window starts at, or the data of a window to work on. @default 0
   */
  constructor(windowMs: number, buckets = 10, kinds = 2, start: number | WindowData = 0) {
    this.width = windowMs / buckets;
    this.buckets = buckets;
    this.#kinds = kinds;
    this.data = typeof start === 'number' ? { head: Math.floor(start / this.width), counts: new Array<number>(buckets * kinds).fill(0) } : start;
  }

  /** Moves the window so its newest bucket holds `now`, dropping buckets that fell out. Time never moves back. */
  advance(now: number): void {
    const index = Math.floor(now / this.width);
    const steps = index - this.data.head;
    if (!(steps > 0)) return;
    if (steps >= this.buckets) {
      this.clear();
    } else {
      for (let i = 1; i <= steps; i++) this.#zero(this.#slot(this.data.head + i));
    }
    this.data.head = index;
  }

  /** Adds `amount` to counter `kind` of the newest bucket. */
  add(kind: number, amount = 1): void {
    this.data.counts[this.#slot(this.data.head) * this.#kinds + kind]! += amount;
  }

  /**
   * Adds `amount` to counter `kind` of the bucket holding `time`: a later time moves the window
   * there first; an earlier one counts in its own bucket, or nowhere once that bucket has left
   * the window.
   */
  addAt(time: number, kind: number, amount = 1): void {
    const index = Math.floor(time / this.width);
    if (index > this.data.head) this.advance(time);
    else if (index <= this.data.head - this.buckets) return;
    this.data.counts[this.#slot(index) * this.#kinds + kind]! += amount;
  }

  /** Counter `kind` summed over the whole window, or over its `newest` buckets. */
  total(kind: number, newest = this.buckets): number {
    let sum = 0;
    for (let age = 0; age < newest; age++) sum += this.at(age, kind);
    return sum;
  }

  /** Counter `kind` of the bucket `age` buckets older than the newest (0: the newest). */
  at(age: number, kind: number): number {
    return this.data.counts[this.#slot(this.data.head - age) * this.#kinds + kind]!;
  }

  /** Zeroes every counter (the window keeps its position). */
  clear(): void {
    this.data.counts.fill(0);
  }

  #slot(index: number): number {
    const slot = index % this.buckets;
    return slot < 0 ? slot + this.buckets : slot;
  }

  #zero(slot: number): void {
    this.data.counts.fill(0, slot * this.#kinds, (slot + 1) * this.#kinds);
  }
}

/** A copy of `data`, for a read that must not move the stored window. */
export function copyWindow(data: WindowData): WindowData {
  return { head: data.head, counts: data.counts.slice() };
}

/**
 * A window restored from a snapshot's `data`, or `undefined` when `data` is not the data of a
 * window of `buckets * kinds` counters. A newest bucket later than `now` (a snapshot taken on
 * a clock ahead of this one) becomes the bucket of `now`, every bucket keeping its age.
 */
export function restoreWindow(data: unknown, windowMs: number, buckets: number, kinds: number, now: number): WindowData | undefined {
  const d = data as Partial<WindowData> | null;
  if (typeof d !== 'object' || d === null || !Number.isSafeInteger(d.head) || !Array.isArray(d.counts)) return undefined;
  if (d.counts.length !== buckets * kinds || !d.counts.every((n) => typeof n === 'number' && n >= 0 && Number.isFinite(n))) return undefined;
  const from = new RollingWindow(windowMs, buckets, kinds, { head: d.head!, counts: d.counts.slice() });
  const head = Math.min(d.head!, Math.floor(now / from.width));
  const to = new RollingWindow(windowMs, buckets, kinds, { head, counts: new Array<number>(buckets * kinds).fill(0) });
  for (let age = buckets - 1; age >= 0; age--) {
    to.data.head = head - age;
    for (let kind = 0; kind < kinds; kind++) to.add(kind, from.at(age, kind));
  }
  to.data.head = head;
  return to.data;
}
