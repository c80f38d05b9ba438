import { brand, isBranded } from './brand.js';

/**
 * The error an attempt fails fast with while its `CircuitBreaker` is open (or half-open with
 * every trial slot taken). The call then ends with give-up reason `'circuit-open'`.
 *
 * @example
 * try { await getUser(1); } catch (e) { if (isCircuitOpenError(e)) return cached; throw e; }
 */
export class CircuitOpenError extends Error {
  /** Always `'CircuitOpenError'`, in logs and in the registry's `errorCounts`. */
  override readonly name = 'CircuitOpenError' as const;
  /** Milliseconds until the breaker lets a trial call through, when known. */
  readonly retryAfterMs: number | undefined;
  constructor(message = 'Circuit breaker is open', options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = options?.retryAfterMs;
    brand(this, 'CircuitOpenError');
  }
}

/** Whether `value` is a {@link CircuitOpenError}. */
export function isCircuitOpenError(value: unknown): value is CircuitOpenError {
  return isBranded(value, CircuitOpenError, 'CircuitOpenError');
}
