/**
 * A change waiting to be applied by a Redis cell: an outcome (nobody waits for it) or a
 * decision (a caller waits for its answer, which it gets exactly once).
 */
import type { Change } from '../state/store.js';

export interface Op<S> {
  readonly change: Change<S, unknown>;
  /** Set for a decision: who waits for the answer. */
  readonly answer?: (value: unknown) => void;
  readonly fail?: (error: unknown) => void;
  /** A recorded change: when it was made (the store's time), applied later with its batch. */
  readonly at?: number;
  /** The decision's bound. */
  timer?: ReturnType<typeof setTimeout>;
  done?: boolean;
}

/** What a change returned, or what it threw. */
export type Result = { readonly value: unknown } | { readonly error: unknown };

/** Runs one change on `state`, keeping a throw as its result. */
export function attempt<S>(op: Op<S>, state: S, now: number): Result {
  try {
    return { value: op.change(state, now, op.at ?? now) };
  } catch (error) {
    return { error };
  }
}

/** Gives a decision its answer, once. */
export function answer<S>(op: Op<S>, r: Result): void {
  if (op.answer === undefined || op.done) return;
  op.done = true;
  clearTimeout(op.timer);
  if ('error' in r) op.fail!(r.error);
  else op.answer(r.value);
}
