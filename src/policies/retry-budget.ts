import type { RetryBudgetLike } from '../core/seams.js';
// Type-only imports: erased at compile time, so no runtime cycle with the subclasses (which
// import this file to extend it).
import type { RatioRetryBudget, RatioRetryBudgetOptions } from './ratio-retry-budget.js';
import type { TokenBucketRetryBudget, TokenBucketRetryBudgetOptions } from './token-bucket-retry-budget.js';

/**
 * Limits how many retries a client makes, across every operation that shares it, so that an
 * outage does not turn into a retry storm. Build one with {@link RetryBudget.ratio} (a share of
 * recent calls, as Finagle and the Google SRE book do) or {@link RetryBudget.tokenBucket} (the
 * AWS SDK's standard retry quota), or extend this class for your own policy.
 *
 * A retry the budget refuses ends the call with give-up reason `'budget'`.
 *
 * Why the factories are attached elsewhere: they construct subclasses that live in their own
 * files and must import this base to extend it. Were this file to import them back, the
 * modules would form a cycle whose evaluation order breaks `extends` (a subclass evaluated
 * before its base). So the base declares the two statics (`declare` emits nothing) and
 * `retry-budget-factories.ts`, which imports base and subclasses, assigns them. The public
 * entry point exports `RetryBudget` from that module, so the statics are always present there.
 *
 * @example
 * const budget = RetryBudget.ratio({ ratio: 0.1 });   // share it across operations
 * await retry(fetchUser, { budget });
 * await retry(fetchOrders, { budget });
 */
export abstract class RetryBudget implements RetryBudgetLike {
  /**
   * A budget that grants retries up to `ratio` of the calls made over the last `windowMs`,
   * plus a floor of `minRetriesPerSecond` (Finagle's default `RetryBudget`).
   *
   * @example
   * const budget = RetryBudget.ratio({ ratio: 0.2, minRetriesPerSecond: 5 });
   */
  declare static ratio: (options?: RatioRetryBudgetOptions) => RatioRetryBudget;

  /**
   * The AWS SDK standard mode's retry quota: `capacity` tokens; a retry costs `retryCost`
   * (`timeoutCost` after a timeout); a first-try success refunds `successRefund`, a
   * successful retry refunds what it cost.
   *
   * @example
   * const budget = RetryBudget.tokenBucket();          // 500 tokens: 100 retries in a row
   */
  declare static tokenBucket: (options?: TokenBucketRetryBudgetOptions) => TokenBucketRetryBudget;

  /** How many retries (each after an ordinary failure) would be granted now, one after another. */
  abstract get available(): number;

  /** A call is starting its first attempt. */
  abstract onCall(): void;

  /** Asked before every retry: `true` grants it (and charges the budget), `false` refuses it. */
  abstract tryRetry(afterTimeout: boolean): boolean;

  /** A call succeeded; `retried`: on a retry; `afterTimeout`: that retry followed a timeout. */
  abstract onSuccess(retried: boolean, afterTimeout: boolean): void;
}
