import { brand, isBranded } from './brand.js';

/**
 * The error an attempt fails with when it runs past `attemptTimeout`. Transient, so retried.
 * The attempt's `ctx.signal` is aborted with this error as its reason.
 *
 * @example
 * await retry(({ signal }) => fetch(url, { signal }), { attemptTimeout: 2_000 });
 */
export class AttemptTimeoutError extends Error {
  /** Always `'AttemptTimeoutError'`, in logs and in the registry's `errorCounts`. */
  override readonly name = 'AttemptTimeoutError' as const;
  /** The `attemptTimeout` that expired, in ms. */
  readonly timeout: number;
  /** The number of the attempt that timed out (1-based). */
  readonly attempt: number;
  constructor(timeout: number, attempt: number) {
    super(`Attempt ${attempt} timed out after ${timeout} ms`);
    this.timeout = timeout;
    this.attempt = attempt;
    brand(this, 'AttemptTimeoutError');
  }
}

/** Whether `value` is an {@link AttemptTimeoutError}. */
export function isAttemptTimeoutError(value: unknown): value is AttemptTimeoutError {
  return isBranded(value, AttemptTimeoutError, 'AttemptTimeoutError');
}
