import { retryAnswer } from './budget-strategy.js';
import { RatioRetryBudget, type RatioRetryBudgetOptions } from './ratio-retry-budget.js';
import type { AttemptReport, CallReport, Refusal, Strategy, StrategyContext } from './strategy.js';
import { TokenBucketRetryBudget, type TokenBucketRetryBudgetOptions } from './token-bucket-retry-budget.js';

/**
 * Limits how many retries a client makes, across every operation that shares it, so that an
 * outage does not turn into a retry storm. Build one with {@link RetryBudget.ratio} (a share of
 * recent calls, as Finagle and the Google SRE book do) or {@link RetryBudget.tokenBucket} (the
 * AWS SDK's standard retry quota), or extend this class for your own policy.
 *
 * A retry the budget refuses ends the call with give-up reason `'budget'`.
 *
 * A subclass implements `onCall`, `tryRetry` and `onSuccess`; this class turns them into the
 * engine's {@link Strategy} methods. The two built-in budgets live in their own files and
 * implement `Strategy` directly (their stores may answer asynchronously), so this file can
 * import them for its factories without an import cycle; `instanceof RetryBudget` still holds
 * for them (see `Symbol.hasInstance` below).
 *
 * @example
 * const budget = RetryBudget.ratio({ ratio: 0.1 });   // share it across operations
 * await retry(fetchUser, { budget });
 * await retry(fetchOrders, { budget });
 */
export abstract class RetryBudget implements Strategy {
  /**
   * A budget that grants retries up to `ratio` of the calls made over the last `windowMs`,
   * plus a floor of `minRetriesPerSecond` (Finagle's default `RetryBudget`).
   *
   * @example
   * const budget = RetryBudget.ratio({ ratio: 0.2, minRetriesPerSecond: 5 });
   */
  static ratio(options?: RatioRetryBudgetOptions): RatioRetryBudget {
    return new RatioRetryBudget(options);
  }

  /**
   * The AWS SDK standard mode's retry quota: `capacity` tokens; a retry costs `retryCost`
   * (`timeoutCost` after a timeout); a first-try success refunds `successRefund`, a
   * successful retry refunds what it cost.
   *
   * @example
   * const budget = RetryBudget.tokenBucket();          // 500 tokens: 100 retries in a row
   */
  static tokenBucket(options?: TokenBucketRetryBudgetOptions): TokenBucketRetryBudget {
    return new TokenBucketRetryBudget(options);
  }

  /**
   * `budget instanceof RetryBudget` is true for the built-in budgets too. Only for
   * `RetryBudget` itself: a subclass of it keeps the ordinary prototype check.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    if (this === RetryBudget && (value instanceof RatioRetryBudget || value instanceof TokenBucketRetryBudget)) return true;
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }

  /** How many retries (each after an ordinary failure) would be granted now, one after another. */
  abstract get available(): number;

  /** A call is starting its first attempt. */
  abstract onCall(): void;

  /** Asked before every retry: `true` grants it (and charges the budget), `false` refuses it. */
  abstract tryRetry(afterTimeout: boolean): boolean;

  /** A call succeeded; `retried`: on a retry; `afterTimeout`: that retry followed a timeout. */
  abstract onSuccess(retried: boolean, afterTimeout: boolean): void;

  /** Strategy: a call starts ({@link RetryBudget.onCall}). */
  callStarted(): void {
    this.onCall();
  }

  /** Strategy: {@link RetryBudget.tryRetry}, a refusal ending the call with reason `'budget'`. */
  allowRetry(ctx: StrategyContext, report: AttemptReport): true | Refusal {
    return retryAnswer(this.tryRetry(report.timedOut), ctx, report) as true | Refusal;
  }

  /** Strategy: a call that succeeded is reported to {@link RetryBudget.onSuccess}. */
  callEnded(_ctx: StrategyContext, report: CallReport): void {
    if (report.success) this.onSuccess(report.attempts > 1, report.lastRetryAfterTimeout);
  }
}
