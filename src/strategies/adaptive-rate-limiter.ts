import type { Clock, RateLimiterLike } from '../engine/seams.js';
import { cubicRate } from './cubic.js';
import { clockOption, openFraction, positiveNumber, readOptions, unitFraction } from './validate.js';

/** Options of {@link AdaptiveRateLimiter}. Every one is optional; `undefined` means the default. */
export interface AdaptiveRateLimiterOptions {
  /**
   * The factor the send rate is multiplied by on a throttling error, in (0, 1).
   * @default 0.7
   */
  readonly beta?: number;
  /**
   * CUBIC's scale constant `C`: how fast the rate regrows after a throttle (higher: faster).
   * @default 0.4
   */
  readonly scaleConstant?: number;
  /**
   * Weight of the newest measurement in the smoothed send rate, in (0, 1].
   * @default 0.8
   */
  readonly smooth?: number;
  /**
   * The lowest fill rate, in attempts per second: however many throttles it sees, the limiter
   * lets at least this many attempts through per second.
   * @default 0.5
   */
  readonly minFillRate?: number;
  /**
   * The smallest bucket size, in attempts: how many attempts may go at once after a quiet
   * spell, at the lowest rates. At least 1.
   * @default 1
   */
  readonly minCapacity?: number;
  /**
   * The interval the send rate is measured over, in ms. Also the longest time after a cut
   * during which throttles answering attempts sent before it do not cut again.
   * @default 500
   */
  readonly measurementIntervalMs?: number;
  /** Where time comes from; only `now()` is used. @default systemClock */
  readonly clock?: Clock;
}

/** A snapshot of an {@link AdaptiveRateLimiter}. Rates are in attempts per second. */
export interface AdaptiveRateLimiterStats {
  /** Whether the limiter has seen a throttle and now paces attempts. */
  readonly enabled: boolean;
  /** The rate attempts are let through at (tokens per second). */
  readonly fillRate: number;
  /**
   * The smoothed rate at which attempts have been ending; until the first measurement interval
   * has closed, the rate over the part of it seen so far.
   */
  readonly measuredTxRate: number;
  /** The rate at the last cut, which CUBIC regrows towards. */
  readonly lastMaxRate: number;
  /** Tokens in the bucket, between 0 and `maxCapacity`. */
  readonly tokens: number;
  /** The bucket's size now, in tokens: what one second at the fill rate buys, at least `minCapacity`. */
  readonly maxCapacity: number;
  /**
   * Callers told to wait that have not asked again yet. A caller that never comes back (it gave
   * up) is counted until one `measurementIntervalMs` after its wait ran out.
   */
  readonly waiting: number;
}

const OWNER = 'AdaptiveRateLimiter';

/** Slack for floating-point refills: a bucket this close to a whole token holds it. */
const EPSILON = 1e-9;

/**
 * Client-side rate limiting as in the AWS SDK's adaptive retry mode: a token bucket whose fill
 * rate adapts to throttling. It does nothing until the first throttling error. From then on,
 * every attempt (first attempts too) takes a token, waiting for one when the bucket is empty.
 * On a throttling error the fill rate drops to `beta` times the measured send rate (or the
 * current fill rate, whichever is lower); after it, the rate regrows along a CUBIC curve back
 * towards, then past, the rate at which throttling began. The rate is never below
 * `minFillRate` nor above twice the measured send rate.
 *
 * Where it departs from the AWS SDK, so that one limiter can be shared by many concurrent
 * callers (the SDK has one per client, with few attempts in flight):
 * - **No cut for the answers to attempts sent before the last cut.** With many attempts in
 *   flight, the throttles answering those sent before a cut arrive after it and would compound
 *   the cut down to `minFillRate`. The limiter counts the attempts in flight at a cut and lets
 *   that many of the results that follow pass without cutting again, for at most
 *   `measurementIntervalMs` after the cut (the seam does not say which result answers which
 *   attempt, so the count is an estimate and the time bound caps a miscount). A client with
 *   one attempt in flight cuts on every throttle, as in the SDK; a shared limiter cuts about
 *   once per interval at most.
 * - **A measured rate from the first result.** Until the first measurement interval closes,
 *   the send rate is measured over the part of it seen so far (at least a tenth of an
 *   interval), and the interval starts at the first result, not at construction. The SDK
 *   reads 0 then, so an early throttle pins the rate at `minFillRate` (the 2x-measured cap).
 *   The first closed interval sets the smoothed rate instead of being averaged with 0.
 * - **A cut empties the bucket.** Tokens saved at the old rate would go out as a burst into a
 *   dependency that has just said it has no headroom.
 * - **No reservations.** {@link AdaptiveRateLimiter.acquire} takes a token when one is free
 *   and otherwise only says how long to wait before asking again, so a waiting attempt
 *   follows the rate as it changes and a cancelled one holds nothing. Waiters are told
 *   staggered times (the k-th of many about k / fill rate), not all woken at once.
 *
 * It starts no timer and never sleeps: the retry loop sleeps through its own clock.
 * What counts as a throttle is decided by the caller (the loop uses `isThrottlingError`).
 * Share one limiter among the callers of one rate-limited dependency.
 *
 * @example
 * const limiter = new AdaptiveRateLimiter();
 * await retry(() => s3.send(cmd), { rateLimiter: limiter });
 * limiter.stats.fillRate; // attempts per second it currently lets through
 */
