/**
 * The lean first attempt: options with no signal, deadline, attempt timeout or policy. No
 * `async` frame and no `Call` object: the attempt's own promise gets one `then`, whose
 * rejection handler carries the call over to the lean loop (`lean-loop.ts`). The clock is read
 * twice, and only when something records time.
 *
 * `leanCall` serves `retry()` (`args === undefined`, `fn(ctx)`) and `RetryManager` (an
 * argument array). The wrappers (`wrapper.ts`) do the same inline, calling the user's function
 * from their own frame: every frame between the caller and the user's function is one more
 * frame each error the function creates must capture (about a third of a microsecond each on a
 * 2-core machine, more than the whole success path). `judged` and `succeeded` are shared.
 */
import { Context } from './attempt-context.js';
import type { AnyFunction, OperationSlot } from './call.js';
import { callHook } from '../observers/hook-errors.js';
import { endInternally, recorderOf, startTime, tellInternalFailure } from './call-end.js';
import { resume, resumeLater } from './lean-loop.js';
import type { Policy } from './options.js';
import type { OperationRecorder } from './seams.js';
import type { RetryEvent } from './types.js';

/** Runs a lean call of the `retry()` form (`args === undefined`) or with its arguments in `args`. */
export function leanCall<T>(p: Policy<T>, slot: OperationSlot, fn: AnyFunction, thisArg: unknown, args: readonly unknown[] | undefined): Promise<T> {
  const recorder = recorderOf(p as Policy<unknown>, slot);
  let t0: number;
  try {
    t0 = startTime(p as Policy<unknown>, slot, recorder);
  } catch (error) {
    return Promise.reject(error);
  }
  let out: unknown;
  try {
    out = args === undefined ? fn(new Context(1, p.maxRetries, undefined)) : fn.apply(thisArg, args as unknown[]);
  } catch (error) {
    return resume(p, slot, fn, thisArg, args, recorder, t0, true, error, undefined);
  }
  return settleFirst(p, slot, fn, thisArg, args, recorder, t0, out);
}

/**
 * Takes what a lean first attempt of `leanCall` returned (`out`) and settles the call from it.
 * A first attempt that threw goes to `resume` instead. The wrappers do the same inline
 * (`wrapper.ts`), with closures that hold only what differs per call.
 */
function settleFirst<T>(p: Policy<T>, slot: OperationSlot, fn: AnyFunction, thisArg: unknown, args: readonly unknown[] | undefined,
  recorder: OperationRecorder | undefined, t0: number, out: unknown): Promise<T> {
  // `Promise.resolve` returns a native promise as it is, and adopts a thenable or a plain value.
  // It reads a promise's `constructor`, which a hostile promise can make throw: that counts as
  // the attempt's failure, as it would under `await`.
  let first: Promise<T>;
  try {
    first = Promise.resolve(out) as Promise<T>;
  } catch (error) {
    return resume(p, slot, fn, thisArg, args, recorder, t0, true, error, undefined);
  }
  const onRejected = (error: unknown): PromiseLike<T> => resumeLater(p, slot, fn, thisArg, args, recorder, t0, true, error, undefined);
  // Nothing to do on fulfilment: the caller gets the attempt's value through one derived promise.
  if (!p.timed && p.retryOnResult === undefined) return first.then(undefined, onRejected);
  if (p.retryOnResult === undefined) return first.then((value) => succeeded(p, slot, recorder, t0, value), onRejected);
  return first.then((value) => judged(p, slot, fn, thisArg, args, recorder, t0, value), onRejected);
}

/** The first attempt fulfilled and `retryOnResult` is set: a success, or a result it rejects. */
export function judged<T>(p: Policy<T>, slot: OperationSlot, fn: AnyFunction, thisArg: unknown, args: readonly unknown[] | undefined,
  recorder: OperationRecorder | undefined, t0: number, value: T): T | PromiseLike<T> {
  let rejected: boolean;
  try {
    rejected = p.retryOnResult!(value);
  } catch (error) {
    return resumeLater(p, slot, fn, thisArg, args, recorder, t0, true, error, undefined, true);
  }
  if (rejected) return resumeLater(p, slot, fn, thisArg, args, recorder, t0, false, undefined, value);
  return succeeded(p, slot, recorder, t0, value);
}

/**
 * The first attempt succeeded: record it and tell `onSuccess`, with one clock read for both. A
 * clock that throws here fails the call, which leaves the in-flight count as such, and
 * `onGiveUp` hears of it.
 */
export function succeeded<T>(p: Policy<T>, slot: OperationSlot, recorder: OperationRecorder | undefined, t0: number, value: T): T {
  if (recorder === undefined && p.onSuccess === undefined) return value;
  let elapsed: number;
  try {
    elapsed = p.clock.now() - t0;
  } catch (error) {
    endInternally(p as Policy<unknown>, slot, recorder, 1, 0, error, 0);
    throw error;
  }
  try {
    recorder?.firstAttemptSucceeded(t0, elapsed);
  } catch (internal) {
    // A registry that throws fails the call with its error (the call has left its counts).
    tellInternalFailure(p as Policy<unknown>, slot, 1, internal, elapsed);
    throw internal;
  }
  if (p.onSuccess !== undefined) {
    const event: RetryEvent<T> = Object.freeze({
      operationName: slot.name, attempt: 1, result: value, delay: 0, retriesLeft: p.maxRetries, elapsedMs: elapsed,
    });
    callHook(p.onSuccess, event, 'onSuccess', p.onHookError, false);
  }
  return value;
}
