import { brand, isBranded } from './brand.js';

/**
 * Throw a `PermanentError` to say "retrying cannot help": never treated as transient, even
 * when its message or cause looks transient. Only `retryIf` or `retryOn` can still retry it.
 *
 * @example
 * if (res.status === 404) throw new PermanentError(`no such user ${id}`);
 */
export class PermanentError extends Error {
  /** Always `'PermanentError'`, in logs and in the registry's `errorCounts`. */
  override readonly name = 'PermanentError' as const;
  constructor(message = 'Permanent failure', options?: { cause?: unknown }) {
    super(message, options);
    brand(this, 'PermanentError');
  }
}

/** Whether `value` is a {@link PermanentError} (also one made by another copy of this library). */
export function isPermanentError(value: unknown): value is PermanentError {
  return isBranded(value, PermanentError, 'PermanentError');
}