export class AdaptiveRateLimiter implements RateLimiterLike {
  /** The {@link AdaptiveRateLimiterOptions.beta | beta} in effect: the option given, or its default. */
  readonly beta: number;
  /** The {@link AdaptiveRateLimiterOptions.scaleConstant | scaleConstant} in effect: the option given, or its default. */
  readonly scaleConstant: number;
  /** The {@link AdaptiveRateLimiterOptions.smooth | smooth} in effect: the option given, or its default. */
  readonly smooth: number;
  /** The {@link AdaptiveRateLimiterOptions.minFillRate | minFillRate} in effect: the option given, or its default. */
  readonly minFillRate: number;
  /** The {@link AdaptiveRateLimiterOptions.minCapacity | minCapacity} in effect: the option given, or its default. */
  readonly minCapacity: number;
  /** The {@link AdaptiveRateLimiterOptions.measurementIntervalMs | measurementIntervalMs} in effect: the option given, or its default. */
  readonly measurementIntervalMs: number;
  readonly #clock: Clock;

  #enabled = false;
  #fillRate: number;
  #maxCapacity: number;
  #tokens = 0;
  /** Clock time (ms) of the last refill. */
  #lastRefill: number;
  /** Rate at the last cut, and when (ms) it happened. */
  #lastMaxRate = 0;
  #lastThrottle: number;
  /**
   * Smoothed send rate; attempts ending in the current interval; that interval's start (ms),
   * `undefined` before the first result; whether an interval has closed.
   */
  #measuredTxRate = 0;
  #requestCount = 0;
  #lastTxBucket: number | undefined;
  #measured = false;
  /**
   * Send slots handed out, and results seen (never more than that); at the last cut, how many
   * of the attempts then in flight have not been answered yet.
   */
  #sent = 0;
  #ended = 0;
  #sentBeforeCut = 0;
  /** The latest time (ms) a waiting caller was told to come back. */
  #lastWake = -Infinity;
  /** When (ms) each caller told to wait is expected back: a min-heap. */
  readonly #wakes: number[] = [];
  /** Expected-back times (ms, ascending) of waiters whose wait ran out and who have not asked again. */
  #due: number[] = [];
  #dueHead = 0;

  /** @throws {TypeError | RangeError} when an option has the wrong type or is out of range. */
  constructor(options?: AdaptiveRateLimiterOptions) {
    const o = readOptions(OWNER, options);
    this.beta = openFraction(OWNER, 'beta', o.beta, 0.7);
    this.scaleConstant = positiveNumber(OWNER, 'scaleConstant', o.scaleConstant, 0.4);
    this.smooth = unitFraction(OWNER, 'smooth', o.smooth, 0.8);
    this.minFillRate = positiveNumber(OWNER, 'minFillRate', o.minFillRate, 0.5);
    this.minCapacity = positiveNumber(OWNER, 'minCapacity', o.minCapacity, 1);
    if (this.minCapacity < 1) {
      throw new RangeError(`maestro-retry: ${OWNER} option \`minCapacity\` must be a number >= 1, got ${this.minCapacity}`);
    }
    this.measurementIntervalMs = positiveNumber(OWNER, 'measurementIntervalMs', o.measurementIntervalMs, 500);
    this.#clock = clockOption(OWNER, o.clock);
    const now = this.#clock.now();
    this.#fillRate = this.minFillRate;
    this.#maxCapacity = this.minCapacity;
    this.#lastRefill = now;
    this.#lastThrottle = now;
  }

