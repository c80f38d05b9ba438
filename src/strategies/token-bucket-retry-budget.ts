import type { RetryBudgetLike } from '../engine/seams.js';
import { nonNegativeNumber, positiveNumber, readOptions } from './validate.js';

/** Options of {@link RetryBudget.tokenBucket}. Every one is optional; `undefined` means the default. */
export interface TokenBucketRetryBudgetOptions {
  /** Tokens the bucket holds, and starts with. @default 500 */
  readonly capacity?: number;
  /** Tokens a retry costs. @default 5 */
  readonly retryCost?: number;
  /** Tokens a retry costs when the failed attempt timed out. @default 10 */
  readonly timeoutCost?: number;
  /** Tokens a call that succeeds on its first attempt gives back. @default 1 */
  readonly successRefund?: number;
}

/** A snapshot of a {@link TokenBucketRetryBudget}. */
export interface TokenBucketRetryBudgetStats {
  /** Tokens left, in [0, capacity]. */
  readonly tokens: number;
  /** The bucket's size, in tokens. */
  readonly capacity: number;
  /** Ordinary retries that would be granted now, one after another. */
  readonly available: number;
}

const OWNER = 'RetryBudget.tokenBucket';

/**
 * The AWS SDK standard retry mode's retry quota. The bucket starts full with `capacity`
 * tokens. A retry costs `retryCost` tokens (`timeoutCost` when the failed attempt timed out)
 * and is refused when the bucket cannot pay. A call that succeeds on its first attempt puts
 * `successRefund` back; a call that succeeds on a retry puts back what that retry cost. The
 * bucket never holds more than `capacity` nor less than 0. It has no notion of time, so it
 * takes no clock: only successes refill it.
 *
 * Build it with {@link RetryBudget.tokenBucket}.
 *
 * @example
 * const budget = RetryBudget.tokenBucket({ capacity: 500 });
 * await retry(callAws, { budget });
 * budget.stats.tokens; // 500 while all is well
 */
export class TokenBucketRetryBudget implements RetryBudgetLike {
  /** The {@link TokenBucketRetryBudgetOptions.capacity | capacity} in effect: the option given, or its default. */
  readonly capacity: number;
  /** The {@link TokenBucketRetryBudgetOptions.retryCost | retryCost} in effect: the option given, or its default. */
  readonly retryCost: number;
  /** The {@link TokenBucketRetryBudgetOptions.timeoutCost | timeoutCost} in effect: the option given, or its default. */
  readonly timeoutCost: number;
  /** The {@link TokenBucketRetryBudgetOptions.successRefund | successRefund} in effect: the option given, or its default. */
  readonly successRefund: number;
  #tokens: number;

  /** @throws {TypeError | RangeError} when an option has the wrong type or is out of range. */
  constructor(options?: TokenBucketRetryBudgetOptions) {
    const o = readOptions(OWNER, options);
    this.capacity = positiveNumber(OWNER, 'capacity', o.capacity, 500);
    this.retryCost = nonNegativeNumber(OWNER, 'retryCost', o.retryCost, 5);
    this.timeoutCost = nonNegativeNumber(OWNER, 'timeoutCost', o.timeoutCost, 10);
    this.successRefund = nonNegativeNumber(OWNER, 'successRefund', o.successRefund, 1);
    this.#tokens = this.capacity;
  }

  /** Tokens left, in [0, capacity]. */
  get tokens(): number {
    return this.#tokens;
  }

  /** Ordinary retries that would be granted now (`Infinity` when a retry costs nothing). */
  get available(): number {
    return this.retryCost === 0 ? Infinity : Math.floor(this.#tokens / this.retryCost);
  }

  /** A snapshot of the bucket. */
  get stats(): TokenBucketRetryBudgetStats {
    return { tokens: this.#tokens, capacity: this.capacity, available: this.available };
  }

  /** Nothing to do: calls cost nothing here. */
  onCall(): void {}

  /** Grants a retry when the bucket can pay its cost, and takes it. */
  tryRetry(afterTimeout: boolean): boolean {
    const cost = afterTimeout ? this.timeoutCost : this.retryCost;
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
  }

  /** Refunds `successRefund` for a first-try success, or what the succeeding retry cost. */
  onSuccess(retried: boolean, afterTimeout: boolean): void {
    const refund = !retried ? this.successRefund : afterTimeout ? this.timeoutCost : this.retryCost;
    this.#tokens = Math.min(this.capacity, this.#tokens + refund);
  }
}
