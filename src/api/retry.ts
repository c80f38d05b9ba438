import { runCall, type AnyFunction } from '../engine/run-call.js';
import { normalizeOptions, type RetryOptions } from '../engine/options.js';
import type { AttemptContext } from '../engine/types.js';

/**
 * Calls `fn` until it succeeds, retrying transient failures with exponential backoff. `fn`
 * receives an {@link AttemptContext}: the attempt number, the retries left, and a signal to
 * pass on (aborted by `signal`, `timeout` or `attemptTimeout`). Resolves with the first
 * success; rejects with the last error unchanged (or a `RetryExhaustedError` with
 * `wrapError`). Invalid options reject with a `TypeError` or `RangeError`.
 *
 * @example
 * const user = await retry(({ signal }) => fetch(`/users/${id}`, { signal }).then(ok), {
 *   maxRetries: 4, jitter: 'full', attemptTimeout: 2_000,
 * });
 */
export function retry<T>(fn: (ctx: AttemptContext) => T | PromiseLike<T>, options?: RetryOptions<Awaited<T>>): Promise<Awaited<T>> {
  try {
    if (typeof fn !== 'function') throw new TypeError(`maestro-retry: retry() needs a function to call, got ${fn === null ? 'null' : typeof fn}`);
    const policy = normalizeOptions(options);
    const name = policy.operationName ?? (fn.name || 'anonymous');
    return runCall(policy, { name, recorder: undefined }, fn as AnyFunction, undefined, undefined);
  } catch (error) {
    return Promise.reject(error);
  }
}
