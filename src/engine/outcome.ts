/**
 * What a call that gave up rejects with: the last
 * attempt's error, unchanged, unless `wrapError` asks for a `RetryExhaustedError`; the
 * caller's `signal.reason` when aborted; a `RetryTimeoutError` at the deadline; the strategy's
 * own error when one refused before an attempt (a `CircuitOpenError`); the error itself when
 * the call ended on an internal failure.
 */
import { RetryBudgetExhaustedError } from '../errors/retry-budget-exhausted-error.js';
import { RetryExhaustedError, type RetryExhaustedDetails } from '../errors/retry-exhausted-error.js';
import { RetryTimeoutError } from '../errors/retry-timeout-error.js';
import type { Call } from './call.js';
import type { GiveUpReason } from './types.js';

/**
 * How a call ended. A failed ending's `error`, when set, is what ended it: the signal's
 * reason, the deadline's error, a refusing strategy's error, or an internal failure.
 */
export type Ending<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: GiveUpReason; readonly error?: unknown; readonly internal?: boolean };

/** What the call rejects with. */
export function failureOf<T>(c: Call<T>, ending: Extract<Ending<T>, { ok: false }>, elapsedMs: number): unknown {
  const { reason } = ending;
  const last = c.last;
  if (reason === 'aborted' || ending.internal === true) return ending.error;
  if (reason === 'timeout') {
    return 'error' in ending ? ending.error : new RetryTimeoutError({
      operationName: c.name, timeout: c.s.timeout!, elapsedMs, attemptCount: c.attempt, cause: last?.kind === 'error' ? last.error : undefined,
    });
  }
  const refused = 'error' in ending;
  const fromResult = last?.kind === 'result' && !refused;
  if (!c.s.wrapError && !fromResult) return refused ? ending.error : last?.kind === 'error' ? last.error : undefined;
  const details: RetryExhaustedDetails = {
    operationName: c.name,
    reason,
    errors: c.errors ?? (last?.kind === 'error' ? [last.error] : []),
    attempts: c.log ?? [],
    elapsedMs,
    ...(refused ? { cause: ending.error } : last?.kind === 'error' ? { cause: last.error } : last !== undefined ? { lastResult: last.result } : {}),
  };
  return reason === 'budget' ? new RetryBudgetExhaustedError(details) : new RetryExhaustedError(details);
}
