/**
 * Public data types shared by the loop, the registry and the entry points. This file imports
 * nothing, so every other module can depend on it without a cycle.
 */

/**
 * Why a call gave up.
 * - `'exhausted'`: every allowed attempt failed.
 * - `'non-retryable'`: an attempt failed with an error the decision order says not to retry.
 * - `'timeout'`: the call's `timeout` ran out (or the next delay would pass it).
 * - `'aborted'`: the caller's `signal` was aborted.
 * - `'budget'`: the `RetryBudget` refused a retry.
 * - `'circuit-open'`: the `CircuitBreaker` refused an attempt.
 * - `'retry-after'`: the server asked for a wait longer than `maxDelay` or the time left.
 */
export type GiveUpReason = 'exhausted' | 'non-retryable' | 'timeout' | 'aborted' | 'budget' | 'circuit-open' | 'retry-after';

/** The jitter strategies of {@link calculateDelay}. */
export type JitterStrategy = 'none' | 'full' | 'equal' | 'decorrelated';

/** What the registry keeps of a failed attempt's error: small, and safe to keep. */
export interface ErrorSummary {
  /** The error's `name` (cut to 128 characters), `'Error'` when it has none, or the type of a thrown non-object (`'string'`, `'undefined'`...). */
  readonly name: string;
  /** The message, cut to at most 1,024 characters (an ellipsis marks a cut). */
  readonly message: string;
  /** The error's `code`, when it is a string (cut to 128 characters) or a number. */
  readonly code?: string | number;
}

/** One attempt, as recorded in the registry. */
export interface RetryAttempt {
  /** The name of the operation the attempt belongs to. */
  readonly operationName: string;
  /** 1-based: attempt 1 is the first call, attempt k+1 is retry k. */
  readonly attemptNumber: number;
  /** The delay waited before this attempt, in ms (0 for the first). */
  readonly delay: number;
  /** Present when the attempt failed with an error. */
  readonly error?: ErrorSummary;
  /** Whether the attempt succeeded (`false` for an error, and for a result `retryOnResult` rejected). */
  readonly success: boolean;
  /** When the attempt started, in the clock's time (epoch ms with the system clock). */
  readonly timestamp: number;
  /** How long the attempt took, in ms. */
  readonly durationMs: number;
}

/**
 * The context handed to the function given to `retry()`.
 */
export interface AttemptContext {
  /** The number of this attempt, from 1. */
  readonly attempt: number;
  /** How many retries remain after this attempt (`Infinity` with `maxRetries: Infinity`). */
  readonly retriesLeft: number;
  /**
   * Aborted when this attempt should stop: the caller's `signal` was aborted (reason: its
   * reason), the call's `timeout` passed (a `RetryTimeoutError`) or the attempt's own
   * `attemptTimeout` expired (an `AttemptTimeoutError`). Pass it to `fetch` and friends.
   * It is not aborted after the attempt has settled, so a response body can still be read.
   */
  readonly signal: AbortSignal;
}

/** The event given to `onRetry`, `onSuccess` and `onGiveUp`. */
export interface RetryEvent<T = unknown> {
  /** The name of the operation the call runs. */
  readonly operationName: string;
  /** The attempt that just ended (1-based). */
  readonly attempt: number;
  /** The error of that attempt, when it failed with one. */
  readonly error?: unknown;
  /** The value of that attempt, when it fulfilled (a success, or a result `retryOnResult` rejected). */
  readonly result?: T;
  /** The delay before the next attempt, in ms; 0 when there is none. */
  readonly delay: number;
  /** Retries left after the next attempt has been counted (onRetry) or after this one (others). */
  readonly retriesLeft: number;
  /** Time since the call started, in ms. */
  readonly elapsedMs: number;
}

/** The event given to `onGiveUp`: a {@link RetryEvent} with the reason the call ended. */
export interface GiveUpEvent<T = unknown> extends RetryEvent<T> {
  /** Why the call gave up. */
  readonly reason: GiveUpReason;
}

/** What the loop's `retryIf` predicate learns about the failed attempt. */
export interface RetryIfInfo {
  /** The name of the operation the call runs. */
  readonly operationName: string;
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  /** The retries still allowed, counting the one that would follow this failure (`maxRetries` after attempt 1). */
  readonly retriesLeft: number;
  /** Time since the call started, in ms. */
  readonly elapsedMs: number;
}

/** Any class (constructor) whose instances can be thrown. */
export type ErrorClass = abstract new (...args: never[]) => unknown;

/**
 * Where a reported error came from, as told to `onHookError`: a hook; `'subscribe'`, a registry
 * listener; `'observer'`, an observer of the `observers` option; `'retryIf'`, the predicate (the
 * call then gives up with the attempt's own error); `'fallback'`, a fallback handler (the call
 * then rejects with its own failure).
 */
export type HookName = 'onRetry' | 'onSuccess' | 'onGiveUp' | 'subscribe' | 'observer' | 'retryIf' | 'fallback';
