import { brand, isBranded } from './brand.js';
import { causeOf, nameAfterClass, readErrorArgs, type ErrorDetails } from './construct.js';

/** The fields an {@link AttemptTimeoutError} can be built with. */
export interface AttemptTimeoutDetails extends ErrorDetails {
  /** The `attemptTimeout` that expired, in ms. */
  readonly timeout?: number;
  /** The number of the attempt that timed out (1-based). */
  readonly attempt?: number;
}

/**
 * The error an attempt fails with when it runs past `attemptTimeout`. Transient, so retried.
 * The attempt's `ctx.signal` is aborted with this error as its reason. The library builds it
 * as `(timeout, attempt)`; users may also give a message, nothing, a details object or a
 * message and details (the fields not given are `undefined`).
 *
 * @example
 * await retry(({ signal }) => fetch(url, { signal }), { attemptTimeout: 2_000 });
 */
export class AttemptTimeoutError extends Error {
  /** The `attemptTimeout` that expired, in ms; `undefined` when the error was built without it. */
  readonly timeout: number | undefined;
  /** The number of the attempt that timed out (1-based); `undefined` when built without it. */
  readonly attempt: number | undefined;
  constructor(timeout: number, attempt?: number);
  constructor(message?: string | AttemptTimeoutDetails, details?: AttemptTimeoutDetails);
  constructor(first?: number | string | AttemptTimeoutDetails, second?: number | AttemptTimeoutDetails) {
    const args = typeof first === 'number'
      ? { message: undefined, details: { timeout: first, attempt: typeof second === 'number' ? second : undefined } as AttemptTimeoutDetails }
      : readErrorArgs<AttemptTimeoutDetails>(first, second);
    const { timeout, attempt } = args.details;
    super(args.message ?? `Attempt${attempt === undefined ? '' : ` ${attempt}`} timed out${timeout === undefined ? '' : ` after ${timeout} ms`}`,
      causeOf(args.details));
    this.timeout = timeout;
    this.attempt = attempt;
    nameAfterClass(this, new.target, AttemptTimeoutError, 'AttemptTimeoutError');
    brand(this, 'AttemptTimeoutError');
  }
}

/** Whether `value` is an {@link AttemptTimeoutError}. */
export function isAttemptTimeoutError(value: unknown): value is AttemptTimeoutError {
  return isBranded(value, AttemptTimeoutError, 'AttemptTimeoutError');
}
