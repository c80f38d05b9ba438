/**
 * The engine's decision for an error outside a call, as `RetryManager.isTransientError` and
 * `ErrorHandler.handleError` ask it: `retryIf` asked synchronously with the attempt given,
 * then the one `decide`.
 */
import { decide, type Decision } from '../decision/decide.js';
import { matchesAny } from '../decision/match.js';
import type { CallSettings } from '../engine/settings.js';

/** `retryIf`'s answer for `error` after attempt `attempt`, or `undefined` when it is not asked. */
export function askRetryIfNow(s: CallSettings, error: unknown, operationName: string, attempt: number, elapsedMs: number): boolean | undefined {
  if (s.retryIf === undefined || matchesAny(s.abortOn, error)) return undefined;
  const answer = s.retryIf(error, Object.freeze({ operationName, attempt, retriesLeft: Math.max(0, s.maxRetries - attempt + 1), elapsedMs }));
  if (answer !== null && typeof answer === 'object' && typeof (answer as PromiseLike<boolean>).then === 'function') {
    throw new TypeError('maestro-retry: `retryIf` returned a promise; a synchronous decision cannot await it (use executeWithRetry)');
  }
  return Boolean(answer);
}

/** The decision after attempt `attempt` failed with `error`, `elapsedMs` into its call. */
export function judge(s: CallSettings, error: unknown, operationName: string, attempt: number, elapsedMs: number): Decision {
  return decide(s, {
    operationName, attempt, kind: 'error', error,
    retryIfAnswer: askRetryIfNow(s, error, operationName, attempt, elapsedMs),
    previousDelay: undefined, elapsed: () => elapsedMs, now: () => s.clock.now(),
  });
}
