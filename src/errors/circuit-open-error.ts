import { brand, isBranded } from './brand.js';
import { nameAfterClass, readErrorArgs, type ErrorDetails } from './construct.js';

/** The fields a {@link CircuitOpenError} can be built with. */
export interface CircuitOpenDetails extends ErrorDetails {
  /** Milliseconds until the breaker lets a trial call through, when known. */
  readonly retryAfterMs?: number;
}

/**
 * The error an attempt fails fast with while its `CircuitBreaker` is open (or half-open with
 * every trial slot taken). The call then ends with give-up reason `'circuit-open'`. Build it
 * with a message, nothing, a details object or a message and details.
 *
 * @example
 * try { await getUser(1); } catch (e) { if (isCircuitOpenError(e)) return cached; throw e; }
 */
export class CircuitOpenError extends Error {
  /** Milliseconds until the breaker lets a trial call through, when known. */
  readonly retryAfterMs: number | undefined;
  constructor(message?: string | CircuitOpenDetails, details?: CircuitOpenDetails) {
    const args = readErrorArgs<CircuitOpenDetails>(message, details);
    super(args.message ?? 'Circuit breaker is open', args.details.cause === undefined ? undefined : { cause: args.details.cause });
    this.retryAfterMs = args.details.retryAfterMs;
    nameAfterClass(this, new.target, CircuitOpenError, 'CircuitOpenError');
    brand(this, 'CircuitOpenError');
  }
}

/** Whether `value` is a {@link CircuitOpenError}. */
export function isCircuitOpenError(value: unknown): value is CircuitOpenError {
  return isBranded(value, CircuitOpenError, 'CircuitOpenError');
}
