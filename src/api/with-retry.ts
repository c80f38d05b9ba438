import type { RetryOptions } from '../engine/options.js';
import { normalizeOptions } from '../engine/settings.js';
import { wrapFunction, type AnyFunction } from './wrap.js';

/**
 * Wraps `fn` so every call of the wrapper retries it. The wrapper has `fn`'s parameters, `this`,
 * `name` and `length`, and returns a promise of its awaited result. Options are validated here, once
 * (a `TypeError` or `RangeError` names the bad option). The operation name defaults to
 * `fn.name` (`'anonymous'` when empty).
 *
 * @example
 * const getUser = withRetry(async (id: string) => api.get(`/users/${id}`), { maxRetries: 5 });
 * const user = await getUser('42'); // (id: string) => Promise<User>
 */
export function withRetry<This, A extends unknown[], R>(
  fn: (this: This, ...args: A) => R,
  options?: RetryOptions<Awaited<R>>,
): (this: This, ...args: A) => Promise<Awaited<R>> {
  if (typeof fn !== 'function') {
    throw new TypeError(`maestro-retry: withRetry() needs a function to wrap, got ${fn === null ? 'null' : typeof fn}`);
  }
  const settings = normalizeOptions(options);
  const slot = { name: settings.operationName ?? (fn.name || 'anonymous') };
  const wrapped = wrapFunction(settings as never, { slot }, () => slot, fn as AnyFunction);
  return wrapped as unknown as (this: This, ...args: A) => Promise<Awaited<R>>;
}
