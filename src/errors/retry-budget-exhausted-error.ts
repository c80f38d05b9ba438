import { brand, isBranded } from './brand.js';
import { nameAfterClass, readErrorArgs } from './construct.js';
import { defaultMessage, RetryExhaustedError, type RetryExhaustedDetails, type RetryExhaustedInit } from './retry-exhausted-error.js';

/** What a {@link RetryBudgetExhaustedError} is built with: a {@link RetryExhaustedError}'s fields but `reason`. */
export type RetryBudgetExhaustedInit = Omit<RetryExhaustedInit, 'reason'>;

/**
 * With `wrapError: true`, what a call rejects with when its `RetryBudget` refused a retry
 * (give-up reason `'budget'`). A {@link RetryExhaustedError}, so one catch covers both.
 * Without `wrapError`, the last attempt's error is rethrown unchanged instead. Built like a
 * `RetryExhaustedError`; its `reason` is always `'budget'`.
 *
 * @example
 * catch (e) { if (isRetryBudgetExhaustedError(e)) metrics.increment('retry.budget'); }
 */
export class RetryBudgetExhaustedError extends RetryExhaustedError {
  constructor(details: RetryBudgetExhaustedInit, message?: string);
  constructor(message?: string, details?: RetryBudgetExhaustedInit);
  constructor(first?: string | RetryBudgetExhaustedInit, second?: string | RetryBudgetExhaustedInit) {
    const { message, details } = readErrorArgs<Omit<RetryExhaustedDetails, 'reason'>>(first, second);
    super({ ...details, reason: 'budget' }, message ?? defaultMessage(details, 'retry budget exhausted', ': '));
    nameAfterClass(this, new.target, RetryBudgetExhaustedError, 'RetryBudgetExhaustedError');
    brand(this, 'RetryExhaustedError RetryBudgetExhaustedError');
  }
}

/** Whether `value` is a {@link RetryBudgetExhaustedError}. */
export function isRetryBudgetExhaustedError(value: unknown): value is RetryBudgetExhaustedError {
  return isBranded(value, RetryBudgetExhaustedError, 'RetryBudgetExhaustedError');
}
