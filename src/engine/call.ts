/**
 * The state of one call on the loop's full path, and the per-wrapper operation slot.
 *
 * A call that waits in its delay holds its `Call` the whole time, so its size is paid once per
 * waiting call (100,000 calls retrying at once hold 100,000 of them). The layout keeps it
 * small: the seven yes/no facts share one number (`#flags`), what only cancellation, a breaker
 * or `wrapError` need lives in side objects made only for calls that use them, and the
 * previous delay is derived rather than stored. The accessors keep the loop's code as if each
 * were a field of its own.
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

const FAILED = 1;
const HAS_ERROR = 2;
const HAS_RESULT = 4;
const PREDICATE_THREW = 8;
const BREAKER_PENDING = 16;
const RETRY_AFTER_TIMEOUT = 32;
const ENDED = 64;

/** What only a call with a signal, a deadline or a circuit breaker needs. */
interface Guarded {
  refusal: CircuitOpenError | undefined;
  scope: AbortController | undefined;
  stop: 'aborted' | 'timeout' | undefined;
  stopError: unknown;
  onCallerAbort: (() => void) | undefined;
}

/** What is kept for a RetryExhaustedError, only when one may be built. */
interface Kept {
  readonly errors: unknown[];
  readonly log: RetryAttempt[];
}

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
  /** The last attempt's error, when it failed with one. */
  error: unknown = undefined;
  /** The last attempt's value, when it fulfilled. */
  value: T | undefined = undefined;
  /** The lean loop's way to settle the caller's promise (`lean-loop.ts`); unused on the full path. */
  resolve: ((value: T) => void) | undefined = undefined;
  reject: ((error: unknown) => void) | undefined = undefined;
  #flags = 0;
  #guarded: Guarded | undefined = undefined;
  readonly #kept: Kept | undefined;

  constructor(
    readonly p: Policy<T>,
    readonly slot: OperationSlot,
    readonly fn: AnyFunction,
    readonly thisArg: unknown,
    readonly args: readonly unknown[] | undefined,
  ) {
    this.#kept = p.wrapError || p.retryOnResult !== undefined ? { errors: [], log: [] } : undefined;
  }

  #flag(bit: number): boolean {
    return (this.#flags & bit) !== 0;
  }

  #set(bit: number, on: boolean): void {
    this.#flags = on ? this.#flags | bit : this.#flags & ~bit;
  }

  #guard(): Guarded {
    return (this.#guarded ??= { refusal: undefined, scope: undefined, stop: undefined, stopError: undefined, onCallerAbort: undefined });
  }

  /** The delay waited before the current attempt, for decorrelated jitter; none before the first. */
  get previousDelay(): number | undefined {
    return this.attempt > 1 ? this.delay : undefined;
  }

  // The outcome of the last attempt.
  get failed(): boolean { return this.#flag(FAILED); }
  set failed(on: boolean) { this.#set(FAILED, on); }
  get hasError(): boolean { return this.#flag(HAS_ERROR); }
  set hasError(on: boolean) { this.#set(HAS_ERROR, on); }
  /** The last attempt that ended fulfilled (a success, or a result `retryOnResult` rejected). */
  get hasResult(): boolean { return this.#flag(HAS_RESULT); }
  set hasResult(on: boolean) { this.#set(HAS_RESULT, on); }
  /** A predicate (`retryIf`, `retryOnResult`) threw: its error ends the call. */
  get predicateThrew(): boolean { return this.#flag(PREDICATE_THREW); }
  set predicateThrew(on: boolean) { this.#set(PREDICATE_THREW, on); }
  /** The attempt holds a slot of the circuit breaker not yet given back. */
  get breakerPending(): boolean { return this.#flag(BREAKER_PENDING); }
  set breakerPending(on: boolean) { this.#set(BREAKER_PENDING, on); }
  /** The retry the budget allowed came after a timeout. */
  get retryAfterTimeout(): boolean { return this.#flag(RETRY_AFTER_TIMEOUT); }
  set retryAfterTimeout(on: boolean) { this.#set(RETRY_AFTER_TIMEOUT, on); }
  /** The call has reported its end to the registry. */
  get ended(): boolean { return this.#flag(ENDED); }
  set ended(on: boolean) { this.#set(ENDED, on); }

  /** The breaker refused the attempt. */
  get refusal(): CircuitOpenError | undefined { return this.#guarded?.refusal; }
  set refusal(error: CircuitOpenError | undefined) { this.#guard().refusal = error; }
  // Cancellation: the call's scope aborts on the caller's signal or at the deadline.
  get scope(): AbortController | undefined { return this.#guarded?.scope; }
  set scope(scope: AbortController | undefined) { this.#guard().scope = scope; }
  get stop(): 'aborted' | 'timeout' | undefined { return this.#guarded?.stop; }
  set stop(stop: 'aborted' | 'timeout' | undefined) { this.#guard().stop = stop; }
  get stopError(): unknown { return this.#guarded?.stopError; }
  set stopError(error: unknown) { this.#guard().stopError = error; }
  get onCallerAbort(): (() => void) | undefined { return this.#guarded?.onCallerAbort; }
  set onCallerAbort(listener: (() => void) | undefined) { this.#guard().onCallerAbort = listener; }

  /** Every attempt's error, kept for a RetryExhaustedError only when one may be built. */
  get errors(): unknown[] | undefined { return this.#kept?.errors; }
  /** Every attempt, kept likewise. */
  get log(): RetryAttempt[] | undefined { return this.#kept?.log; }
}
