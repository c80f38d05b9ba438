import { calculateDelay } from '../decision/backoff.js';
import { classifyFailure } from '../decision/decide.js';
import { freezeOptions, mergeOptions, type RetryOptions } from '../engine/options.js';
import { runCall } from '../engine/run-call.js';
import { normalizeOptions, type CallSettings } from '../engine/settings.js';
import { RetryRegistry } from '../registry/retry-registry.js';
import type { RetryHistory, RetryStatistics } from '../registry/types.js';
import { checkContext } from './context-check.js';
import { attemptOf } from './current-attempt.js';
import { askRetryIfNow } from './judge.js';

/** Per-call context of `executeWithRetry`: an operation name and any option to override. */
export type ExecutionContext = {
  /** The name the call is recorded under, in place of the manager's or the function's. */
  readonly operationName?: string;
} & RetryOptions;

const EMPTY_REGISTRY = new RetryRegistry({ maxOperations: 0, maxHistoryPerOperation: 0 });

/** Each manager's settings, for the `ErrorHandler` that owns it. */
const settingsOf = new WeakMap<RetryManager, CallSettings>();

/** The validated settings of `manager` (internal: `ErrorHandler` decides with them). */
export function managerSettings(manager: RetryManager): CallSettings {
  return settingsOf.get(manager)!;
}

/**
 * A configured retrier, after the original design: one set of options (`maxRetries`,
 * `backoffBase`, `initialDelay`, `maxDelay` and the rest), its backoff schedule, its error
 * classification, and the statistics of its registry.
 *
 * @example
 * const manager = new RetryManager({ maxRetries: 3, initialDelay: 500 });
 * const rows = await manager.executeWithRetry(queryDb, { operationName: 'db.query' }, sql, params);
 * manager.getRetryStatistics('db.query');
 */
export class RetryManager {
  /** The options this manager was built with (a frozen copy, its `retryOn`/`abortOn` lists too; `undefined` values dropped). */
  readonly config: Readonly<RetryOptions>;
  readonly #settings: CallSettings;

  /** Validates `config` now: a bad option throws a `TypeError` or `RangeError`. */
  constructor(config: RetryOptions = {}) {
    this.config = freezeOptions(config);
    this.#settings = normalizeOptions(this.config);
    settingsOf.set(this, this.#settings);
  }

  /** The delay before retry `retryNumber` (1-based) under this manager's backoff options. */
  calculateDelay(retryNumber: number): number {
    return calculateDelay(retryNumber, this.config);
  }

  /**
   * Whether this manager would retry `error`, as far as it can tell without calling an async
   * `retryIf`, by the same decision the calls use: `abortOn` says no, a synchronous `retryIf`
   * decides (told `attempt`, the number of the attempt that failed, default 1), `retryOn` says
   * yes, then the `classify` classifiers, else `isTransientError`. An asynchronous `retryIf` is
   * a `TypeError` here (use `executeWithRetry`).
   */
  isTransientError(error: unknown, attempt = 1): boolean {
    const s = this.#settings;
    const answer = askRetryIfNow(s, error, s.operationName ?? 'anonymous', attempt, 0);
    return classifyFailure(s, error, answer).verdict !== 'permanent';
  }

  /**
   * Calls `fn(...args)` with retries. `context` names the operation (default: the manager's
   * `operationName`, else `fn.name`) and may override any option for this call.
   */
  executeWithRetry<A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, context?: ExecutionContext, ...args: A): Promise<Awaited<R>> {
    try {
      if (typeof fn !== 'function') throw new TypeError(`maestro-retry: executeWithRetry() needs a function to call, got ${fn === null ? 'null' : typeof fn}`);
      checkContext('executeWithRetry', context);
      const settings = context === undefined ? this.#settings : normalizeOptions(mergeOptions(this.config, context));
      const name = settings.operationName ?? (fn.name || 'anonymous');
      return runCall(settings as CallSettings<Awaited<R>>, name, attemptOf(settings.hedging !== undefined, () => fn(...args)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Statistics from this manager's registry (the shared `defaultRegistry` unless configured). */
  getRetryStatistics(operationName?: string): RetryStatistics {
    return this.#registry().getStatistics(operationName);
  }

  /** History from this manager's registry. */
  getRetryHistory(operationName?: string): RetryHistory {
    return this.#registry().getHistory(operationName);
  }

  /** Clears this manager's registry, for one operation or all. */
  clearHistory(operationName?: string): void {
    this.#registry().clear(operationName);
  }

  #registry(): RetryRegistry {
    const registry = this.#settings.registry as Partial<RetryRegistry> | undefined;
    return typeof registry?.getStatistics === 'function' && typeof registry.getHistory === 'function' && typeof registry.clear === 'function'
      ? registry as RetryRegistry : EMPTY_REGISTRY;
  }
}
