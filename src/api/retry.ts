import { runCall } from '../engine/run-call.js';
import type { RetryOptions } from '../engine/options.js';
import { normalizeOptions } from '../engine/settings.js';
import type { AttemptContext } from '../engine/types.js';

/**
 * Calls `fn` until it succeeds, retrying transient failures with exponential backoff. `fn`
 * receives an {@link AttemptContext}: the attempt number, the retries left, and a signal to
 * pass on (aborted by `signal`, `timeout` or `attemptTimeout`). Resolves with the first
 * success; rejects with the last error unchanged (or a `RetryExhaustedError` with
 * `wrapError`). Invalid options reject with a `TypeError` or `RangeError`.
 *
 * Calls are recorded under `operationName`, else `fn.name`; an inline arrow function has no
 * name, so give inline calls an `operationName`, or they all count as `'anonymous'`.
 *
 * @example
 * const user = await retry(({ signal }) => fetch(`/users/${id}`, { signal }).then(ok), {
 *   operationName: 'users.get', maxRetries: 4, jitter: 'full', attemptTimeout: 2_000,
 * });
 */
export function retry<T>(fn: (ctx: AttemptContext) => T | PromiseLike<T>, options?: RetryOptions<Awaited<T>>): Promise<Awaited<T>> {
  try {
    if (typeof fn !== 'function') throw new TypeError(`maestro-retry: retry() needs a function to call, got ${fn === null ? 'null' : typeof fn}`);
    const settings = normalizeOptions(options);
    return runCall(settings, settings.operationName ?? (fn.name || 'anonymous'), fn);
  } catch (error) {
    return Promise.reject(error);
  }
}
