import type { Clock, RateLimiterLike } from '../core/seams.js';
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
   * The lowest fill rate, in attempts per second: the limiter never waits an attempt longer
   * than the ones queued before it need plus `1000 / minFillRate` ms.
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
   * The interval the send rate is measured over, in ms.
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
  /** The smoothed rate at which attempts have been ending. */
  readonly measuredTxRate: number;
  /** The rate at the last throttle, which CUBIC regrows towards. */
  readonly lastMaxRate: number;
  /** Tokens in the bucket; negative when attempts have reserved future tokens. */
  readonly tokens: number;
  readonly maxCapacity: number;
}

const OWNER = 'AdaptiveRateLimiter';

/**
 * Client-side rate limiting as in the AWS SDK's adaptive retry mode: a token bucket whose fill
 * rate adapts to throttling. It does nothing until the first throttling error. From then on,
 * every attempt (first attempts too) takes a token, waiting for one when the bucket is empty.
 * On each throttling error the fill rate drops to `beta` times the measured send rate (or
 * the current fill rate, whichever is lower); after it, the rate regrows along a CUBIC curve
 * back towards, then past, the rate at which throttling began. The rate is never below
 * `minFillRate` nor above twice the measured send rate.
 *
 * It starts no timer and never sleeps: {@link AdaptiveRateLimiter.acquire} reserves a token
 * and returns how long to wait, and the retry loop sleeps through its own clock. A reserved
 * token is spent even if the call is cancelled during its wait.
 *
 * What counts as a throttle is decided by the caller (the loop uses `isThrottlingError`).
 * Share one limiter among the callers of one rate-limited dependency.
 *
 * @example
 * const limiter = new AdaptiveRateLimiter();
 * await retry(() => s3.send(cmd), { rateLimiter: limiter });
 * limiter.stats.fillRate; // attempts per second it currently lets through
 */
export class AdaptiveRateLimiter implements RateLimiterLike {
  readonly beta: number;
  readonly scaleConstant: number;
  readonly smooth: number;
  readonly minFillRate: number;
  readonly minCapacity: number;
  readonly measurementIntervalMs: number;
  readonly #clock: Clock;

  #enabled = false;
  #fillRate: number;
  #maxCapacity: number;
  #tokens = 0;
  /** Clock time (ms) of the last refill. */
  #lastRefill: number;
  /** Rate at the last throttle, and when (ms) it happened. */
  #lastMaxRate = 0;
  #lastThrottle: number;
  /** Smoothed send rate, attempts ending in the current interval, and that interval's start (ms). */
  #measuredTxRate = 0;
  #requestCount = 0;
  #lastTxBucket: number;

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
    this.#lastTxBucket = this.#bucketStart(now);
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
    if (this.#enabled) this.#refill(this.#clock.now());
    return {
      enabled: this.#enabled,
      fillRate: this.#fillRate,
      measuredTxRate: this.#measuredTxRate,
      lastMaxRate: this.#lastMaxRate,
      tokens: this.#tokens,
      maxCapacity: this.#maxCapacity,
    };
  }

  /**
   * Reserves a token for one attempt and returns the ms to wait before sending it (0: now).
   * Before the first throttle it always returns 0 and reserves nothing.
   */
  acquire(): number {
    if (!this.#enabled) return 0;
    this.#refill(this.#clock.now());
    const missing = 1 - this.#tokens;
    this.#tokens -= 1;
    return missing > 0 ? (missing / this.#fillRate) * 1000 : 0;
  }

  /** An attempt ended; `throttled`: with a throttling error. Adapts the fill rate. */
  onResult(throttled: boolean): void {
    const now = this.#clock.now();
    this.#measure(now);
    let rate: number;
    if (throttled) {
      const rateToUse = this.#enabled ? Math.min(this.#measuredTxRate, this.#fillRate) : this.#measuredTxRate;
      this.#lastMaxRate = rateToUse;
      this.#lastThrottle = now;
      this.#enabled = true;
      rate = rateToUse * this.beta;
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

  /** Counts one ending attempt; at each new interval, folds the last one's rate into the smoothed rate. */
  #measure(now: number): void {
    const bucket = this.#bucketStart(now);
    this.#requestCount++;
    if (bucket > this.#lastTxBucket) {
      const current = this.#requestCount / ((bucket - this.#lastTxBucket) / 1000);
      this.#measuredTxRate = current * this.smooth + this.#measuredTxRate * (1 - this.smooth);
      this.#requestCount = 0;
      this.#lastTxBucket = bucket;
    }
  }

  #bucketStart(now: number): number {
    return Math.floor(now / this.measurementIntervalMs) * this.measurementIntervalMs;
  }
}
