import type { GiveUpReason, RetryAttempt } from '../engine/types.js';
import { brand, isBranded } from './brand.js';
import { attemptsText, causeOf, nameAfterClass, readErrorArgs, sentence, type ErrorDetails } from './construct.js';

/** The fields of a {@link RetryExhaustedError}. */
export interface RetryExhaustedDetails {
  /** The operation of the call that gave up. */
  readonly operationName: string;
  /** Why the call gave up. */
  readonly reason: GiveUpReason;
  /** One entry per attempt that failed with an error, in order. */
  readonly errors: readonly unknown[];
  /** Every attempt of the call, as the registry records them. */
  readonly attempts: readonly RetryAttempt[];
  /** Time from the call's start to its end, in ms. */
  readonly elapsedMs: number;
  /** The last error (also `cause`). */
  readonly cause?: unknown;
  /** With `retryOnResult`: the last value, which the predicate judged a failure. */
  readonly lastResult?: unknown;
}

/** What a user may build a {@link RetryExhaustedError} with: any of its fields, and a message. */
export type RetryExhaustedInit = Partial<RetryExhaustedDetails> & ErrorDetails;

/**
 * What a failed call rejects with when `wrapError: true`: the last error as `cause`, plus
 * every attempt. Without `wrapError`, the last error is rethrown unchanged instead. Build it
 * with full details (as the library does), a message, nothing, some of the details, or a
 * message and details: `reason` defaults to `'exhausted'`, `errors` and `attempts` to empty,
 * and `operationName` and `elapsedMs` stay `undefined` when not given.
 *
 * @example
 * try { await retry(fn, { wrapError: true }); }
 * catch (e) { if (isRetryExhaustedError(e)) console.log(e.reason, e.errors.length); }
 */
export class RetryExhaustedError extends Error {
  /** The operation's name; `undefined` when the error was built without it. */
  readonly operationName: string | undefined;
  /** Why the call gave up: `'exhausted'` (the default when built by hand), `'non-retryable'`, `'budget'`... */
  readonly reason: GiveUpReason;
  /** One entry per attempt that failed with an error, in order; the last is `cause`. Empty when built without them. */
  readonly errors: readonly unknown[];
  /** Every attempt of the call, as the registry records them. Empty when built without them. */
  readonly attempts: readonly RetryAttempt[];
  /** Time from the call's start to its end, in ms; `undefined` when built without it. */
  readonly elapsedMs: number | undefined;
  /** The last attempt's result, present (as an own property) only when the call ended on a result `retryOnResult` rejected. */
  declare readonly lastResult?: unknown;
  constructor(details: RetryExhaustedInit, message?: string);
  constructor(message?: string, details?: RetryExhaustedInit);
  constructor(first?: string | RetryExhaustedInit, second?: string | RetryExhaustedInit) {
    const { message, details } = readErrorArgs<RetryExhaustedDetails>(first, second);
    const reason = details.reason ?? 'exhausted';
    super(message ?? defaultMessage(details, `gave up (${reason})`), causeOf(details));
    this.operationName = details.operationName;
    this.reason = reason;
    this.errors = details.errors ?? [];
    this.attempts = details.attempts ?? [];
    this.elapsedMs = details.elapsedMs;
    if ('lastResult' in details) this.lastResult = details.lastResult;
    nameAfterClass(this, new.target, RetryExhaustedError, 'RetryExhaustedError');
    brand(this, 'RetryExhaustedError');
  }
}

/**
 * "op gave up (exhausted) after 2 attempts" from what is known: the operation's name and the
 * attempt count are left out when not given.
 * @internal
 */
export function defaultMessage(details: Partial<RetryExhaustedDetails>, what: string, joiner?: string): string {
  const attempts = details.attempts === undefined ? '' : ` after ${attemptsText(details.attempts.length)}`;
  return sentence(details.operationName, what, joiner) + attempts;
}

/** Whether `value` is a {@link RetryExhaustedError} (including a {@link RetryBudgetExhaustedError}). */
export function isRetryExhaustedError(value: unknown): value is RetryExhaustedError {
  return isBranded(value, RetryExhaustedError, 'RetryExhaustedError');
}
