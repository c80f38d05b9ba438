/**
 * The state of one call, as the loop (`run-call.ts`) and the attempt step (`attempt.ts`) share
 * it. One object per call, holding nothing a call does not use.
 */
import { allQuiet, type Quiet } from '../observers/notify.js';
import type { RetryAttempt } from './types.js';
import type { Scope } from './scope.js';
import type { CallSettings } from './settings.js';
import type { AttemptContext } from './types.js';

/** How the entry point calls the user's function for one attempt: `fn(ctx)` or `fn.apply(this, args)`. */
export type Invoke = (ctx: AttemptContext) => unknown;

/** The last attempt's end, as the call's outcome needs it. */
export type LastOutcome =
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'result'; readonly result: unknown };

/** The state of one call. */
export class Call<T> {
  /** Attempts started so far; also the number of the current one. */
  attempt = 0;
  /** The delay waited before the current attempt. */
  delay = 0;
  totalDelay = 0;
  /** The clock's time at the start (0 when the call reads no clock). */
  start = 0;
  /** How the last failed attempt ended. */
  last: LastOutcome | undefined = undefined;
  /** The last retry the budget granted followed a timeout. */
  lastRetryAfterTimeout = false;
  /** The observers of the settings that sat this call out at its start. */
  quiet: Quiet = 0;
  /** Cancellation, for a call with a signal or a timeout. */
  scope: Scope | undefined = undefined;
  /** Every failed attempt's error and every attempt, kept only when a `RetryExhaustedError` may be built. */
  readonly errors: unknown[] | undefined;
  readonly log: RetryAttempt[] | undefined;

  constructor(readonly s: CallSettings<T>, readonly name: string, readonly invoke: Invoke) {
    const keep = s.wrapError || s.retryOnResult !== undefined;
    this.errors = keep ? [] : undefined;
    this.log = keep ? [] : undefined;
  }

  /** Some observer hears this call's events (so they are built). */
  get heard(): boolean {
    return !allQuiet(this.s.observers, this.quiet);
  }

  /** The clock's time, or 0 when the call reads no clock. */
  now(): number {
    return this.s.timed ? this.s.clock.now() : 0;
  }

  /** Milliseconds since the call started. */
  elapsed(): number {
    return this.s.timed ? this.s.clock.now() - this.start : 0;
  }

  /** `value` itself, or raced against the call's cancellation when it has one. */
  wait<V>(value: PromiseLike<V>): PromiseLike<V> {
    return this.scope === undefined ? value : this.scope.bound(value);
  }
}
