/**
 * After a failed attempt: may it be retried (the decision order of API.md 4), and if so after
 * which delay (backoff, a server's Retry-After, the deadline, the budget); else why the call
 * gives up. Also tells the circuit breaker how the attempt counted.
 */
import { RetryTimeoutError } from '../errors/retry-timeout-error.js';
import { computeDelay } from './backoff.js';
import type { Call } from '../engine/call.js';
import { isTimeoutError, isTransientError } from './classify.js';
import { matchesAny } from './match.js';
import { retryAfterMs } from './retry-after.js';
import type { GiveUpReason } from '../engine/types.js';

/**
 * Whether the last attempt may be retried, by the decision order of API.md 4 when no
 * `retryIf` is given: `abortOn`, then `retryOn`, then `isTransientError`.
 */
export function classify<T>(c: Call<T>): boolean {
  if (c.predicateThrew) return false;
  if (!c.hasError) return true;
  const p = c.p;
  const error = c.error;
  if (p.abortOn.length > 0 && matchesAny(p.abortOn, error)) return false;
  if (p.retryOn.length > 0 && matchesAny(p.retryOn, error)) return true;
  return isTransientError(error);
}

/** The decision after an attempt that failed with an error, when `retryIf` is given (it alone decides, after `abortOn`). */
export async function decideAfterRetryIf<T>(c: Call<T>): Promise<number | GiveUpReason> {
  const p = c.p;
  const error = c.error;
  let retryable: boolean;
  if (p.abortOn.length > 0 && matchesAny(p.abortOn, error)) {
    retryable = false;
  } else {
    try {
      retryable = Boolean(await p.retryIf!(error, Object.freeze({
        operationName: c.slot.name, attempt: c.attempt, retriesLeft: p.maxRetries + 1 - c.attempt, elapsedMs: c.lastEnd - c.start,
      })));
    } catch (predicateError) {
      // The predicate's own failure ends the call with its error; the attempt's error stays in
      // the registry's history and in a RetryExhaustedError's `errors`.
      c.error = predicateError;
      c.predicateThrew = true;
      retryable = false;
    }
  }
  return decide(c, retryable);
}

/** After a failed attempt found `retryable` or not: the delay before the next one, or why the call gives up. */
export function decide<T>(c: Call<T>, retryable: boolean): number | GiveUpReason {
  const p = c.p;
  if (c.breakerPending) {
    c.breakerPending = false;
    if (retryable) p.circuitBreaker!.onFailure();
    else p.circuitBreaker!.onIgnored();
  }
  if (c.stop !== undefined) return c.stop;
  if (!retryable) return 'non-retryable';
  if (c.attempt > p.maxRetries) return 'exhausted';
  let delay = computeDelay(p, c.attempt, c.previousDelay);
  // The clock is read only when something needs the time: an overall timeout, or a Retry-After
  // date. Most failures carry no date, and a call with no timeout then reads no clock here
  // (a read costs about 40 ns on a 2-core machine; a retried call made eight of them).
  let now: number | undefined;
  const clockNow = (): number => (now ??= p.clock.now());
  const hint = retryAfterMs(c.hasError ? c.error : c.value, clockNow);
  const elapsed = p.timeout === undefined ? 0 : clockNow() - c.start;
  if (hint !== undefined) {
    if (hint > p.maxDelay || (p.timeout !== undefined && elapsed + hint >= p.timeout)) return 'retry-after';
    if (hint > delay) delay = hint;
  }
  if (p.timeout !== undefined && elapsed + delay >= p.timeout) {
    c.stopError = new RetryTimeoutError({
      operationName: c.slot.name, timeout: p.timeout, elapsedMs: elapsed, attemptCount: c.attempt, cause: c.hasError ? c.error : undefined,
    });
    return 'timeout';
  }
  if (p.budget !== undefined) {
    const afterTimeout = c.hasError && isTimeoutError(c.error);
    if (!p.budget.tryRetry(afterTimeout)) return 'budget';
    c.retryAfterTimeout = afterTimeout;
  }
  return delay;
}
