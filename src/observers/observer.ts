/**
 * The one event stream of the library. Every call reports its life to a list of observers:
 * the registry, the hooks (`onRetry`, `onSuccess`, `onGiveUp`), and whatever a user adds
 * (`observers` option, `registry.subscribe`). Policies report their own events through the
 * same interface (`policy.subscribe(observer)`).
 *
 * This file holds types only, so every module can depend on it without a cycle.
 */
import type { GiveUpReason } from '../engine/types.js';

/**
 * How an attempt ended: `'success'`; `'error'`, it threw or rejected; `'result'`, it fulfilled
 * with a value that `retryOnResult` rejected.
 */
export type AttemptOutcomeKind = 'success' | 'error' | 'result';

/** A call has started, before its first attempt. */
export interface CallStartedEvent {
  /** The name of the operation the call runs. */
  readonly operationName: string;
  /** The clock's time at the start (epoch ms with the system clock). */
  readonly timestamp: number;
}

/** One attempt has ended. */
export interface AttemptEndedEvent {
  /** The name of the operation the call runs. */
  readonly operationName: string;
  /** The attempt's number, from 1. */
  readonly attempt: number;
  /** The delay waited before this attempt, in ms (0 for the first). */
  readonly delay: number;
  /** How the attempt ended. */
  readonly outcome: AttemptOutcomeKind;
  /** The error, when `outcome` is `'error'`. */
  readonly error?: unknown;
  /** The value, when `outcome` is `'success'` or `'result'`. */
  readonly result?: unknown;
  /** When the attempt started, in the clock's time. */
  readonly timestamp: number;
  /** How long the attempt took, in ms. */
  readonly durationMs: number;
  /** `true` for an attempt started by hedging rather than after a failure. */
  readonly hedge?: boolean;
  /** `true` when the attempt was cancelled because another attempt of the call won. */
  readonly cancelled?: boolean;
}

/** A retry has been decided: the next attempt starts after `delay` ms. */
export interface RetryScheduledEvent {
  /** The name of the operation the call runs. */
  readonly operationName: string;
  /** The attempt that just failed. */
  readonly attempt: number;
  /** The delay before the next attempt, in ms. */
  readonly delay: number;
  /** The failed attempt's error, when it failed with one. */
  readonly error?: unknown;
  /** The failed attempt's value, when `retryOnResult` rejected it. */
  readonly result?: unknown;
  /** Retries left after the next attempt has been counted. */
  readonly retriesLeft: number;
  /** Time since the call started, in ms. */
  readonly elapsedMs: number;
}

/** The call has settled. */
export interface CallEndedEvent {
  /** The name of the operation the call runs. */
  readonly operationName: string;
  /** Attempts made (an attempt a strategy refused is not counted). */
  readonly attempts: number;
  /** Total time waited between attempts, in ms. */
  readonly totalDelayMs: number;
  /** Time from the call's start to its end, in ms. */
  readonly elapsedMs: number;
  /** The clock's time at the end. */
  readonly timestamp: number;
  /** Set when the call failed: why it gave up. */
  readonly reason?: GiveUpReason;
  /** What the call rejects with, when it failed. */
  readonly error?: unknown;
  /** The value the call fulfils with, when it succeeded. */
  readonly result?: unknown;
  /** The last attempt's error, when the call failed after an attempt that failed with one (may differ from `error`, e.g. with `wrapError`). */
  readonly lastError?: unknown;
  /** The last attempt's value, when the call failed after `retryOnResult` rejected it. */
  readonly lastResult?: unknown;
}

/**
 * Something a policy did or saw: a breaker changed state, a budget refused a retry, a limiter
 * throttled, a shared store fell back to local state. `policy` says which kind of policy,
 * `name` which instance (its `name` option), `type` what happened; the rest is per type.
 */
export interface PolicyEvent {
  /** The kind of policy that reports the event. */
  readonly policy: 'circuit-breaker' | 'retry-budget' | 'rate-limiter' | 'hedging' | 'fallback' | (string & {});
  /** The policy instance that reports it (its `name` option). */
  readonly name: string;
  /** What happened (for example `'state-change'`). */
  readonly type: string;
  /** The clock's time of the event. */
  readonly timestamp: number;
  /** The operation whose call caused the event, when one did. */
  readonly operationName?: string;
  /** Per-type details (for a breaker's `'state-change'`: `from`, `to`). */
  readonly [detail: string]: unknown;
}

/**
 * What receives the event stream. Every method is optional. `retryScheduled` may return a
 * promise, which the call waits for (as it does for `onRetry`), never past its deadline or its
 * signal. An observer that throws or rejects is reported once per observer method and
 * operation (a process warning, or `onHookError`) and the call goes on.
 */
export interface CallObserver {
  /**
   * Told when a call starts, before its first attempt. Answering `false` sits the call out:
   * the observer hears none of the call's other events (an observer with nothing to record
   * for now, such as the OpenTelemetry bridge while no SDK is registered, then costs the call
   * nothing more). That holds for the first 31 observers of a call (the `registry`, the hooks
   * and the `observers` option, in that order; later ones hear every event); a registry's
   * subscribers hear every event of every call it records.
   */
  callStarted?(event: CallStartedEvent): void | false;
  /** Told when an attempt ends. */
  attemptEnded?(event: AttemptEndedEvent): void;
  /** Told when a retry is decided, before the delay; the call waits for a returned promise. */
  retryScheduled?(event: RetryScheduledEvent): void | PromiseLike<void>;
  /** Told when the call settles. */
  callEnded?(event: CallEndedEvent): void;
  /** Told of an event of a policy the observer subscribed to. */
  policyEvent?(event: PolicyEvent): void;
}
