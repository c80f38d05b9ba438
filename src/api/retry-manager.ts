import { calculateDelay } from '../decision/backoff.js';
import { isTransientError } from '../decision/classify.js';
import { runCall, type AnyFunction } from '../engine/run-call.js';
import { matchesAny } from '../decision/match.js';
import { freezeOptions, mergeOptions, normalizeOptions, type Policy, type RetryOptions } from '../engine/options.js';
import { RetryRegistry } from '../registry/retry-registry.js';
import type { RetryHistory, RetryStatistics } from '../registry/types.js';

/** Per-call context of `executeWithRetry`: an operation name and any option to override. */
export type ExecutionContext = { readonly operationName?: string } & RetryOptions;

const EMPTY_REGISTRY = new RetryRegistry({ maxOperations: 0, maxHistoryPerOperation: 0 });

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
  readonly #policy: Policy;

  /** Validates `config` now: a bad option throws a `TypeError` or `RangeError`. */
  constructor(config: RetryOptions = {}) {
    this.config = freezeOptions(config);
    this.#policy = normalizeOptions(this.config);
  }

  /** The delay before retry `retryNumber` (1-based) under this manager's backoff options. */
  calculateDelay(retryNumber: number): number {
    return calculateDelay(retryNumber, this.config);
  }

  /**
   * Whether this manager would retry `error`, as far as it can tell without calling an async
   * `retryIf`: `abortOn` says no, a synchronous `retryIf` decides, `retryOn` says yes, else
   * `isTransientError`. An asynchronous `retryIf` is a `TypeError` here (use `executeWithRetry`).
   */
  isTransientError(error: unknown): boolean {
    const p = this.#policy;
    if (p.abortOn.length > 0 && matchesAny(p.abortOn, error)) return false;
    if (p.retryIf !== undefined) {
      const answer = p.retryIf(error, { operationName: p.operationName ?? 'anonymous', attempt: 1, retriesLeft: p.maxRetries, elapsedMs: 0 });
      if (answer !== null && typeof answer === 'object' && typeof (answer as PromiseLike<boolean>).then === 'function') {
        throw new TypeError('maestro-retry: `retryIf` returned a promise; a synchronous decision cannot await it (use executeWithRetry)');
      }
      return Boolean(answer);
    }
    if (p.retryOn.length > 0 && matchesAny(p.retryOn, error)) return true;
    return isTransientError(error);
  }

  /**
   * Calls `fn(...args)` with retries. `context` names the operation (default: the manager's
   * `operationName`, else `fn.name`) and may override any option for this call.
   */
  executeWithRetry<A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, context?: ExecutionContext, ...args: A): Promise<Awaited<R>> {
    try {
      if (typeof fn !== 'function') throw new TypeError(`maestro-retry: executeWithRetry() needs a function to call, got ${fn === null ? 'null' : typeof fn}`);
      const policy = context === undefined ? this.#policy : normalizeOptions(mergeOptions(this.config, context));
      const name = policy.operationName ?? (fn.name || 'anonymous');
      return runCall(policy as Policy<Awaited<R>>, { name, recorder: undefined }, fn as AnyFunction, undefined, args);
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
    return this.#policy.registry ?? EMPTY_REGISTRY;
  }
}
