/**
 * What a call that ended reports: the outcome of its last attempt (for hook events) and, when
 * it gave up, the value it rejects with.
 */
import { RetryBudgetExhaustedError } from '../errors/retry-budget-exhausted-error.js';
import { RetryExhaustedError, type RetryExhaustedDetails } from '../errors/retry-exhausted-error.js';
import { RetryTimeoutError } from '../errors/retry-timeout-error.js';
import type { Call } from './call.js';
import type { GiveUpReason } from './types.js';

/** The error or result of the last attempt, for an event. */
export function outcome<T>(c: Call<T>): { error: unknown } | { result: T } | Record<string, never> {
  return c.hasError ? { error: c.error } : c.hasResult ? { result: c.value as T } : {};
}

/** What a call that gave up rejects with (API.md 7). */
export function failureOf<T>(c: Call<T>, reason: GiveUpReason, elapsed: number): unknown {
  const p = c.p;
  if (reason === 'aborted') return c.stopError;
  if (reason === 'timeout') {
    return c.stopError ?? new RetryTimeoutError({ operationName: c.slot.name, timeout: p.timeout!, elapsedMs: elapsed, attemptCount: c.attempt, cause: c.error });
  }
  const fromResult = c.hasResult && reason !== 'circuit-open';
  if (!p.wrapError && !fromResult) return reason === 'circuit-open' ? c.refusal : c.error;
  const details: RetryExhaustedDetails = {
    operationName: c.slot.name,
    reason,
    errors: c.errors ?? (c.hasError ? [c.error] : []),
    attempts: c.log ?? [],
    elapsedMs: elapsed,
    ...(reason === 'circuit-open' ? { cause: c.refusal } : c.hasError ? { cause: c.error } : { lastResult: c.value }),
  };
  return reason === 'budget' ? new RetryBudgetExhaustedError(details) : new RetryExhaustedError(details);
}
