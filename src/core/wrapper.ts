/**
 * The function `withRetry` and `@Retryable` put in place of the user's: it runs a lean first
 * attempt itself, so the user's function is called straight from it (one frame, as from a
 * hand-written `async` wrapper), and passes up to three arguments on one by one (see
 * `lean-call.ts`). Anything else goes to `runCall`.
 */
import type { AnyFunction, OperationSlot } from './call.js';
import { argsOf, settleFirst } from './lean-call.js';
import { recorderOf, resume } from './loop.js';
import type { Policy } from './options.js';
import { runCall } from './run-call.js';

/**
 * Returns the wrapper of `fn`, with `fn`'s `name` and `length`. `slotOf(thisArg)` names the
 * operation of each call (the decorator's depends on the class the method is called on).
 */
export function makeWrapper(policy: Policy<unknown>, slotOf: (thisArg: unknown) => OperationSlot, fn: AnyFunction): AnyFunction {
  const wrapped = function (this: unknown, a0?: unknown, a1?: unknown, a2?: unknown): Promise<unknown> {
    const slot = slotOf(this);
    const n = arguments.length;
    // eslint-disable-next-line prefer-rest-params
    if (n > 3 || !policy.lean) return runCall(policy, slot, fn, this, n > 3 ? Array.prototype.slice.call(arguments) : argsOf(n, a0, a1, a2, undefined));
    const recorder = recorderOf(policy, slot);
    const t0 = policy.timed ? policy.clock.now() : 0;
    let out: unknown;
    try {
      out = n === 0 ? fn.call(this) : n === 1 ? fn.call(this, a0) : n === 2 ? fn.call(this, a0, a1) : fn.call(this, a0, a1, a2);
    } catch (error) {
      return resume(policy, slot, fn, this, argsOf(n, a0, a1, a2, undefined), recorder, t0, true, error, undefined);
    }
    return settleFirst(policy, slot, fn, this, undefined, n, a0, a1, a2, recorder, t0, out);
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: fn.length, configurable: true });
  return wrapped;
}
