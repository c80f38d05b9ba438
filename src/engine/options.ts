import { defaultRegistry } from '../registry/default-registry.js';
import type { RetryRegistry } from '../registry/retry-registry.js';
import { normalizeBackoff, type BackoffParams } from '../decision/backoff.js';
import { systemClock } from './clock.js';
import type { CircuitBreakerLike, Clock, RateLimiterLike, RetryBudgetLike } from './seams.js';
import type { ErrorClass, GiveUpEvent, HookName, JitterStrategy, RetryEvent, RetryIfInfo } from './types.js';
import { checkBoolean, checkFunction, checkNumber, checkShape, rangeFail, typeFail } from './validate.js';


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
  /** Where calls are recorded; `false` records nothing. @default defaultRegistry */
  readonly registry?: RetryRegistry | false;
  /** A breaker every attempt passes through. */
  readonly circuitBreaker?: CircuitBreakerLike;
  /** A budget every retry must be granted by. */
  readonly budget?: RetryBudgetLike;
  /** A limiter every attempt waits on. */
  readonly rateLimiter?: RateLimiterLike;
  /** Called before each retry's delay; the loop awaits a returned promise. */
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

/** Options after validation and defaults: what the loop runs on (internal). */
export interface Policy<T = unknown> extends BackoffParams {
  readonly maxRetries: number;
  readonly retryOn: readonly ErrorClass[];
  readonly abortOn: readonly ErrorClass[];
  readonly retryIf: RetryOptions<T>['retryIf'];
  readonly retryOnResult: RetryOptions<T>['retryOnResult'];
  readonly timeout: number | undefined;
  readonly attemptTimeout: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly operationName: string | undefined;
  readonly registry: RetryRegistry | undefined;
  readonly circuitBreaker: CircuitBreakerLike | undefined;
  readonly budget: RetryBudgetLike | undefined;
  readonly rateLimiter: RateLimiterLike | undefined;
  readonly onRetry: RetryOptions<T>['onRetry'];
  readonly onSuccess: RetryOptions<T>['onSuccess'];
  readonly onGiveUp: RetryOptions<T>['onGiveUp'];
  readonly onHookError: RetryOptions<T>['onHookError'];
  readonly wrapError: boolean;
  readonly clock: Clock;
  /** No signal, deadline or policy: the first attempt can run on the lean path. */
  readonly lean: boolean;
  /** Something needs the call's start time (registry, hooks, retryIf, wrapError, timeout). */
  readonly timed: boolean;
}

const KNOWN = new Set([
  'maxRetries', 'initialDelay', 'backoffBase', 'maxDelay', 'jitter', 'retryOn', 'retryIf', 'abortOn',
  'retryOnResult', 'timeout', 'attemptTimeout', 'signal', 'operationName', 'registry', 'circuitBreaker',
  'budget', 'rateLimiter', 'onRetry', 'onSuccess', 'onGiveUp', 'onHookError', 'wrapError', 'clock', 'random',
]);

function checkClasses(option: string, value: unknown): readonly ErrorClass[] {
  if (!Array.isArray(value)) typeFail(option, 'an array of error classes', value);
  value.forEach((item: unknown, i: number) => {
    let isClass = false;
    try {
      isClass = typeof item === 'function' && item.prototype !== undefined && item.prototype !== null;
    } catch {
      isClass = false;
    }
    if (!isClass) typeFail(`${option}[${i}]`, 'a class (a constructor such as `TypeError`)', item);
  });
  return value.slice() as readonly ErrorClass[];
}

function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== 'object' || value === null) return false;
  try {
    const v = value as Partial<AbortSignal>;
    return typeof v.aborted === 'boolean' && typeof v.addEventListener === 'function' && typeof v.removeEventListener === 'function';
  } catch {
    return false;
  }
}

/**
 * Validates `options` and applies the defaults, without touching the caller's object.
 * Throws a `TypeError` or `RangeError` naming the option and the value.
 */
