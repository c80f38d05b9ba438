/**
 * Sends one event to a list of observers. An observer that throws, or whose returned promise
 * rejects, is reported through `reportHookError` (the one reporter) and the others still hear
 * of the event. Promises returned by `retryScheduled` (an awaited `onRetry`) are handed back
 * for the engine to wait on, within the call's deadline.
 */
import type { HookName } from '../engine/types.js';
import { HooksObserver } from './hooks.js';
import type { CallObserver } from './observer.js';

/** Where an observer's failure goes: `reportHookError`, and the registry's count of them. */
export type ErrorReporter = (error: unknown, hook: HookName, operationName: string) => void;

/** The observer methods that carry a call's events (a hedged round's own are policy events). */
export type CallEventName = 'callStarted' | 'attemptEnded' | 'retryScheduled' | 'callEnded' | 'policyEvent';

type EventOf<M extends CallEventName> = Parameters<NonNullable<CallObserver[M]>>[0];

/** How a failure of `observer.method` is named in reports. */
function hookName(observer: CallObserver, method: CallEventName, event: unknown): HookName {
  if (!(observer instanceof HooksObserver)) return 'observer';
  if (method === 'retryScheduled') return 'onRetry';
  return (event as { reason?: unknown }).reason === undefined ? 'onSuccess' : 'onGiveUp';
}

/**
 * `observer[method]`, read by the method's own name: a read by a computed name (`observer[method]`)
 * is several times slower, and every call of every operation sends its events through here.
 */
function handlerOf(observer: CallObserver, method: CallEventName): ((event: never) => unknown) | undefined {
  switch (method) {
    case 'callStarted': return observer.callStarted;
    case 'attemptEnded': return observer.attemptEnded;
    case 'retryScheduled': return observer.retryScheduled;
    case 'callEnded': return observer.callEnded;
    case 'policyEvent': return observer.policyEvent;
  }
}

/** The operation an event is about (every call event and policy event of a call names one). */
function operationNameOf(event: unknown): string {
  return (event as { operationName: string }).operationName;
}

/**
 * Calls `method` of `observer` with `event`. A throw, and a returned promise's rejection, go to
 * `report`; a returned promise comes back guarded (it settles, never rejects).
 */
function deliver<M extends CallEventName>(observer: CallObserver, method: M, event: EventOf<M>, report: ErrorReporter): unknown {
  const handler = handlerOf(observer, method) as ((e: EventOf<M>) => unknown) | undefined;
  if (handler === undefined) return undefined;
  let returned: unknown;
  try {
    returned = handler.call(observer, event);
  } catch (error) {
    report(error, hookName(observer, method, event), operationNameOf(event));
    return undefined;
  }
  if (returned === null || typeof returned !== 'object' || typeof (returned as PromiseLike<unknown>).then !== 'function') return returned;
  return Promise.resolve(returned as PromiseLike<unknown>).then(
    () => undefined,
    (error: unknown) => report(error, hookName(observer, method, event), operationNameOf(event)),
  );
}

/**
 * Which observers sat a call out: bit `i` is set when observer `i` answered `callStarted`
 * with `false` (only the first {@link QUIET_MAX} can; later ones hear every event).
 */
export type Quiet = number;

/** How many observers of a call can sit it out (the bits of a {@link Quiet}). */
export const QUIET_MAX = 31;

function sitsOut(quiet: Quiet, i: number): boolean {
  return quiet !== 0 && i < QUIET_MAX && (quiet & (1 << i)) !== 0;
}

/**
 * Calls `method` of each observer with `event`, but not of those that sat the call out
 * (`quiet`). Returns the promises the observers returned (already guarded: each settles, never
 * rejects), or `undefined` when none did.
 */
export function notify<M extends CallEventName>(observers: readonly CallObserver[], method: M, event: EventOf<M>,
  report: ErrorReporter, quiet: Quiet = 0): Promise<void>[] | undefined {
  let pending: Promise<void>[] | undefined;
  for (let i = 0; i < observers.length; i++) {
    if (sitsOut(quiet, i)) continue;
    const returned = deliver(observers[i]!, method, event, report);
    if (returned instanceof Promise) (pending ??= []).push(returned as Promise<void>);
  }
  return pending;
}

/** Tells each observer that a call started, and answers with those that sat it out. */
export function notifyCallStarted(observers: readonly CallObserver[], event: EventOf<'callStarted'>, report: ErrorReporter): Quiet {
  let quiet = 0;
  for (let i = 0; i < observers.length; i++) {
    if (deliver(observers[i]!, 'callStarted', event, report) === false && i < QUIET_MAX) quiet |= 1 << i;
  }
  return quiet;
}

/** Whether every observer sat the call out (then no event of it needs to be built). */
export function allQuiet(observers: readonly CallObserver[], quiet: Quiet): boolean {
  return observers.length === 0 || (observers.length <= QUIET_MAX && quiet === 2 ** observers.length - 1);
}

/** Sends a policy event of the engine's own (`'hedging'`, `'fallback'`) about a call of `operationName`. */
export function notifyPolicy(observers: readonly CallObserver[], quiet: Quiet, report: ErrorReporter, policy: 'hedging' | 'fallback', type: string,
  operationName: string, timestamp: number, details: Readonly<Record<string, unknown>>): void {
  if (allQuiet(observers, quiet)) return;
  notify(observers, 'policyEvent', Object.freeze({ policy, name: policy, type, timestamp, operationName, ...details }), report, quiet);
}
