/**
 * The function `withRetry` and `@Retryable` put in place of the user's: it runs a lean first
 * attempt itself, so the user's function is called straight from it (one frame, as from a
 * hand-written `async` wrapper), and passes up to three arguments on one by one (see
 * `argsOf`). Anything else goes to `runCall`.
 *
 * The closures a call makes for its attempt's `then` hold only what differs per call (the
 * slot, `this`, the arguments, and the recorder and start time when something records time);
 * what is fixed per wrapper (the policy, the function) is reached through the wrapper's own
 * scope. A closure's context is allocated on every call, so each value it captures is paid for
 * on the success path. Against the previous design, which passed twelve values on to a helper
 * that made the closures, a same-run microbenchmark gave registry off 2.39x a bare call before
 * and 2.08x after, registry on 5.58x and 5.05x.
 *
 * Each variant is kept under V8's 460-byte bytecode limit for inlining (one `try` around the
 * user's call and `Promise.resolve`, one fulfilment handler), so a caller can inline it:
 * registry off went from 2.00x to 1.77x a bare call in `npm run bench` (a).
 */
import type { AnyFunction, OperationSlot } from './call.js';
import { judged, succeeded } from './lean-call.js';
import { recorderOf, startTime } from './call-end.js';
import { resumeLater } from './lean-loop.js';
import type { Policy } from './options.js';
import type { OperationRecorder } from './seams.js';
import { runCall } from './run-call.js';

/**
 * The arguments of a call as the loops keep them, from the `n` (0 to 3) the wrapper was
 * given one by one. Up to three are passed that way rather than in an array, which would have
 * to be built for every call since a retry needs them: kept as separate values they cost
 * nothing until a retry does.
 */
export function argsOf(n: number, a0: unknown, a1: unknown, a2: unknown): readonly unknown[] {
  switch (n) {
    case 0: return [];
    case 1: return [a0];
    case 2: return [a0, a1];
    default: return [a0, a1, a2];
  }
}

/**
 * Returns the wrapper of `fn`, with `fn`'s `name` and `length`. Each call's operation is
 * `known.slot` once it is set (read on every call: the decorator settles it on first use), else
 * `slotOf(thisArg)` (the decorator's depends on the class the method is called on). A property
 * read rather than a call on the way in: both kinds of wrapper share this code, so a call of
 * their two `slotOf` functions would go through a polymorphic site on every call.
 */
export function makeWrapper(policy: Policy<unknown>, known: { readonly slot: OperationSlot | undefined },
  slotOf: (thisArg: unknown) => OperationSlot, fn: AnyFunction): AnyFunction {
  /**
   * The first attempt failed (threw, rejected, or its promise could not be read): on to the lean
   * loop, as a thenable for a `then` handler to return (a synchronous failure wraps it in
   * `Promise.resolve`).
   */
  const failed = (slot: OperationSlot, self: unknown, n: number, a0: unknown, a1: unknown, a2: unknown, recorder: OperationRecorder | undefined,
    t0: number, error: unknown): PromiseLike<unknown> =>
    resumeLater(policy, slot, fn, self, argsOf(n, a0, a1, a2), recorder, t0, true, error, undefined);
  const wrapped = !policy.lean ? function (this: unknown, ...args: unknown[]): Promise<unknown> {
    return runCall(policy, known.slot ?? slotOf(this), fn, this, args);
  } : !policy.timed && policy.retryOnResult === undefined ? function (this: unknown, a0?: unknown, a1?: unknown, a2?: unknown): Promise<unknown> {
    // Nothing records time and nothing judges a result: the closure holds the slot, `this` and
    // the arguments only. (The slot is looked up on every call all the same: the decorator's
    // lookup settles which class a TC39 static method belongs to.)
    const slot = known.slot ?? slotOf(this);
    const n = arguments.length;
    // eslint-disable-next-line prefer-rest-params
    if (n > 3) return runCall(policy, slot, fn, this, Array.prototype.slice.call(arguments));
    let first: Promise<unknown>;
    try {
      // The user's function is called from this frame: see the file's comment and lean-call.ts.
      // `Promise.resolve` returns a native promise as it is and adopts a thenable or a plain
      // value. It reads a promise's `constructor`, which a hostile promise can make throw: that
      // counts as the attempt's failure, as it would under `await`, as does a synchronous throw.
      first = Promise.resolve(n === 0 ? fn.call(this) : n === 1 ? fn.call(this, a0) : n === 2 ? fn.call(this, a0, a1) : fn.call(this, a0, a1, a2));
    } catch (error) {
      return Promise.resolve(failed(slot, this, n, a0, a1, a2, undefined, 0, error));
    }
    // Nothing to do on fulfilment: the caller gets the attempt's value through one derived promise.
    // The rejection handler captures copies made in a block per arity, so its context holds only
    // what a retry of this call needs (one argument: three values, not six); values captured at
    // the function's level would all go into one context, whatever the arity (same-run
    // microbenchmark A/B: 2.05x -> 1.99x a bare call).
    if (n === 1) {
      const s = slot, self = this, b0 = a0;
      return first.then(undefined, (error: unknown) => failed(s, self, 1, b0, undefined, undefined, undefined, 0, error));
    }
    if (n === 0) {
      const s = slot, self = this;
      return first.then(undefined, (error: unknown) => failed(s, self, 0, undefined, undefined, undefined, undefined, 0, error));
    }
    {
      const s = slot, self = this, m = n, b0 = a0, b1 = a1, b2 = a2;
      return first.then(undefined, (error: unknown) => failed(s, self, m, b0, b1, b2, undefined, 0, error));
    }
  } : function (this: unknown, a0?: unknown, a1?: unknown, a2?: unknown): Promise<unknown> {
    const slot = known.slot ?? slotOf(this);
    const n = arguments.length;
    // eslint-disable-next-line prefer-rest-params
    if (n > 3) return runCall(policy, slot, fn, this, Array.prototype.slice.call(arguments));
    const recorder = recorderOf(policy, slot);
    let t0: number;
    try {
      t0 = startTime(policy, slot, recorder);
    } catch (error) {
      return Promise.reject(error);
    }
    let first: Promise<unknown>;
    try {
      // The same call as above, written out again for the same reason.
      first = Promise.resolve(n === 0 ? fn.call(this) : n === 1 ? fn.call(this, a0) : n === 2 ? fn.call(this, a0, a1) : fn.call(this, a0, a1, a2));
    } catch (error) {
      return Promise.resolve(failed(slot, this, n, a0, a1, a2, recorder, t0, error));
    }
    const self = this;
    const onRejected = (error: unknown): PromiseLike<unknown> => failed(slot, self, n, a0, a1, a2, recorder, t0, error);
    // One fulfilment handler for both cases keeps this function small enough for V8 to inline
    // into its caller (at most 460 bytes of bytecode).
    return first.then((value) => policy.retryOnResult === undefined
      ? succeeded(policy, slot, recorder, t0, value)
      : judged(policy, slot, fn, self, argsOf(n, a0, a1, a2), recorder, t0, value), onRejected);
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: fn.length, configurable: true });
  return wrapped;
}
