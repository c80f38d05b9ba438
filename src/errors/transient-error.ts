import { brand, isBranded } from './brand.js';

/**
 * Throw (or wrap a cause in) a `TransientError` to say "this failure is temporary: retry it",
 * whatever its message. Always retried unless `abortOn` or `retryIf` say otherwise.
 *
 * @example
 * if (res.status === 409) throw new TransientError('version conflict', { cause: res });
 */
export class TransientError extends Error {
  /** Always `'TransientError'`, in logs and in the registry's `errorCounts`. */
  override readonly name = 'TransientError' as const;
  constructor(message = 'Transient failure', options?: { cause?: unknown }) {
    super(message, options);
    brand(this, 'TransientError');
  }
}

/** Whether `value` is a {@link TransientError} (also one made by another copy of this library). */
export function isTransientErrorInstance(value: unknown): value is TransientError {
  return isBranded(value, TransientError, 'TransientError');
}
