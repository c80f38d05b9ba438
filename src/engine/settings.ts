/**
 * Options → settings: validation, defaults, and the lists the engine walks (observers,
 * strategies, classifiers). Done once per wrapper, or once per call for `retry(fn, options)`:
 * the object is built property by property, without a spread (a spread of the options made
 * every inline `retry()` call pay tens of microseconds on Node 20).
 */
import { normalizeBackoff } from '../decision/backoff.js';
import type { ErrorClassifier } from '../decision/classifier.js';
import type { DecisionRules } from '../decision/decide.js';
import { hooksObserver } from '../observers/hooks.js';
import { reportHookError } from '../observers/hook-errors.js';
import type { ErrorReporter } from '../observers/notify.js';
import type { CallObserver } from '../observers/observer.js';
import { defaultRegistry } from '../registry/default-registry.js';
import { orderStrategies } from '../strategies/order.js';
import { normalizeFallback, type FallbackPlan } from '../strategies/fallback.js';
import { normalizeHedging, type HedgingPlan } from '../strategies/hedging-options.js';
import type { Strategy } from '../strategies/strategy.js';
import { systemClock, type Clock } from './clock.js';
import { KNOWN_OPTIONS, type RetryOptions } from './options.js';
import type { ErrorClass, HookName } from './types.js';
import { unknownOptionError } from './unknown-option.js';
import { checkBoolean, checkFunction, checkNumber, checkShape, rangeFail, typeFail } from './validate.js';

/** Options after validation and defaults: what the engine runs on (internal). */
export interface CallSettings<T = unknown> extends DecisionRules {
  readonly retryIf: RetryOptions<T>['retryIf'];
  readonly retryOnResult: RetryOptions<T>['retryOnResult'];
  readonly attemptTimeout: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly operationName: string | undefined;
  /** The registry, when it is one the entry points can read statistics from. */
  readonly registry: CallObserver | undefined;
  /** The registry, the hooks, then the `observers` option. */
  readonly observers: readonly CallObserver[];
  /** In the order they apply (`orderStrategies`). */
  readonly strategies: readonly Strategy[];
  /** Reports a hook, observer or predicate that failed (and counts it in the registry). */
  readonly report: ErrorReporter;
  readonly wrapError: boolean;
  /** Set when the call hedges: its attempt step is a hedged round. */
  readonly hedging: HedgingPlan | undefined;
  /** Set when the call has a fallback for (some) give-ups. */
  readonly fallback: FallbackPlan<unknown> | undefined;
  readonly clock: Clock;
  /** The call reads the clock: something reports or bounds a time (observers, a deadline, a predicate's info, an error's `elapsedMs`). */
  readonly timed: boolean;
}

const OBSERVER_METHODS = ['callStarted', 'attemptEnded', 'retryScheduled', 'callEnded', 'policyEvent'] as const;
const STRATEGY_METHODS = ['callStarted', 'beforeAttempt', 'afterAttempt', 'allowRetry', 'callEnded'] as const;

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

/** An object at least one of whose `methods` is a function, and none of them anything else. */
function checkPlugin<P>(option: string, value: unknown, methods: readonly string[], what: string): P {
  if (typeof value !== 'object' || value === null) typeFail(option, what, value);
  let found = false;
  for (const method of methods) {
    const member = (value as Record<string, unknown>)[method];
    if (member === undefined) continue;
    if (typeof member !== 'function') typeFail(`${option}.${method}`, 'a function', member);
    found = true;
  }
  if (!found) typeFail(option, `${what} (with at least one of ${methods.join(', ')})`, value);
  return value as P;
}

function checkList<P>(option: string, value: unknown, methods: readonly string[], what: string): readonly P[] {
  if (!Array.isArray(value)) typeFail(option, `an array of ${what === 'strategy' ? 'strategies' : `${what}s`}`, value);
  const article = /^[aeiou]/.test(what) ? 'an' : 'a';
  return value.map((item: unknown, i: number) => checkPlugin<P>(`${option}[${i}]`, item, methods, `${article} ${what}`));
}

function checkClassifiers(value: unknown): readonly ErrorClassifier[] {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  list.forEach((item, i) => checkFunction(Array.isArray(value) ? `classify[${i}]` : 'classify', item));
  return list as ErrorClassifier[];
}

/** The list of an option not given (shared: the lists of settings are never changed). */
const NONE: readonly never[] = Object.freeze([]);

/**
 * Validates `options` and applies the defaults, without touching the caller's object.
 * Throws a `TypeError` or `RangeError` naming the option and the value; an unknown key is a
 * `TypeError` that suggests the option it most likely means.
 */
