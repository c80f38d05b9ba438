/**
 * The function `withRetry` and `@Retryable` put in place of the user's: each call runs the
 * engine with `fn.apply(this, args)` as its attempt (inside its `currentAttempt()` when the
 * call hedges). The wrapper keeps `fn`'s `name` and `length`.
 */
import { runCall } from '../engine/run-call.js';
import type { CallSettings } from '../engine/settings.js';
import { attemptOf } from './current-attempt.js';

/** Any function a wrapper calls. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => unknown;

/** The operation a wrapper's calls are recorded under. */
export interface OperationSlot {
  readonly name: string;
}

/**
 * Returns the wrapper of `fn`. Each call's operation is `known.slot` once it is set (the
 * decorator settles it on first use), else `slotOf(thisArg)`.
 */
export function wrapFunction(settings: CallSettings<unknown>, known: { readonly slot: OperationSlot | undefined },
  slotOf: (thisArg: unknown) => OperationSlot, fn: AnyFunction): AnyFunction {
  const wrapped = function (this: unknown, ...args: unknown[]): Promise<unknown> {
    const self = this;
    return runCall(settings, (known.slot ?? slotOf(self)).name, attemptOf(settings.hedging !== undefined, () => fn.apply(self, args)));
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: fn.length, configurable: true });
  return wrapped;
}
