import { brand, isBranded } from './brand.js';
import { attemptsText, nameAfterClass, readErrorArgs, sentence, type ErrorDetails } from './construct.js';

/** The fields a {@link RetryTimeoutError} is built with. */
export interface RetryTimeoutDetails extends ErrorDetails {
  readonly operationName?: string;
  /** The call's `timeout`, in ms. */
  readonly timeout?: number;
  /** Time from the call's start to its end, in ms. */
  readonly elapsedMs?: number;
  /** How many attempts had started. */
  readonly attemptCount?: number;
}

/**
 * What a call rejects with when its `timeout` runs out: an attempt still running at the
 * deadline is aborted, and a delay that would end past it is not waited. `cause` is the last
 * attempt's error, when there was one. Give-up reason `'timeout'`. Build it with a message,
 * nothing, a details object or a message and details; fields not given are `undefined`.
 *
 * @example
 * await retry(fn, { timeout: 5_000 }).catch((e) => { if (isRetryTimeoutError(e)) ... });
 */
export class RetryTimeoutError extends Error {
  /** The operation's name; `undefined` when the error was built without it. */
  readonly operationName: string | undefined;
  /** The call's `timeout`, in ms. */
  readonly timeout: number | undefined;
  /** Time from the call's start to its end, in ms. */
  readonly elapsedMs: number | undefined;
  /** How many attempts had started. */
  readonly attemptCount: number | undefined;
  constructor(message?: string | RetryTimeoutDetails, details?: RetryTimeoutDetails) {
    const args = readErrorArgs<RetryTimeoutDetails>(message, details);
    const d = args.details;
    // no attempt error yet: the loop passes `cause: undefined`, which means "none"
    super(args.message ?? defaultMessage(d), d.cause === undefined ? undefined : { cause: d.cause });
    this.operationName = d.operationName;
    this.timeout = d.timeout;
    this.elapsedMs = d.elapsedMs;
    this.attemptCount = d.attemptCount;
    nameAfterClass(this, new.target, RetryTimeoutError, 'RetryTimeoutError');
    brand(this, 'RetryTimeoutError');
  }
}

function defaultMessage({ operationName, timeout, elapsedMs, attemptCount }: RetryTimeoutDetails): string {
  if (timeout !== undefined && elapsedMs !== undefined && elapsedMs < timeout) {
    // the next delay would have ended past the deadline
    return sentence(operationName, `gave up at ${Math.round(elapsedMs)} ms, before its ${timeout} ms timeout`);
  }
  const after = timeout === undefined ? '' : ` after ${timeout} ms`;
  const attempts = attemptCount === undefined ? '' : ` (${attemptsText(attemptCount)})`;
  return sentence(operationName, `timed out${after}${attempts}`);
}

/** Whether `value` is a {@link RetryTimeoutError}. */
export function isRetryTimeoutError(value: unknown): value is RetryTimeoutError {
  return isBranded(value, RetryTimeoutError, 'RetryTimeoutError');
}
