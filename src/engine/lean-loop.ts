/**
 * The lean loop: the retries of a call whose first attempt ran lean (no signal, deadline,
 * attempt timeout or policy; `wrapper.ts`, `lean-call.ts`) and failed.
 *
 * It is a state machine on the call's `Call` object, not an `async` function, for memory: a
 * call waiting in its delay holds its `Call`, its arguments, one timer and the closure the timer
 * runs. There is no suspended frame, and no promise of the loop's own for the caller's promise
 * to adopt: {@link resumeLater} returns a thenable, so the caller's promise hands its own
 * resolving functions to it. Heap per call of 100,000 calls waiting in their delay, against a
 * hand-written `async` loop with a promised `setTimeout` (`bench/concurrent.mjs`): 1.58x as an
 * `async` function over the same `Call`, 1.39x as this state machine waiting on the clock's
 * promised sleep, 0.97x waiting on a bare timer (the built-in clock's case).
 *
 * Each attempt runs from a microtask of its own, in a closure that calls the user's function
 * directly: every frame under that function is one more for each error it creates to capture.
 * Every step catches what it throws and ends the call with it, as the `async` loop's `finally`
 * did: the call always settles and always leaves the registry's in-flight count.
 */
import { Context } from './attempt-context.js';
import { Call, type AnyFunction, type OperationSlot } from './call.js';
import { close, endAttempt, fulfilled, giveUp, succeed, tellRetry } from './call-end.js';
import { MAX_TIMER_DELAY, systemClock } from './clock.js';
import { classify, decide, decideAfterRetryIf } from '../decision/decide.js';
import type { Policy } from './options.js';
import type { OperationRecorder } from './seams.js';
import type { GiveUpReason } from './types.js';

/** A settled promise whose `then` schedules a microtask. */
const settledPromise = Promise.resolve();

/** Marks a thenable whose first attempt was recorded without trouble. */
const NONE = Symbol('none');

/**
 * The call, handed to the caller's promise as a thenable: its `then` receives the promise's
 * resolving functions (in a microtask of its own, so nothing of the call ends before the
 * wrapper has returned) and starts the loop.
 */
class Retries<T> {
  constructor(private readonly c: Call<T>, private readonly failure: unknown) {}

  then(resolve: (value: T) => void, reject: (error: unknown) => void): void {
    const c = this.c;
    c.resolve = resolve;
    c.reject = reject;
    if (this.failure !== NONE) end(c, false, this.failure);
    else step(c);
  }
}

/**
 * Carries a lean first attempt that failed (or whose result `retryOnResult` rejected) over to
 * the lean loop, for a `then` handler to return. `predicateThrew`: `error` is what
 * `retryOnResult` threw, which ends the call.
 */
export function resumeLater<T>(p: Policy<T>, slot: OperationSlot, fn: AnyFunction, thisArg: unknown, args: readonly unknown[] | undefined,
  recorder: OperationRecorder | undefined, t0: number, isError: boolean, error: unknown, value: T | undefined, predicateThrew = false): PromiseLike<T> {
  const c = new Call(p, slot, fn, thisArg, args);
  c.recorder = recorder;
  c.start = t0;
  c.attempt = 1;
  c.predicateThrew = predicateThrew;
  let failure: unknown = NONE;
  try {
    endAttempt(c, t0, isError, error, value);
  } catch (internal) {
    // The clock or the registry failed while recording the attempt: the call ends with that.
    failure = internal;
  }
  return new Retries(c, failure) as unknown as PromiseLike<T>;
}

/** {@link resumeLater}, as a promise: for a first attempt that threw before any promise existed. */
export function resume<T>(p: Policy<T>, slot: OperationSlot, fn: AnyFunction, thisArg: unknown, args: readonly unknown[] | undefined,
  recorder: OperationRecorder | undefined, t0: number, isError: boolean, error: unknown, value: T | undefined, predicateThrew = false): Promise<T> {
  return Promise.resolve(resumeLater(p, slot, fn, thisArg, args, recorder, t0, isError, error, value, predicateThrew));
}

