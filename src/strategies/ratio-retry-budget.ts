import type { Clock, RetryBudgetLike } from '../engine/seams.js';
import { RollingWindow } from './rolling-window.js';
import { clockOption, nonNegativeNumber, positiveNumber, readOptions } from './validate.js';

/** Options of {@link RetryBudget.ratio}. Every one is optional; `undefined` means the default. */
export interface RatioRetryBudgetOptions {
  /**
   * Retries allowed per call made in the window: 0.1 lets 10 calls buy 1 retry.
   * @default 0.1
   */
  readonly ratio?: number;
  /**
   * A floor so that a client with little traffic can still retry: at least this many retries
   * per second of the window are granted, whatever the ratio allows (the floor is a minimum,
   * not added to the ratio).
   * @default 10
   */
  readonly minRetriesPerSecond?: number;
  /**
   * The rolling window calls and retries are counted over, in ms, kept in 10 buckets.
   * @default 10000
   */
  readonly windowMs?: number;
  /** Where time comes from; only `now()` is used. @default systemClock */
  readonly clock?: Clock;
}

/** A snapshot of a {@link RatioRetryBudget}. */
export interface RatioRetryBudgetStats {
  /** Calls counted in the window. */
  readonly windowCalls: number;
  /** Retries granted in the window. */
  readonly windowRetries: number;
  /** Retries that would be granted now, one after another. */
  readonly available: number;
}

const OWNER = 'RetryBudget.ratio';
const CALLS = 0;
const RETRIES = 1;
const BUCKETS = 10;

/**
 * Retries limited to a share of recent calls, as in Finagle and the Google SRE book: every
 * call deposits `ratio` of a retry, every retry withdraws one, over a rolling window of
 * `windowMs`; at least `minRetriesPerSecond * windowMs / 1000` retries per window are
 * granted however little traffic there is (a floor: the larger of the two applies).
 *
 * The guarantee, exact and checked by property tests: in any window of `windowMs` aligned to
 * the budget's 10 buckets (each `windowMs / 10` long, counted from clock time 0), the retries
 * granted never exceed `max(ratio * calls, minRetriesPerSecond * windowMs / 1000)` (so never
 * `ratio * calls + minRetriesPerSecond * windowMs / 1000` either), calls being
 * those started in that same window. To hold this for windows that are still filling, a
 * retry is granted only if it fits every suffix of the current window (not just the whole
 * window): calls that are about to fall out of the window cannot pay for a burst now. The
 * cost is 10 additions per retry; a call costs one.
 *
 * With steady traffic the retries settle at `ratio` of the calls (or the floor, for a client
 * too quiet for the ratio to reach it): at most 1.1x load during an outage with the defaults,
 * instead of 4x with three retries per call.
 *
 * Build it with {@link RetryBudget.ratio}.
 *
 * @example
 * const budget = RetryBudget.ratio({ ratio: 0.1, minRetriesPerSecond: 10, windowMs: 10_000 });
 * await retry(callService, { budget });
 * budget.stats; // { windowCalls, windowRetries, available }
 */
export class RatioRetryBudget implements RetryBudgetLike {
  /** The {@link RatioRetryBudgetOptions.ratio | ratio} in effect: the option given, or its default. */
  readonly ratio: number;
  /** The {@link RatioRetryBudgetOptions.minRetriesPerSecond | minRetriesPerSecond} in effect: the option given, or its default. */
  readonly minRetriesPerSecond: number;
  /** The {@link RatioRetryBudgetOptions.windowMs | windowMs} in effect: the option given, or its default. */
  readonly windowMs: number;
  /** Retries granted per window however little the traffic: `minRetriesPerSecond * windowMs / 1000`. */
  readonly reserve: number;
  readonly #clock: Clock;
  readonly #window: RollingWindow;

  /** @throws {TypeError | RangeError} when an option has the wrong type or is out of range. */
  constructor(options?: RatioRetryBudgetOptions) {
    const o = readOptions(OWNER, options);
    this.ratio = nonNegativeNumber(OWNER, 'ratio', o.ratio, 0.1);
    this.minRetriesPerSecond = nonNegativeNumber(OWNER, 'minRetriesPerSecond', o.minRetriesPerSecond, 10);
    this.windowMs = positiveNumber(OWNER, 'windowMs', o.windowMs, 10_000);
    this.reserve = (this.minRetriesPerSecond * this.windowMs) / 1000;
    this.#clock = clockOption(OWNER, o.clock);
    this.#window = new RollingWindow(this.windowMs, BUCKETS, 2, this.#clock.now());
  }

  /** Retries that would be granted now, one after another. */
  get available(): number {
    this.#window.advance(this.#clock.now());
    return Math.max(0, Math.floor(this.#headroom()));
  }

  /** A snapshot of the window. */
  get stats(): RatioRetryBudgetStats {
    const available = this.available;
    return { windowCalls: this.#window.total(CALLS), windowRetries: this.#window.total(RETRIES), available };
  }

  /** Counts a call (a deposit of `ratio` retries). */
  onCall(): void {
    this.#window.advance(this.#clock.now());
    this.#window.add(CALLS);
  }

  /** Grants a retry when one more fits every suffix of the window. Timeouts cost the same. */
  tryRetry(_afterTimeout?: boolean): boolean {
    this.#window.advance(this.#clock.now());
    if (this.#headroom() < 1) return false;
    this.#window.add(RETRIES);
    return true;
  }

  /** Nothing to do: successes neither deposit nor refund in this budget. */
  onSuccess(_retried?: boolean, _afterTimeout?: boolean): void {}

  /** The smallest, over the window's suffixes, of (allowed - granted) retries. */
  #headroom(): number {
    const w = this.#window;
    let calls = 0;
    let retries = 0;
    let min = Infinity;
    for (let age = 0; age < BUCKETS; age++) {
      calls += w.at(age, CALLS);
      retries += w.at(age, RETRIES);
      const earned = this.ratio * calls;
      const room = (earned > this.reserve ? earned : this.reserve) - retries;
      if (room < min) min = room;
    }
    return min;
  }
}
