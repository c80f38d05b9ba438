/**
 * The interfaces the attempt loop plugs into. The library's own `RetryRegistry`,
 * `CircuitBreaker`, `RetryBudget` and `AdaptiveRateLimiter` implement them; so can yours.
 * This file imports only types, so nothing here creates a cycle.
 */
import type { GiveUpReason } from './types.js';

export type { Clock } from './clock.js';

/** How an attempt ended, as reported to the registry. */
export type AttemptOutcome = 'success' | 'error' | 'result';

/**
 * The registry's handle on one operation, which the loop caches. `live` turns false when the
 * operation is evicted or cleared; the loop then asks {@link AttemptRecorder.operation} again.
 */
export interface OperationRecorder {
  readonly live: boolean;
  /** A call has started (counts it in `calls` and `inFlight`). */
  callStarted(): void;
  /**
   * One attempt has ended: `'success'`; `'error'`, failed with `error` (which may be any value,
   * `undefined` included); or `'result'`, fulfilled with a value `retryOnResult` rejected.
   */
  attemptEnded(attemptNumber: number, delay: number, outcome: AttemptOutcome, error: unknown, timestamp: number, durationMs: number): void;
  /** The hot path: a call whose first attempt succeeded (`attemptEnded` + `callEnded` in one). */
  firstAttemptSucceeded(timestamp: number, durationMs: number): void;
  /**
   * The call has ended after `attempts` attempts, having waited `totalDelayMs` between them.
   * `reason` is set when it failed.
   */
  callEnded(attempts: number, totalDelayMs: number, reason: GiveUpReason | undefined, elapsedMs: number): void;
}

/** What the loop reports into: implemented by `RetryRegistry`. */
export interface AttemptRecorder {
  /** The recorder of one operation (created on first use). */
  operation(name: string): OperationRecorder;
}

/**
 * A circuit breaker as the loop sees it. Every attempt asks `tryAcquire()` first; an admitted
 * attempt is then reported exactly once through `onSuccess`, `onFailure` or `onIgnored`.
 */
export interface CircuitBreakerLike {
  /** `true` admits one attempt; `false` fails it fast with a `CircuitOpenError`. */
  tryAcquire(): boolean;
  /** Milliseconds until a refused attempt could be admitted, when known (for the error). */
  retryAfterMs?(): number | undefined;
  /** The admitted attempt succeeded. */
  onSuccess(): void;
  /** The admitted attempt failed with an error the call treats as retryable (a dependency failure). */
  onFailure(): void;
  /** The admitted attempt ended in a way that says nothing of the dependency's health (a non-retryable error, a cancellation). */
  onIgnored(): void;
}

/**
 * A retry budget as the loop sees it. `onCall` is told of every call, `tryRetry` asked before
 * every retry, `onSuccess` told when a call succeeds.
 */
export interface RetryBudgetLike {
  /** A call is starting its first attempt. */
  onCall(): void;
  /** May the call retry? `afterTimeout`: the failed attempt timed out. */
  tryRetry(afterTimeout: boolean): boolean;
  /**
   * The call succeeded. `retried`: on a retry rather than the first attempt; `afterTimeout`:
   * the retry that succeeded followed a timeout (what it cost).
   */
  onSuccess(retried: boolean, afterTimeout: boolean): void;
}

/**
 * A client-side rate limiter as the loop sees it. Every attempt, the first included, calls
 * `acquire()` until it answers 0, sleeping (through the call's clock, so a signal or deadline
 * interrupts it) for each positive answer; every attempt's outcome is reported to `onResult`.
 */
export interface RateLimiterLike {
  /**
   * 0 when a send slot was taken (the attempt goes now); otherwise the ms to wait before
   * asking again. Asking again (rather than holding a reservation made at an old rate) lets
   * waiting attempts follow a rate that changes while they wait.
   */
  acquire(): number;
  /** An attempt ended; `throttled`: it failed with a throttling error. */
  onResult(throttled: boolean): void;
}
