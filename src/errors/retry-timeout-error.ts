import { brand, isBranded } from './brand.js';

/**
 * What a call rejects with when its `timeout` runs out: an attempt still running at the
 * deadline is aborted, and a delay that would end past it is not waited. `cause` is the last
 * attempt's error, when there was one. Give-up reason `'timeout'`.
 *
 * @example
 * await retry(fn, { timeout: 5_000 }).catch((e) => { if (isRetryTimeoutError(e)) ... });
 */
export class RetryTimeoutError extends Error {
  /** Always `'RetryTimeoutError'`, in logs and in the registry's `errorCounts`. */
  override readonly name = 'RetryTimeoutError' as const;
  /** The operation of the call that timed out. */
  readonly operationName: string;
  /** The call's `timeout`, in ms. */
  readonly timeout: number;
  /** Time from the call's start to its end, in ms. */
  readonly elapsedMs: number;
  /** How many attempts had started. */
  readonly attemptCount: number;
  constructor(details: { operationName: string; timeout: number; elapsedMs: number; attemptCount: number; cause?: unknown }) {
    const attempts = `${details.attemptCount} attempt${details.attemptCount === 1 ? '' : 's'}`;
    super(details.elapsedMs < details.timeout
      // the next delay would have ended past the deadline
      ? `${details.operationName} gave up at ${Math.round(details.elapsedMs)} ms, before its ${details.timeout} ms timeout`
      : `${details.operationName} timed out after ${details.timeout} ms (${attempts})`,
      'cause' in details && details.cause !== undefined ? { cause: details.cause } : undefined);
    this.operationName = details.operationName;
    this.timeout = details.timeout;
    this.elapsedMs = details.elapsedMs;
    this.attemptCount = details.attemptCount;
    brand(this, 'RetryTimeoutError');
  }
}

/** Whether `value` is a {@link RetryTimeoutError}. */
export function isRetryTimeoutError(value: unknown): value is RetryTimeoutError {
  return isBranded(value, RetryTimeoutError, 'RetryTimeoutError');
}