export function normalizeOptions<T>(options: RetryOptions<T> | undefined): Policy<T> {
  if (options === undefined) options = {};
  else if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    typeFail('options', 'an object', options);
  }
  const o = options as Record<string, unknown>;
  const backoff = normalizeBackoff(options);
  const timeout = o.timeout === undefined ? undefined : checkNumber('timeout', o.timeout, true);
  const attemptTimeout = o.attemptTimeout === undefined ? undefined : checkNumber('attemptTimeout', o.attemptTimeout, true);
  let maxRetries = 3;
  if (o.maxRetries !== undefined) {
    if (typeof o.maxRetries !== 'number') typeFail('maxRetries', 'a non-negative integer', o.maxRetries);
    if (o.maxRetries === Infinity) {
      if (timeout === undefined) rangeFail('maxRetries', 'a non-negative integer (Infinity only together with `timeout`)', o.maxRetries);
    } else if (!Number.isSafeInteger(o.maxRetries) || o.maxRetries < 0) {
      rangeFail('maxRetries', 'a non-negative integer', o.maxRetries);
    }
    maxRetries = o.maxRetries;
  }
  const signal = o.signal === undefined ? undefined : isAbortSignal(o.signal) ? o.signal : typeFail('signal', 'an AbortSignal', o.signal);
  let operationName: string | undefined;
  if (o.operationName !== undefined) {
    if (typeof o.operationName !== 'string') typeFail('operationName', 'a string', o.operationName);
    if (o.operationName.length === 0) rangeFail('operationName', 'a non-empty string', o.operationName);
    operationName = o.operationName;
  }
  let registry: RetryRegistry | undefined = defaultRegistry;
  if (o.registry === false) registry = undefined;
  else if (o.registry !== undefined) registry = checkShape<RetryRegistry>('registry', o.registry, ['operation', 'getStatistics'], 'a RetryRegistry or false');
  const fn = <F>(name: string): F | undefined => (o[name] === undefined ? undefined : checkFunction<F>(name, o[name]));
  const circuitBreaker = o.circuitBreaker === undefined ? undefined
    : checkShape<CircuitBreakerLike>('circuitBreaker', o.circuitBreaker, ['tryAcquire', 'onSuccess', 'onFailure', 'onIgnored'], 'a CircuitBreaker');
  const budget = o.budget === undefined ? undefined
    : checkShape<RetryBudgetLike>('budget', o.budget, ['onCall', 'tryRetry', 'onSuccess'], 'a RetryBudget');
  const rateLimiter = o.rateLimiter === undefined ? undefined
    : checkShape<RateLimiterLike>('rateLimiter', o.rateLimiter, ['acquire', 'onResult'], 'an AdaptiveRateLimiter');
  const clock = o.clock === undefined ? systemClock : checkShape<Clock>('clock', o.clock, ['now', 'sleep'], 'a clock');
  const retryIf = fn<Policy<T>['retryIf']>('retryIf');
  const onRetry = fn<Policy<T>['onRetry']>('onRetry');
  const onSuccess = fn<Policy<T>['onSuccess']>('onSuccess');
  const onGiveUp = fn<Policy<T>['onGiveUp']>('onGiveUp');
  const wrapError = o.wrapError === undefined ? false : checkBoolean('wrapError', o.wrapError);
  const lean = signal === undefined && timeout === undefined && attemptTimeout === undefined &&
    circuitBreaker === undefined && budget === undefined && rateLimiter === undefined;
  return {
    ...backoff,
    maxRetries,
    retryOn: o.retryOn === undefined ? [] : checkClasses('retryOn', o.retryOn),
    abortOn: o.abortOn === undefined ? [] : checkClasses('abortOn', o.abortOn),
    retryIf,
    retryOnResult: fn<Policy<T>['retryOnResult']>('retryOnResult'),
    timeout,
    attemptTimeout,
    signal,
    operationName,
    registry,
    circuitBreaker,
    budget,
    rateLimiter,
    onRetry,
    onSuccess,
    onGiveUp,
    onHookError: fn<Policy<T>['onHookError']>('onHookError'),
    wrapError,
    clock,
    lean,
    // Whatever reports a time: the registry, the hooks' events, retryIf's info, the deadline, and
    // a RetryExhaustedError (its elapsedMs and attempt log), which wrapError or retryOnResult make.
    timed: registry !== undefined || onRetry !== undefined || onSuccess !== undefined || onGiveUp !== undefined ||
      retryIf !== undefined || wrapError || o.retryOnResult !== undefined || timeout !== undefined,
  };
}

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
      if (value !== undefined && KNOWN.has(key)) merged[key] = value;
    }
  }
  return merged as RetryOptions<T>;
}
