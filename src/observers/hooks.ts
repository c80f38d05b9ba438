/**
 * The hooks `onRetry`, `onSuccess` and `onGiveUp` as one observer of the event stream: each
 * hook receives the documented `RetryEvent` (or `GiveUpEvent`), built from the
 * engine's events. `onRetry`'s promise is returned, so the call waits for it (never past its
 * deadline or signal).
 */
import type { GiveUpEvent, RetryEvent } from '../engine/types.js';
import type { CallEndedEvent, CallObserver, RetryScheduledEvent } from './observer.js';

/** The observer that calls a call's hooks. */
export class HooksObserver<T> implements CallObserver {
  constructor(
    private readonly maxRetries: number,
    private readonly onRetry: ((event: RetryEvent<T>) => void | PromiseLike<void>) | undefined,
    private readonly onSuccess: ((event: RetryEvent<T>) => void) | undefined,
    private readonly onGiveUp: ((event: GiveUpEvent<T>) => void) | undefined,
  ) {}

  retryScheduled(e: RetryScheduledEvent): void | PromiseLike<void> {
    if (this.onRetry === undefined) return undefined;
    return this.onRetry(Object.freeze({
      operationName: e.operationName, attempt: e.attempt, ...('error' in e ? { error: e.error } : { result: e.result as T }),
      delay: e.delay, retriesLeft: e.retriesLeft, elapsedMs: e.elapsedMs,
    }));
  }

  callEnded(e: CallEndedEvent): void {
    const retriesLeft = Math.max(0, this.maxRetries + 1 - e.attempts);
    if (e.reason === undefined) {
      this.onSuccess?.(Object.freeze({
        operationName: e.operationName, attempt: e.attempts, result: e.result as T, delay: 0, retriesLeft, elapsedMs: e.elapsedMs,
      }));
      return;
    }
    if (this.onGiveUp === undefined) return;
    const last = 'lastError' in e ? { error: e.lastError } : 'lastResult' in e ? { result: e.lastResult as T } : {};
    this.onGiveUp(Object.freeze({
      operationName: e.operationName, attempt: e.attempts, ...last, delay: 0, retriesLeft, elapsedMs: e.elapsedMs, reason: e.reason,
    }));
  }
}

/** The hooks' observer, or `undefined` when no hook is given. */
export function hooksObserver<T>(maxRetries: number, onRetry: HooksObserver<T>['onRetry'], onSuccess: HooksObserver<T>['onSuccess'],
  onGiveUp: HooksObserver<T>['onGiveUp']): HooksObserver<T> | undefined {
  if (onRetry === undefined && onSuccess === undefined && onGiveUp === undefined) return undefined;
  return new HooksObserver(maxRetries, onRetry, onSuccess, onGiveUp);
}
