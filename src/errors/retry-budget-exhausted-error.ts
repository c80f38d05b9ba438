import { brand, isBranded } from './brand.js';
import { RetryExhaustedError, type RetryExhaustedDetails } from './retry-exhausted-error.js';

/**
 * With `wrapError: true`, what a call rejects with when its `RetryBudget` refused a retry
 * (give-up reason `'budget'`). A {@link RetryExhaustedError}, so one catch covers both.
 * Without `wrapError`, the last attempt's error is rethrown unchanged instead.
 *
 * @example
 * catch (e) { if (isRetryBudgetExhaustedError(e)) metrics.increment('retry.budget'); }
 */
export class RetryBudgetExhaustedError extends RetryExhaustedError {
  /** `'RetryBudgetExhaustedError'`. */
  override name: string = 'RetryBudgetExhaustedError';
  constructor(details: Omit<RetryExhaustedDetails, 'reason'>) {
    super({ ...details, reason: 'budget' }, `${details.operationName}: retry budget exhausted after ${details.attempts.length} attempt${details.attempts.length === 1 ? '' : 's'}`);
    brand(this, 'RetryExhaustedError RetryBudgetExhaustedError');
  }
}

/** Whether `value` is a {@link RetryBudgetExhaustedError}. */
export function isRetryBudgetExhaustedError(value: unknown): value is RetryBudgetExhaustedError {
  return isBranded(value, RetryBudgetExhaustedError, 'RetryBudgetExhaustedError');
}
