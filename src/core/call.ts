/**
 * The state of one call on the loop's full path, and the per-wrapper operation slot.
 */
import type { CircuitOpenError } from '../errors/circuit-open-error.js';
import type { Policy } from './options.js';
import type { OperationRecorder } from './seams.js';
import type { RetryAttempt } from './types.js';

/** Per-wrapper cache of the registry's handle on its operation. */
export interface OperationSlot {
  readonly name: string;
  recorder: OperationRecorder | undefined;
}

/** Any function the loop calls: `fn(ctx)` for `retry()`, `fn.apply(this, args)` for the wrappers. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => unknown;

/** The state of one call on the full path. */
export class Call<T> {
  recorder: OperationRecorder | undefined = undefined;
  start = 0;
  lastEnd = 0;
  /** Attempts started so far; also the number of the current one. */
  attempt = 0;
  /** The delay waited before the current attempt. */
  delay = 0;
  totalDelay = 0;
  previousDelay: number | undefined = undefined;
  // The outcome of the last attempt.
  failed = false;
  hasError = false;
  /** The last attempt that ended fulfilled (a success, or a result `retryOnResult` rejected). */
  hasResult = false;
  error: unknown = undefined;
  value: T | undefined = undefined;
  /** A predicate (`retryIf`, `retryOnResult`) threw: its error ends the call. */
  predicateThrew = false;
  refusal: CircuitOpenError | undefined = undefined;
  breakerPending = false;
  retryAfterTimeout = false;
  // Cancellation: the call's scope aborts on the caller's signal or at the deadline.
  scope: AbortController | undefined = undefined;
  stop: 'aborted' | 'timeout' | undefined = undefined;
  stopError: unknown = undefined;
  onCallerAbort: (() => void) | undefined = undefined;
  ended = false;
  // Kept for a RetryExhaustedError, only when one may be built.
  readonly errors: unknown[] | undefined;
  readonly log: RetryAttempt[] | undefined;

  constructor(
    readonly p: Policy<T>,
    readonly slot: OperationSlot,
    readonly fn: AnyFunction,
    readonly thisArg: unknown,
    readonly args: readonly unknown[] | undefined,
  ) {
    const collect = p.wrapError || p.retryOnResult !== undefined;
    this.errors = collect ? [] : undefined;
    this.log = collect ? [] : undefined;
  }
}
