/**
 * One attempt, from admission to decision: the strategies admit it (`admission.ts`), the user's
 * function runs (the one place it is called, through the entry point's `invoke`) with the
 * attempt's signal, then `finish` (`attempt-end.ts`) judges it.
 *
 * In two steps around the wait for the function's result: `begin` up to the call of the
 * function, `finish` from its result. The loop awaits the result itself, so no other async
 * function stands between the caller and it; each step answers at once unless something (a
 * strategy, an async `retryIf`) makes it wait. `attemptOnce` chains them for a hedged round.
 */
import { AttemptTimeoutError } from '../errors/attempt-timeout-error.js';
import type { RoundTicket } from '../strategies/hedging.js';
import type { MaybePromise, Strategy } from '../strategies/strategy.js';
import { admit, NOT_RUN, release } from './admission.js';
import { Context } from './attempt-context.js';
import { finish } from './attempt-end.js';
import type { Call } from './call.js';
import { raceAbort } from './race-abort.js';
import { Running, type Attempted, type Step } from './running.js';

const noop = (): void => undefined;
const NONE: readonly Strategy[] = Object.freeze([]);

/**
 * Starts the next attempt of `c`: the strategies admit it, then the function is called with the
 * attempt's context. Answers the attempt under way, or what ended it before it started (a
 * refusal, a stopped call, a hedge its round no longer needs). Answers at once when no strategy
 * is asked. In a hedged round, `ticket` also aborts the attempt's signal.
 */
export function begin<T>(c: Call<T>): MaybePromise<Running | Step<T>>;
export function begin<T>(c: Call<T>, ticket: RoundTicket): MaybePromise<Running | Attempted<T>>;
export function begin<T>(c: Call<T>, ticket?: RoundTicket): MaybePromise<Running | Attempted<T>> {
  return c.s.strategies.length === 0 ? launch(c, ticket, NONE) : admitThenLaunch(c, ticket);
}

async function admitThenLaunch<T>(c: Call<T>, ticket: RoundTicket | undefined): Promise<Running | Attempted<T>> {
  let admitted: readonly Strategy[];
  try {
    const gate = await admit(c, ticket?.signal);
    admitted = gate.admitted;
    if (gate.refusal !== undefined) {
      await release(c, c.attempt + 1, admitted, NOT_RUN);
      return { kind: 'refused', refusal: gate.refusal };
    }
  } catch (error) {
    if (c.scope?.stop !== undefined) return { kind: 'stopped' };
    throw error;
  }
  return launch(c, ticket, admitted);
}

function launch<T>(c: Call<T>, ticket: RoundTicket | undefined, admitted: readonly Strategy[]): MaybePromise<Running | Attempted<T>> {
  // The round ended while this hedge waited to be admitted, or the call was stopped (signal,
  // deadline) before the attempt could start: it never does.
  const skipped: Attempted<T> | undefined = ticket?.signal.aborted === true ? { kind: 'cancelled' }
    : c.scope?.stop !== undefined ? { kind: 'stopped' } : undefined;
  if (skipped !== undefined) return admitted.length === 0 ? skipped : release(c, c.attempt + 1, admitted, NOT_RUN).then(() => skipped);
  const s = c.s;
  const n = ++c.attempt;
  const t0 = c.now();
  const scope = c.scope;
  let controller: AbortController | undefined;
  let mine: AbortController | undefined;
  let unwire: (() => void) | undefined;
  if (scope !== undefined || s.attemptTimeout !== undefined || ticket !== undefined) {
    const own = (controller = new AbortController());
    const undo: Array<() => void> = [];
    if (scope !== undefined) {
      const link = (): void => own.abort(scope.signal.reason);
      scope.signal.addEventListener('abort', link, { once: true });
      undo.push(() => scope.signal.removeEventListener('abort', link));
    }
    const limit = s.attemptTimeout;
    if (limit !== undefined) {
      const timer = new AbortController();
      s.clock.sleep(limit, timer.signal).then(() => own.abort(new AttemptTimeoutError(limit, n)), noop);
      undo.push(() => timer.abort());
    }
    if (ticket !== undefined) {
      // The function's signal also aborts when the round cancels it (until it settles); the
      // wait races only the rest.
      const fnSide = (mine = new AbortController());
      own.signal.addEventListener('abort', () => fnSide.abort(own.signal.reason), { once: true });
      const cancel = (): void => fnSide.abort(ticket.signal.reason);
      ticket.signal.addEventListener('abort', cancel, { once: true });
      undo.push(() => ticket.signal.removeEventListener('abort', cancel));
    }
    unwire = () => { for (const step of undo) step(); };
  }
  let out: unknown;
  try {
    out = c.invoke(new Context(n, s.maxRetries + 1 - n, mine ?? controller));
  } catch (thrown) {
    // Awaited at once by the caller, as a rejection would be.
    out = Promise.reject(thrown);
  }
  return new Running(n, t0, controller === undefined ? out : raceAbort(out, controller.signal), admitted, ticket, unwire);
}

/**
 * Runs the next attempt of `c` to its end, for a hedged round, which runs several at once: the
 * loop itself (`run-call.ts`) chains `begin`, the wait and `finish` for its one attempt at a time.
 */
export async function attemptOnce<T>(c: Call<T>, ticket: RoundTicket): Promise<Attempted<T>> {
  const begun = await begin(c, ticket);
  if (!(begun instanceof Running)) return begun;
  return Promise.resolve(begun.out).then(
    (value) => finish<T>(c, begun, false, value, undefined),
    (error: unknown) => finish<T>(c, begun, true, undefined, error),
  );
}
