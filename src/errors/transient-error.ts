import { brand, isBranded } from './brand.js';
import { causeOf, nameAfterClass, readErrorArgs, type ErrorDetails } from './construct.js';

/**
 * Throw (or wrap a cause in) a `TransientError` to say "this failure is temporary: retry it",
 * whatever its message. Always retried unless `abortOn` or `retryIf` say otherwise. Build it
 * with a message, nothing, a details object (`{ message?, cause? }`) or a message and details.
 * A subclass is transient too and reports its own `name`.
 *
 * @example
 * if (res.status === 409) throw new TransientError('version conflict', { cause: res });
 * class DbTimeoutError extends TransientError {} // name 'DbTimeoutError'
 */
export class TransientError extends Error {
  constructor(message?: string | ErrorDetails, details?: ErrorDetails) {
    const args = readErrorArgs<ErrorDetails>(message, details);
    super(args.message ?? 'Transient failure', causeOf(args.details));
    nameAfterClass(this, new.target, TransientError, 'TransientError');
    brand(this, 'TransientError');
  }
}

/** Whether `value` is a {@link TransientError} (also one made by another copy of this library). */
export function isTransientErrorInstance(value: unknown): value is TransientError {
  return isBranded(value, TransientError, 'TransientError');
}
