/**
 * A call's cancellation: the caller's `signal` and the call's `timeout`, as one `AbortSignal`
 * that every wait of the call races against. Made only for calls that have either. When the
 * scope halts, whatever the call is waiting on (an attempt, a delay, a hook, a predicate, a
 * strategy) is abandoned at once and the call settles; what it was waiting on is left to
 * finish on its own, its outcome still reported.
 */
import { RetryTimeoutError } from '../errors/retry-timeout-error.js';
import type { Clock } from './clock.js';
import { raceAbort } from './race-abort.js';
import { onAbort } from './signal-fanout.js';

const noop = (): void => undefined;

/** Why a scope halted. */
export type StopReason = 'aborted' | 'timeout';

/** The cancellation of one call. */
export class Scope {
  readonly #controller = new AbortController();
  readonly #timer: AbortController | undefined;
  readonly #unlisten: (() => void) | undefined;
  /** Set when the scope has halted. */
  stop: StopReason | undefined = undefined;
  /** What the call rejects with once halted: the signal's reason, or a `RetryTimeoutError`. */
  stopError: unknown = undefined;

  /**
   * `timeoutError` builds the error at the deadline (it reads the call's state then).
   * The caller's `signal` must not be aborted yet.
   */
  constructor(signal: AbortSignal | undefined, timeout: number | undefined, clock: Clock, timeoutError: () => RetryTimeoutError) {
    if (signal !== undefined) this.#unlisten = onAbort(signal, () => this.halt('aborted', signal.reason));
    if (timeout !== undefined) {
      const timer = (this.#timer = new AbortController());
      clock.sleep(timeout, timer.signal).then(() => this.halt('timeout', timeoutError()), noop);
    }
  }

  /** Aborted when the call must stop. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Stops the call (the first reason wins). */
  halt(stop: StopReason, error: unknown): void {
    if (this.stop !== undefined) return;
    this.stop = stop;
    this.stopError = error;
    this.#controller.abort(error);
  }

  /** `value`, unless the scope halts first (then rejects with the halt's error). */
  bound<V>(value: PromiseLike<V>): Promise<V> {
    return raceAbort(value, this.#controller.signal);
  }

  /** Releases the deadline's timer and the caller-signal registration. */
  close(): void {
    this.#timer?.abort();
    this.#unlisten?.();
  }
}
