/** The option, statistics and snapshot types of {@link AdaptiveRateLimiter}. */
import type { Clock } from '../engine/clock.js';
import type { StateStore } from '../state/store.js';
import type { AdaptiveRateLimiterSnapshot } from './adaptive-rate-limiter-snapshot.js';

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
  /** Where time comes from (with the in-memory store); only `now()` is used. @default systemClock */
  readonly clock?: Clock;
  /** Names the limiter in events and, in a shared store, its shared state. Required with a shared store. @default 'rate-limiter' */
  readonly name?: string;
  /**
   * Where the limiter keeps the rate cut it shares: with a shared store, a throttle seen by
   * any limiter of the same `name` cuts the rate of all of them. Pacing stays per process.
   * @default memoryStore()
   */
  readonly store?: StateStore;
  /** A snapshot from {@link AdaptiveRateLimiter.toJSON} to start from. */
  readonly initialState?: AdaptiveRateLimiterSnapshot;
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