  /** Whether a throttle has been seen, so attempts are paced. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** The rate, in attempts per second, attempts are let through at once enabled. */
  get fillRate(): number {
    return this.#fillRate;
  }

  /** The smoothed rate, in attempts per second, at which attempts have been ending. */
  get measuredTxRate(): number {
    return this.#measuredTxRate;
  }

  /** A snapshot of the limiter. */
  get stats(): AdaptiveRateLimiterStats {
    const now = this.#clock.now();
    // The bucket as it stands now, before the first throttle too (the refill is a function of
    // the time elapsed alone, so reading it changes nothing the next call would see).
    this.#refill(now);
    this.#settleWaiters(now);
    return {
      enabled: this.#enabled,
      fillRate: this.#fillRate,
      measuredTxRate: this.#measuredTxRate,
      lastMaxRate: this.#lastMaxRate,
      tokens: this.#tokens,
      maxCapacity: this.#maxCapacity,
      waiting: this.#wakes.length + this.#due.length - this.#dueHead,
    };
  }

  /**
   * Asks to send one attempt. Returns 0 when it took a token (send now), otherwise the ms to
   * wait before asking again; a positive answer takes nothing. Before the first throttle it
   * always returns 0.
   *
   * Waiting callers are spread out, not sent back all at once: the limiter keeps the times it
   * expects its waiting callers back, and a new waiter is told to come back when the tokens for
   * everyone ahead of it and for itself will have accrued (about k / fillRate seconds for the
   * k-th). A caller back from its wait takes a token if one is there; if not (the rate was cut
   * meanwhile), it waits again behind everyone waiting. A new caller takes a token only if the
   * waiter due next would still find its own.
   */
  acquire(): number {
    if (!this.#enabled) {
      this.#sent++;
      return 0;
    }
    const now = this.#clock.now();
    this.#refill(now);
    this.#settleWaiters(now);
    // A caller asking while a waiter's wait has run out is taken to be that waiter, back.
    const returning = this.#dueHead < this.#due.length;
    if (returning) this.#dueHead++;
    const perMs = this.#fillRate / 1000;
    // A new caller leaves what the next waiter will need from the bucket as it stands. (No
    // other waiter is due now: a caller asking while one is due is taken to be that one.)
    let keep = 0;
    if (!returning) {
      const next = this.#wakes[0];
      if (next !== undefined) keep = Math.max(0, 1 - (next - now) * perMs);
    }
    if (this.#tokens + EPSILON >= 1 + keep) {
      this.#tokens = Math.max(0, this.#tokens - 1);
      this.#sent++;
      return 0;
    }
    // Behind everyone waiting: when the token for itself has accrued, and one token after the
    // latest time handed out. (Waiters due now ask after it, and queue behind it in turn.)
    // Appending to the schedule rather than counting heads leaves no gap in it when the rate
    // changes.
    let wake = now + Math.max(1 - this.#tokens, EPSILON) / perMs;
    if (this.#lastWake > now) wake = Math.max(wake, this.#lastWake + 1 / perMs);
    this.#lastWake = wake;
    heapPush(this.#wakes, wake);
    return wake - now;
  }

  /** An attempt ended; `throttled`: with a throttling error. Adapts the fill rate. */
  onResult(throttled: boolean): void {
    const now = this.#clock.now();
    this.#measure(now);
    // More results than sends: results reported without asking; keep the in-flight count >= 0.
    this.#ended = Math.min(this.#ended + 1, this.#sent);
    const answersOldSend = this.#sentBeforeCut > 0;
    if (answersOldSend) this.#sentBeforeCut--;
    let rate: number;
    if (throttled) {
      // A throttle soon after a cut that may answer an attempt sent before it says nothing of
      // the new rate: no second cut for it.
      if (answersOldSend && now - this.#lastThrottle < this.measurementIntervalMs) return;
      this.#sentBeforeCut = this.#sent - this.#ended;
      const rateToUse = this.#enabled ? Math.min(this.#measuredTxRate, this.#fillRate) : this.#measuredTxRate;
      this.#lastMaxRate = rateToUse;
      this.#lastThrottle = now;
      this.#enabled = true;
      rate = rateToUse * this.beta;
      // The dependency has no headroom now: tokens saved at the old rate would go out as a
      // burst, be throttled and cut again. The new rate starts from an empty bucket.
      this.#refill(now);
      this.#tokens = 0;
    } else {
      rate = cubicRate((now - this.#lastThrottle) / 1000, this.#lastMaxRate, this.beta, this.scaleConstant);
    }
    this.#setRate(now, Math.min(rate, 2 * this.#measuredTxRate));
  }

  #setRate(now: number, rate: number): void {
    this.#refill(now);
    this.#fillRate = Math.max(rate, this.minFillRate);
    this.#maxCapacity = Math.max(rate, this.minCapacity);
    if (this.#tokens > this.#maxCapacity) this.#tokens = this.#maxCapacity;
  }

  #refill(now: number): void {
    const elapsed = now - this.#lastRefill;
    if (!(elapsed > 0)) return;
    this.#tokens = Math.min(this.#maxCapacity, this.#tokens + (elapsed / 1000) * this.#fillRate);
    this.#lastRefill = now;
  }

  /**
   * Moves the waiters whose wait has run out to the due list, and forgets the due ones that
   * have not asked again within a measurement interval (they gave up, or are no waiters).
   */
  #settleWaiters(now: number): void {
    const wakes = this.#wakes;
    while (wakes.length > 0 && wakes[0]! <= now) this.#due.push(heapPop(wakes));
    const due = this.#due;
    const stale = now - this.measurementIntervalMs;
    while (this.#dueHead < due.length && due[this.#dueHead]! < stale) this.#dueHead++;
    if (this.#dueHead === due.length) {
      due.length = 0;
      this.#dueHead = 0;
    } else if (this.#dueHead > 1024 && this.#dueHead * 2 > due.length) {
      this.#due = due.slice(this.#dueHead);
      this.#dueHead = 0;
    }
  }

  /**
   * Counts one ending attempt. At each new interval, folds the last one's rate into the
   * smoothed rate (the first closed interval sets it); before any has closed, the rate is the
   * count over the time since the first result's interval began.
   */
  #measure(now: number): void {
    const bucket = this.#bucketStart(now);
    this.#requestCount++;
    const last = this.#lastTxBucket;
    if (last === undefined) {
      this.#lastTxBucket = bucket;
    } else if (bucket > last) {
      const current = this.#requestCount / ((bucket - last) / 1000);
      this.#measuredTxRate = this.#measured ? current * this.smooth + this.#measuredTxRate * (1 - this.smooth) : current;
      this.#measured = true;
      this.#requestCount = 0;
      this.#lastTxBucket = bucket;
      return;
    }
    if (!this.#measured) {
      const elapsed = Math.max(now - this.#lastTxBucket!, this.measurementIntervalMs / 10);
      this.#measuredTxRate = this.#requestCount / (elapsed / 1000);
    }
  }

  #bucketStart(now: number): number {
    return Math.floor(now / this.measurementIntervalMs) * this.measurementIntervalMs;
  }
}

/** Adds `value` to the binary min-heap `heap`. */
function heapPush(heap: number[], value: number): void {
  let i = heap.length;
  heap.push(value);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! <= value) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = value;
}

/** Removes and returns the smallest value of the non-empty binary min-heap `heap`. */
function heapPop(heap: number[]): number {
  const top = heap[0]!;
  const last = heap.pop()!;
  const n = heap.length;
  if (n > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && heap[r]! < heap[l]! ? r : l;
      if (heap[c]! >= last) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
  }
  return top;
}
