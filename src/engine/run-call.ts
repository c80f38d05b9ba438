/**
 * The entry point of the loop for `retry()` and `RetryManager`: a call goes the lean way
 * (`lean-call.ts`) when its options allow, else straight to the full loop (`loop.ts`). The
 * wrappers have their own (`wrapper.ts`).
 */
import type { AnyFunction, OperationSlot } from './call.js';
import { leanCall } from './lean-call.js';
import { fullCall } from './loop.js';
import type { Policy } from './options.js';

export type { AnyFunction, OperationSlot } from './call.js';

/**
 * Runs one call. `args === undefined` calls `fn(ctx)` (the `retry()` form); otherwise
 * `fn.apply(thisArg, args)`.
 */
export function runCall<T>(p: Policy<T>, slot: OperationSlot, fn: AnyFunction, thisArg: unknown, args: readonly unknown[] | undefined): Promise<T> {
  return p.lean ? leanCall(p, slot, fn, thisArg, args) : fullCall(p, slot, fn, thisArg, args);
}
