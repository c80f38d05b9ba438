import { isAbortError } from '../decision/classify.js';
import type { RetryOptions } from '../engine/options.js';
import { safeGet } from '../observers/safe.js';
import { checkContext } from './context-check.js';
import { judge } from './judge.js';
import type { RetryHistory, RetryStatistics } from '../registry/types.js';
import { managerSettings, RetryManager, type ExecutionContext } from './retry-manager.js';

/** How `handleError` sees a failure. */
export type ErrorCategory = 'transient' | 'throttled' | 'permanent' | 'cancelled';

/**
 * What to do about a failed attempt: retry after `delay` ms, or fail. `reason` is a
 * `GiveUpReason`-style word (`'non-retryable'`, `'exhausted'`, `'retry-after'`, `'aborted'`)
 * and `message` says it for a person.
 */
export type RecoveryDecision =
  | {
    /** Retry the operation. */
    readonly action: 'retry';
    /** The delay before the next attempt, in ms. */
    readonly delay: number;
    /** How the failure was classified. */
    readonly category: ErrorCategory;
  }
  | {
    /** Do not retry: the failure is final. */
    readonly action: 'fail';
    /** Why not, as a word (`'non-retryable'`, `'exhausted'`, `'retry-after'`, `'timeout'`, `'aborted'`). */
    readonly reason: string;
    /** The reason, said for a person. */
    readonly message: string;
    /** How the failure was classified. */
    readonly category: ErrorCategory;
  };

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
  /** The `RetryManager` built from the handler's config, which runs its calls and reads its statistics. */
  readonly retryManager: RetryManager;

  constructor(config: RetryOptions = {}) {
    this.retryManager = new RetryManager(config);
  }

  /**
   * Decides what to do after attempt `context.attempt` (default 1) failed with `error`, by the
   * same decision the calls make (abortOn, retryIf, retryOn, classify, isTransientError;
   * attempts left; a server's Retry-After against `maxDelay` and, given `context.elapsedMs`,
   * the `timeout`). A retry's delay is the one before the next attempt, `calculateDelay(attempt)`
   * raised to a Retry-After. `'throttled'` marks a retryable throttling error; an `AbortError`
   * that is not retried is `'cancelled'` (reason `'aborted'`).
   */
  handleError(error: unknown, context: { readonly operationName?: string; readonly attempt?: number; readonly elapsedMs?: number } = {}): RecoveryDecision {
    checkContext('handleError', context);
    const attempt = context.attempt ?? 1;
    if (typeof attempt !== 'number' || !Number.isSafeInteger(attempt) || attempt < 1) {
      throw new RangeError(`maestro-retry: handleError context \`attempt\` must be a positive integer, got ${String(attempt)}`);
    }
    const elapsedMs = context.elapsedMs ?? 0;
    if (typeof elapsedMs !== 'number' || !(elapsedMs >= 0)) {
      throw new RangeError(`maestro-retry: handleError context \`elapsedMs\` must be a non-negative number, got ${String(elapsedMs)}`);
    }
    const s = managerSettings(this.retryManager);
    const decision = judge(s, error, context.operationName ?? s.operationName ?? 'anonymous', attempt, elapsedMs);
    if (decision.retry) return { action: 'retry', delay: decision.delay, category: decision.verdict === 'throttling' ? 'throttled' : 'transient' };
    if (decision.verdict === 'permanent') {
      return isAbortError(error)
        ? { action: 'fail', reason: 'aborted', message: 'the operation was cancelled', category: 'cancelled' }
        : { action: 'fail', reason: 'non-retryable', message: `not retryable: ${label(error)}`, category: 'permanent' };
    }
    const category: ErrorCategory = decision.verdict === 'throttling' ? 'throttled' : 'transient';
    const messages: Partial<Record<string, string>> = {
      exhausted: `attempt ${attempt} was the last of ${s.maxRetries + 1}`,
      'retry-after': `the server asked to wait ${String(decision.retryAfterMs)} ms, more than maxDelay (${s.backoff.maxDelay} ms) or the time left`,
      timeout: `the next delay would pass the ${String(s.timeout)} ms timeout`,
    };
    return { action: 'fail', reason: decision.reason, message: messages[decision.reason] ?? decision.reason, category };
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
