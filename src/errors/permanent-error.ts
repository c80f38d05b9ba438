import { brand, isBranded } from './brand.js';
import { causeOf, nameAfterClass, readErrorArgs, type ErrorDetails } from './construct.js';

/**
 * Throw a `PermanentError` to say "retrying cannot help": never treated as transient, even
 * when its message or cause looks transient. Only `retryIf` or `retryOn` can still retry it.
 * Build it with a message, nothing, a details object (`{ message?, cause? }`) or a message
 * and details. A subclass is permanent too and reports its own `name`.
 *
 * @example
 * if (res.status === 404) throw new PermanentError(`no such user ${id}`);
 */
export class PermanentError extends Error {
  constructor(message?: string | ErrorDetails, details?: ErrorDetails) {
    const args = readErrorArgs<ErrorDetails>(message, details);
    super(args.message ?? 'Permanent failure', causeOf(args.details));
    nameAfterClass(this, new.target, PermanentError, 'PermanentError');
    brand(this, 'PermanentError');
  }
}

/** Whether `value` is a {@link PermanentError} (also one made by another copy of this library). */
export function isPermanentError(value: unknown): value is PermanentError {
  return isBranded(value, PermanentError, 'PermanentError');
}
