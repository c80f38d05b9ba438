import type { GiveUpReason, RetryAttempt } from '../engine/types.js';
import { brand, isBranded } from './brand.js';

/** The fields of a {@link RetryExhaustedError}. */
export interface RetryExhaustedDetails {
  /** The operation of the call that gave up. */
  readonly operationName: string;
  /** Why the call gave up. */
  readonly reason: GiveUpReason;
  /** One entry per attempt that failed with an error, in order. */
  readonly errors: readonly unknown[];
  /** Every attempt of the call, as the registry records them. */
  readonly attempts: readonly RetryAttempt[];
  /** Time from the call's start to its end, in ms. */
  readonly elapsedMs: number;
  /** The last error (also `cause`). */
  readonly cause?: unknown;
  /** With `retryOnResult`: the last value, which the predicate judged a failure. */
  readonly lastResult?: unknown;
}

/**
 * What a failed call rejects with when `wrapError: true`: the last error as `cause`, plus
 * every attempt. Without `wrapError`, the last error is rethrown unchanged instead.
 *
 * @example
 * try { await retry(fn, { wrapError: true }); }
 * catch (e) { if (isRetryExhaustedError(e)) console.log(e.reason, e.errors.length); }
 */
export class RetryExhaustedError extends Error {
  /** `'RetryExhaustedError'` (a subclass sets its own). */
  override name: string = 'RetryExhaustedError';
  /** The operation of the call that gave up. */
  readonly operationName: string;
  /** Why the call gave up: `'exhausted'`, `'non-retryable'`, `'budget'`... */
  readonly reason: GiveUpReason;
  /** One entry per attempt that failed with an error, in order; the last is `cause`. */
  readonly errors: readonly unknown[];
  /** Every attempt of the call, as the registry records them. */
  readonly attempts: readonly RetryAttempt[];
  /** Time from the call's start to its end, in ms. */
  readonly elapsedMs: number;
  /** The last attempt's result, present (as an own property) only when the call ended on a result `retryOnResult` rejected. */
  declare readonly lastResult?: unknown;
  constructor(details: RetryExhaustedDetails, message?: string) {
    super(
      message ??
        `${details.operationName} gave up (${details.reason}) after ${details.attempts.length} attempt${details.attempts.length === 1 ? '' : 's'}`,
      'cause' in details ? { cause: details.cause } : undefined,
    );
    this.operationName = details.operationName;
    this.reason = details.reason;
    this.errors = details.errors;
    this.attempts = details.attempts;
    this.elapsedMs = details.elapsedMs;
    if ('lastResult' in details) this.lastResult = details.lastResult;
    brand(this, 'RetryExhaustedError');
  }
}

/** Whether `value` is a {@link RetryExhaustedError} (including a {@link RetryBudgetExhaustedError}). */
export function isRetryExhaustedError(value: unknown): value is RetryExhaustedError {
  return isBranded(value, RetryExhaustedError, 'RetryExhaustedError');
}
