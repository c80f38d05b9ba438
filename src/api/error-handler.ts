import { systemClock } from '../engine/clock.js';
import { isAbortError, isThrottlingError } from '../decision/classify.js';
import type { RetryOptions } from '../engine/options.js';
import { retryAfterMs } from '../decision/retry-after.js';
import { safeGet } from '../observers/safe.js';
import type { RetryHistory, RetryStatistics } from '../registry/types.js';
import { RetryManager, type ExecutionContext } from './retry-manager.js';

/** How `handleError` sees a failure. */
export type ErrorCategory = 'transient' | 'throttled' | 'permanent' | 'cancelled';

/**
 * What to do about a failed attempt: retry after `delay` ms, or fail. `reason` is a
 * `GiveUpReason`-style word (`'non-retryable'`, `'exhausted'`, `'retry-after'`, `'aborted'`)
 * and `message` says it for a person.
 */
export type RecoveryDecision =
  | { readonly action: 'retry'; readonly delay: number; readonly category: ErrorCategory }
  | { readonly action: 'fail'; readonly reason: string; readonly message: string; readonly category: ErrorCategory };

/**
 * The error handler of the original design: it owns a `RetryManager` built from its config,
 * turns a failure into a recovery decision, runs functions with retries, and reads statistics
 * from the shared registry (so they include calls made through `withRetry` and `@Retryable`).
 *
 * @example
 * const handler = new ErrorHandler({ maxRetries: 2 });
 * handler.handleError(Object.assign(new Error('busy'), { status: 503 }), { attempt: 1 });
 * // { action: 'retry', delay: 1000, category: 'transient' }
 */
export class ErrorHandler {
  readonly retryManager: RetryManager;

  constructor(config: RetryOptions = {}) {
    this.retryManager = new RetryManager(config);
  }

  /**
   * Decides what to do after attempt `context.attempt` (default 1) failed with `error`:
   * `'cancelled'` for an AbortError; otherwise the manager's classification (abortOn,
   * retryIf, retryOn, transient), `'throttled'` for a retryable throttling error. A retry's
   * delay is `calculateDelay(attempt)`, raised to a server's Retry-After; past `maxRetries`,
   * or with a Retry-After above `maxDelay`, the decision is to fail.
   */
  handleError(error: unknown, context: { readonly operationName?: string; readonly attempt?: number } = {}): RecoveryDecision {
    const attempt = context.attempt ?? 1;
    if (typeof attempt !== 'number' || !Number.isSafeInteger(attempt) || attempt < 1) {
      throw new RangeError(`maestro-retry: handleError context \`attempt\` must be a positive integer, got ${String(attempt)}`);
    }
    const config = this.retryManager.config;
    if (isAbortError(error)) {
      return { action: 'fail', reason: 'aborted', message: 'the operation was cancelled', category: 'cancelled' };
    }
    if (!this.retryManager.isTransientError(error)) {
      return { action: 'fail', reason: 'non-retryable', message: `not retryable: ${label(error)}`, category: 'permanent' };
    }
    const category: ErrorCategory = isThrottlingError(error) ? 'throttled' : 'transient';
    const maxRetries = config.maxRetries ?? 3;
    if (attempt > maxRetries) {
      return { action: 'fail', reason: 'exhausted', message: `attempt ${attempt} was the last of ${maxRetries + 1}`, category };
    }
    let delay = this.retryManager.calculateDelay(attempt);
    const clock = config.clock ?? systemClock;
    const hint = retryAfterMs(error, () => clock.now());
    if (hint !== undefined) {
      const maxDelay = config.maxDelay ?? 30_000;
      if (hint > maxDelay) {
        return { action: 'fail', reason: 'retry-after', message: `the server asked to wait ${hint} ms, more than maxDelay (${maxDelay} ms)`, category };
      }
      if (hint > delay) delay = hint;
    }
    return { action: 'retry', delay, category };
  }

  /** Runs `fn(...args)` with retries through the owned `RetryManager`. */
  executeWithRetry<A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, context?: ExecutionContext, ...args: A): Promise<Awaited<R>> {
    return this.retryManager.executeWithRetry(fn, context, ...args);
  }

  /** Statistics from the manager's registry (the shared `defaultRegistry` unless configured). */
  getRetryStatistics(operationName?: string): RetryStatistics {
    return this.retryManager.getRetryStatistics(operationName);
  }

  /** History from the manager's registry. */
  getRetryHistory(operationName?: string): RetryHistory {
    return this.retryManager.getRetryHistory(operationName);
  }
}

function label(error: unknown): string {
  const name = safeGet(error, 'name');
  const message = safeGet(error, 'message');
  if (typeof message === 'string') return `${typeof name === 'string' ? name : 'Error'}: ${message.slice(0, 200)}`;
  return typeof error === 'string' ? `a thrown string ${JSON.stringify(error.slice(0, 100))}` : `a thrown ${error === null ? 'null' : typeof error}`;
}
