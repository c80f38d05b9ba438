import type { ErrorClassifier } from '../decision/classifier.js';
import type { DelayInfo } from '../decision/decide.js';
import type { CallObserver } from '../observers/observer.js';
import type { FallbackOptions } from '../strategies/fallback.js';
import type { HedgingOptions } from '../strategies/hedging-options.js';
import type { Strategy } from '../strategies/strategy.js';
import type { Clock } from './clock.js';
import type { ErrorClass, GiveUpEvent, HookName, JitterStrategy, RetryEvent, RetryIfInfo } from './types.js';
import { typeFail } from './validate.js';


/**
 * Options shared by every entry point: `retry`, `withRetry`, `@Retryable`, `RetryManager`
 * and `ErrorHandler`. All times are in ms. An option left `undefined` takes its default.
 *
 * @example
 * const options: RetryOptions<Response> = {
 *   maxRetries: 5, jitter: 'full', attemptTimeout: 2_000, timeout: 10_000,
 *   retryOnResult: (res) => res.status >= 500,
 * };
 */
export interface RetryOptions<T = unknown> {
  /** Retries after the first attempt; 0 = never retry. `Infinity` only with `timeout`. @default 3 */
  readonly maxRetries?: number;
  /** Delay before retry 1. @default 1000 */
  readonly initialDelay?: number;
  /** Multiplier per retry, >= 1. @default 2 */
  readonly backoffBase?: number;
  /** Cap on any single delay (and on a server's Retry-After). @default 30000 */
  readonly maxDelay?: number;
  /** `'none' | 'full' | 'equal' | 'decorrelated'`. @default 'none' */
  readonly jitter?: JitterStrategy;
  /** Error classes retried in addition to transient errors. @default [] */
  readonly retryOn?: readonly ErrorClass[];
  /** When given, it alone decides whether an error is retried (after `abortOn`). */
  readonly retryIf?: (error: unknown, info: RetryIfInfo) => boolean | PromiseLike<boolean>;
  /** Error classes never retried. @default [] */
  readonly abortOn?: readonly ErrorClass[];
  /** `true` makes a fulfilled attempt count as failed, and retried. */
  readonly retryOnResult?: (result: T) => boolean;
  /** Deadline for the whole call, delays included. */
  readonly timeout?: number;
  /** Deadline for one attempt: its `ctx.signal` aborts and it fails with `AttemptTimeoutError`. */
  readonly attemptTimeout?: number;
  /** Cancels the call: no further attempt, the running attempt's signal aborts, rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** The registry key. @default the function's name, `'ClassName.method'` for `@Retryable` */
  readonly operationName?: string;
  /**
   * Where calls are recorded: a `RetryRegistry`, or any object with the observer shape
   * (`callStarted`, `attemptEnded`, `retryScheduled`, `callEnded`); `false` records nothing.
   * @default defaultRegistry
   */
  readonly registry?: CallObserver | false;
  /** More observers of every call, after the registry and the hooks. @default [] */
  readonly observers?: readonly CallObserver[];
  /** A breaker every attempt passes through (a `CircuitBreaker`, or any `Strategy`). */
  readonly circuitBreaker?: Strategy;
  /** A budget every retry must be granted by (a `RetryBudget`, or any `Strategy`). */
  readonly budget?: Strategy;
  /** A limiter every attempt waits on (an `AdaptiveRateLimiter`, or any `Strategy`). */
  readonly rateLimiter?: Strategy;
  /** Strategies of your own, applied after the rate limiter, the breaker and the budget. @default [] */
  readonly strategies?: readonly Strategy[];
  /**
   * Classifiers of errors (the error packs, or your own), asked in order after `retryOn` and
   * before the default `isTransientError`; the first answer that is not `undefined` wins.
   */
  readonly classify?: ErrorClassifier | readonly ErrorClassifier[];
  /**
   * A delay of your own before each retry, from the failed attempt and its error or result
   * (a server's hint in a body field, say). `undefined` keeps the backoff delay. Capped by
   * `maxDelay`, raised to a Retry-After, and bounded by the deadline, as every delay is.
   */
  readonly delayFn?: (info: DelayInfo) => number | undefined;
  /**
   * Hedging, for idempotent work only: when an attempt is slow, start another copy and take
   * the first success; the others' signals abort. Off unless given. Each hedge counts as a
   * retry (`maxRetries` bounds attempts of every kind) and asks the budget like one; the
   * breaker and the rate limiter see every attempt. See docs/hedging.md.
   * @example { delay: 'p95' }  // hedge the slowest 5% of attempts
   */
  readonly hedging?: HedgingOptions;
  /**
   * What the call fulfils with when it gives up, instead of rejecting: a `value`, or a
   * `handler` of the give-up; `on` picks the reasons (default: all but `'aborted'`). A handler
   * that fails never hides the original error: the call rejects with it. See docs/hedging.md.
   * The value is not checked against the function's result type (that would make
   * `RetryOptions<T>` invariant in `T`); write `FallbackOptions<YourType>` to have it checked.
   * @example { value: [], on: ['circuit-open'] }
   */
  readonly fallback?: FallbackOptions;
  /** Called before each retry's delay; the loop awaits a returned promise (never past `timeout` or `signal`). */
  readonly onRetry?: (event: RetryEvent<T>) => void | PromiseLike<void>;
  /** Called once per call that succeeds. */
  readonly onSuccess?: (event: RetryEvent<T>) => void;
  /** Called once per call that fails. */
  readonly onGiveUp?: (event: GiveUpEvent<T>) => void;
  /**
   * Told when one of this call's hooks throws or rejects. The call itself goes on as if the
   * hook had returned. (A registry listener belongs to the registry, not to a call: give
   * `new RetryRegistry({ onHookError })` for those.) @default a process warning (`MaestroRetryWarning`)
   */
  readonly onHookError?: (error: unknown, hook: HookName) => void;
  /** Reject with a `RetryExhaustedError` (cause: the last error) instead of the last error. @default false */
  readonly wrapError?: boolean;
  /** Where time comes from. @default systemClock */
  readonly clock?: Clock;
  /** A source of numbers in [0, 1) for jitter. @default Math.random */
  readonly random?: () => number;
}

