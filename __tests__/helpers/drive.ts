import type { ManualClock } from '../../src/testing/manual-clock.js';

/** How a call settled on the fake clock, and when. */
export type Settled<T> = { ok: true; value: T; at: number } | { ok: false; error: unknown; at: number };

/**
 * Plays `clock` forward timer by timer until `promise` settles; returns the outcome and the
 * virtual time it settled at. Fails the test if the call never settles.
 */
export async function drive<T>(clock: ManualClock, promise: Promise<T>, maxTimers = 10_000): Promise<Settled<T>> {
  let outcome: Settled<T> | undefined;
  promise.then(
    (value) => { outcome = { ok: true, value, at: clock.now() }; },
    (error: unknown) => { outcome = { ok: false, error, at: clock.now() }; },
  );
  for (let i = 0; i < maxTimers && outcome === undefined; i++) {
    if (!(await clock.next())) break;
  }
  if (outcome === undefined) {
    // let the last reactions run
    await clock.advance(0);
  }
  if (outcome === undefined) throw new Error(`call did not settle (now=${clock.now()}, pending timers=${clock.pendingTimers})`);
  return outcome;
}

/** An error with a transient network code. */
export function networkError(message = 'socket hang up', code = 'ECONNRESET'): Error {
  return Object.assign(new Error(message), { code });
}

/** A function failing with the given errors in turn, then returning `value`; records call times. */
export function scripted<T>(clock: ManualClock, failures: unknown[], value: T): { fn: () => Promise<T>; calls: number[] } {
  const calls: number[] = [];
  let i = 0;
  return {
    calls,
    fn: async () => {
      calls.push(clock.now());
      if (i < failures.length) throw failures[i++];
      return value;
    },
  };
}
