/**
 * The seam every policy plugs into: the rate limiter, the circuit breaker, the retry budgets,
 * and any strategy of a user's own (the `strategies` option). The engine names no policy; it
 * calls these methods, in the order of `orderStrategies` (`order.ts`).
 *
 * Every method is optional and may answer synchronously or with a promise, so a strategy whose
 * state lives elsewhere (a shared store) can answer when it knows. The engine awaits only what
 * is a promise, and never past the call's deadline or signal. A method that throws or rejects
 * fails the call with a `StrategyError` naming the strategy and the method.
 *
 * This file holds types only.
 */
import type { GiveUpReason } from '../engine/types.js';

/** An answer that may come now or later. */
export type MaybePromise<T> = T | PromiseLike<T>;

/** What a strategy learns of the call it is asked about. */
export interface StrategyContext {
  /** The name of the operation the call runs. */
  readonly operationName: string;
  /** The attempt about to start (`beforeAttempt`), or the one that ended (the others). */
  readonly attempt: number;
  /** The last failed attempt's error, when there is one (a refusal's error takes it as `cause`). */
  readonly lastError?: unknown;
}

/** A strategy's `no`: the call ends with `reason`, rejecting with `error`. */
export interface Refusal {
  /** Why the call ends. */
  readonly reason: GiveUpReason;
  /** What the call rejects with. */
  readonly error: Error;
}

/** A strategy's `not yet`: ask again after `waitMs` (the engine sleeps through the call's clock). */
export interface Wait {
  /** How long to wait before asking again, in ms. */
  readonly waitMs: number;
}

/**
 * How an admitted attempt counted for a dependency's health:
 * - `'success'`: it succeeded;
 * - `'failure'`: it failed with an error the call treats as retryable (the dependency failed);
 * - `'ignored'`: it ended in a way that says nothing of the dependency (a non-retryable error,
 *   a cancellation, a result `retryOnResult` rejected).
 */
export type AttemptVerdict = 'success' | 'failure' | 'ignored';

/** What `afterAttempt` and `allowRetry` learn of the attempt that ended. */
export interface AttemptReport {
  /** How the attempt counted for the dependency's health. */
  readonly verdict: AttemptVerdict;
  /** It failed with a throttling error (HTTP 429 and the like). */
  readonly throttled: boolean;
  /** It failed with a timeout. */
  readonly timedOut: boolean;
  /** Its error, when it failed with one. */
  readonly error?: unknown;
  /** How long the attempt took, in ms. */
  readonly durationMs: number;
}

/** What `callEnded` learns of the call. */
export interface CallReport {
  /** Whether the call succeeded. */
  readonly success: boolean;
  /** Attempts made. */
  readonly attempts: number;
  /** Set when the call failed. */
  readonly reason?: GiveUpReason;
  /** The last retry the call made followed a timeout (a token bucket refunds its cost). */
  readonly lastRetryAfterTimeout: boolean;
}

/**
 * A policy as the engine sees it. For one call the engine calls, in this order:
 * `callStarted` once; for each attempt, `beforeAttempt` until it admits (a `Wait` sleeps and
 * asks again, a `Refusal` ends the call), then after the attempt exactly one `afterAttempt`
 * for each strategy that admitted it; after a failed attempt that may be retried,
 * `allowRetry`; finally `callEnded` once.
 */
export interface Strategy {
  /** Names the strategy in errors and events. */
  readonly name?: string;
  /** The call has started, before its first attempt. */
  callStarted?(ctx: StrategyContext): MaybePromise<void>;
  /** `true` admits the attempt; a `Wait` asks to be asked again later; a `Refusal` ends the call. */
  beforeAttempt?(ctx: StrategyContext): MaybePromise<true | Wait | Refusal>;
  /** The attempt this strategy admitted has ended. */
  afterAttempt?(ctx: StrategyContext, report: AttemptReport): MaybePromise<void>;
  /** May the call retry after this failed attempt? */
  allowRetry?(ctx: StrategyContext, report: AttemptReport): MaybePromise<true | Refusal>;
  /** The call has settled. */
  callEnded?(ctx: StrategyContext, report: CallReport): MaybePromise<void>;
}