/** Every option's name: a key not listed here is a `TypeError` naming it. */
export const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'maxRetries', 'initialDelay', 'backoffBase', 'maxDelay', 'jitter', 'retryOn', 'retryIf', 'abortOn',
  'retryOnResult', 'timeout', 'attemptTimeout', 'signal', 'operationName', 'registry', 'observers', 'circuitBreaker',
  'budget', 'rateLimiter', 'strategies', 'classify', 'delayFn', 'onRetry', 'onSuccess', 'onGiveUp', 'onHookError',
  'wrapError', 'clock', 'random', 'hedging', 'fallback',
]);

/**
 * `mergeOptions(given)`, frozen, with its `retryOn` and `abortOn` lists copied and frozen too:
 * options kept for later reading (`RetryManager.config`, the decorator's metadata) cannot be
 * changed through the caller's own arrays.
 */
export function freezeOptions<T>(given: RetryOptions<T> | undefined): Readonly<RetryOptions<T>> {
  const merged = mergeOptions(given) as Record<string, unknown>;
  for (const list of ['retryOn', 'abortOn']) {
    if (Array.isArray(merged[list])) merged[list] = Object.freeze(merged[list].slice());
  }
  return Object.freeze(merged as RetryOptions<T>);
}

/** Merges option layers (later wins), ignoring `undefined` values so they cannot erase a default. */
export function mergeOptions<T>(...layers: ReadonlyArray<RetryOptions<T> | undefined>): RetryOptions<T> {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    if (layer === undefined) continue;
    if (typeof layer !== 'object' || layer === null) typeFail('options', 'an object', layer);
    for (const key of Object.keys(layer)) {
      const value = (layer as Record<string, unknown>)[key];
      if (value !== undefined) merged[key] = value;
    }
  }
  return merged as RetryOptions<T>;
}