/** Settles the caller's promise, once the call has released what it holds. */
function end<T>(c: Call<T>, ok: boolean, outcome: unknown): void {
  try {
    close(c, ok ? undefined : outcome);
  } catch (error) {
    ok = false;
    outcome = error;
  }
  if (ok) c.resolve!(outcome as T);
  else c.reject!(outcome);
}

/** After an attempt ended: the call succeeds, or the decision is made on the attempt that failed. */
function step<T>(c: Call<T>): void {
  try {
    if (!c.failed) return end(c, true, succeed(c));
    // Only `retryIf` can make the decision wait; without it, no promise is made for it.
    if (c.p.retryIf !== undefined && c.hasError && !c.predicateThrew) {
      decideAfterRetryIf(c).then((next) => decided(c, next), (error: unknown) => end(c, false, error));
      return;
    }
    decided(c, decide(c, classify(c)));
  } catch (error) {
    end(c, false, error);
  }
}

/** The decision is made: give up, or tell `onRetry` (waiting for it if it returned a promise) and wait. */
function decided<T>(c: Call<T>, next: number | GiveUpReason): void {
  try {
    if (typeof next === 'string') return giveUp(c, next);
    const p = c.p;
    if (p.onRetry !== undefined) {
      const pending = tellRetry(c, next);
      if (pending !== undefined) {
        pending.then(() => wait(c, next), (error: unknown) => end(c, false, error));
        return;
      }
    }
    wait(c, next);
  } catch (error) {
    // `giveUp` throws what the call rejects with; anything else is an internal failure.
    end(c, false, error);
  }
}

/** Waits `next` ms (or one microtask), then runs the next attempt. */
function wait<T>(c: Call<T>, next: number): void {
  // Nothing reads the last error or rejected result once the decision and onRetry are done (the
  // next attempt replaces them), so a call waiting in its delay does not keep them alive (an
  // error's captured stack is about half a kilobyte). The delay is stored now, counted once
  // waited.
  c.error = undefined;
  c.value = undefined;
  c.delay = next;
  const run = (): void => {
    try {
      c.totalDelay += c.delay;
      const p = c.p;
      const n = ++c.attempt;
      const t0 = p.timed ? p.clock.now() : 0;
      let out: unknown;
      try {
        // The user's function is called from this closure, not through a helper: each frame
        // under it is one more for every error it creates to capture (see lean-call.ts).
        out = c.args === undefined ? c.fn(new Context(n, p.maxRetries + 1 - n, undefined)) : c.fn.apply(c.thisArg, c.args as unknown[]);
        // `Promise.resolve` adopts a thenable or a plain value; a hostile promise whose
        // `constructor` throws fails the attempt, as it would under `await`.
        out = Promise.resolve(out);
      } catch (error) {
        return attemptFailed(c, t0, error);
      }
      (out as Promise<T>).then((value) => attemptFulfilled(c, t0, value), (error: unknown) => attemptFailed(c, t0, error));
    } catch (error) {
      end(c, false, error);
    }
  };
  try {
    const clock = c.p.clock;
    // A zero delay waits one microtask, through a promise: Node's `queueMicrotask` makes an
    // async resource and a bound function for every task.
    if (next <= 0) void settledPromise.then(run);
    // The built-in clock's sleep is a timer and a promise; the timer alone will do (the global
    // `setTimeout`, looked up now as the clock does, so fake timers take effect). It spares the
    // promise, the promise `then` makes, its reaction and a rejection handler: about 200 bytes
    // per waiting call.
    else if (clock === systemClock && next <= MAX_TIMER_DELAY) setTimeout(run, next);
    else Promise.resolve(clock.sleep(next, undefined)).then(run, (error: unknown) => end(c, false, error));
  } catch (error) {
    // The clock's `sleep` threw.
    end(c, false, error);
  }
}

function attemptFailed<T>(c: Call<T>, t0: number, error: unknown): void {
  try {
    endAttempt(c, t0, true, error, undefined);
  } catch (internal) {
    return end(c, false, internal);
  }
  step(c);
}

function attemptFulfilled<T>(c: Call<T>, t0: number, value: T): void {
  try {
    fulfilled(c, t0, value);
  } catch (internal) {
    return end(c, false, internal);
  }
  step(c);
}