export function normalizeOptions<T>(options: RetryOptions<T> | undefined): CallSettings<T> {
  if (options === undefined) options = {};
  else if (typeof options !== 'object' || options === null || Array.isArray(options)) typeFail('options', 'an object', options);
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw unknownOptionError(key, [...KNOWN_OPTIONS]);
  }
  const o = options as Record<string, unknown>;
  // Each option is read by its own name (o.retryIf, not o[name]): a read by a computed name is
  // about ten times slower, and `retry(fn, { ... })` validates its options at every call.
  const fn = <F>(name: string, value: unknown): F | undefined => (value === undefined ? undefined : checkFunction<F>(name, value));
  const timeout = o.timeout === undefined ? undefined : checkNumber('timeout', o.timeout, true);
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
  let operationName: string | undefined;
  if (o.operationName !== undefined) {
    if (typeof o.operationName !== 'string') typeFail('operationName', 'a string', o.operationName);
    if (o.operationName.length === 0) rangeFail('operationName', 'a non-empty string', o.operationName);
    operationName = o.operationName;
  }
  const registry = o.registry === false ? undefined
    : o.registry === undefined ? defaultRegistry
      : checkPlugin<CallObserver>('registry', o.registry, OBSERVER_METHODS, 'a RetryRegistry, an observer or false');
  const retryIf = fn<CallSettings<T>['retryIf']>('retryIf', o.retryIf);
  const retryOnResult = fn<CallSettings<T>['retryOnResult']>('retryOnResult', o.retryOnResult);
  const delayFn = fn<CallSettings<T>['delayFn']>('delayFn', o.delayFn);
  const onHookError = fn<(error: unknown, hook: HookName) => void>('onHookError', o.onHookError);
  const hooks = hooksObserver<T>(maxRetries, fn('onRetry', o.onRetry), fn('onSuccess', o.onSuccess), fn('onGiveUp', o.onGiveUp));
  const extra = o.observers === undefined ? NONE : checkList<CallObserver>('observers', o.observers, OBSERVER_METHODS, 'observer');
  const observers: CallObserver[] = [];
  if (registry !== undefined) observers.push(registry);
  if (hooks !== undefined) observers.push(hooks);
  for (const observer of extra) observers.push(observer);
  const strategy = (name: string, value: unknown, what: string): Strategy | undefined =>
    value === undefined ? undefined : checkPlugin<Strategy>(name, value, STRATEGY_METHODS, `${what} or another strategy`);
  const strategies = orderStrategies(strategy('rateLimiter', o.rateLimiter, 'an AdaptiveRateLimiter'),
    strategy('circuitBreaker', o.circuitBreaker, 'a CircuitBreaker'), strategy('budget', o.budget, 'a RetryBudget'),
    o.strategies === undefined ? [] : checkList<Strategy>('strategies', o.strategies, STRATEGY_METHODS, 'strategy'));
  const report: ErrorReporter = (error, hook, name) => {
    reportHookError(error, hook, onHookError, name);
    (registry as { hookFailed?: (name: string) => void } | undefined)?.hookFailed?.(name);
  };
  const wrapError = o.wrapError === undefined ? false : checkBoolean('wrapError', o.wrapError);
  const hedging = o.hedging === undefined ? undefined : normalizeHedging(o.hedging, maxRetries);
  return {
    maxRetries,
    backoff: normalizeBackoff(options),
    abortOn: o.abortOn === undefined ? NONE : checkClasses('abortOn', o.abortOn),
    retryOn: o.retryOn === undefined ? NONE : checkClasses('retryOn', o.retryOn),
    classify: o.classify === undefined ? NONE : checkClassifiers(o.classify),
    timeout,
    delayFn,
    retryIf,
    retryOnResult,
    attemptTimeout: o.attemptTimeout === undefined ? undefined : checkNumber('attemptTimeout', o.attemptTimeout, true),
    signal: o.signal === undefined ? undefined : isAbortSignal(o.signal) ? o.signal : typeFail('signal', 'an AbortSignal', o.signal),
    operationName,
    registry,
    observers,
    strategies,
    report,
    wrapError,
    hedging,
    fallback: o.fallback === undefined ? undefined : normalizeFallback(o.fallback),
    clock: o.clock === undefined ? systemClock : checkShape<Clock>('clock', o.clock, ['now', 'sleep'], 'a clock'),
    timed: observers.length > 0 || hedging !== undefined || timeout !== undefined || retryIf !== undefined || retryOnResult !== undefined || delayFn !== undefined || wrapError,
  };
}
