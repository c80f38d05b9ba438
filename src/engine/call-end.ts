/**
 * How an attempt and a call end, shared by the two loops: the full one (`loop.ts`, an `async`
 * function) and the lean one (`lean-loop.ts`, a state machine). Each records to the registry
 * and the hooks; `succeed` returns what the call fulfils with and `giveUp` throws what it
 * rejects with; `close` releases what the call holds.
 */
import type { Call, OperationSlot } from './call.js';
import { summarizeError } from '../registry/error-summary.js';
import { failureOf, outcome } from './failure.js';
import { callHook } from '../observers/hook-errors.js';
import type { Policy } from './options.js';
import type { AttemptOutcome, OperationRecorder } from './seams.js';
import type { GiveUpEvent, GiveUpReason, RetryAttempt, RetryEvent } from './types.js';

/** The operation's recorder (asked of the registry again once evicted), with the call counted as started. */
export function recorderOf(p: Policy<unknown>, slot: OperationSlot): OperationRecorder | undefined {
  if (p.registry === undefined) return undefined;
  let recorder = slot.recorder;
  if (recorder === undefined || !recorder.live) recorder = slot.recorder = p.registry.operation(slot.name);
  recorder.callStarted();
  return recorder;
}

/**
 * A call's start time, read after `recorderOf` counted the call (0 when nothing records time).
 * A clock that throws ends the call right there: it leaves the in-flight count as a failure
 * (`'non-retryable'`, as every internal failure), `onGiveUp` hears of it, and the caller
 * rejects with the clock's error.
 */
export function startTime(p: Policy<unknown>, slot: OperationSlot, recorder: OperationRecorder | undefined): number {
  if (!p.timed) return 0;
  try {
    return p.clock.now();
  } catch (error) {
    endInternally(p, slot, recorder, 0, 0, error, 0);
    throw error;
  }
}

/**
 * Ends a call on an internal failure (a clock or a registry that threw, `random` out of range):
 * it leaves the registry's in-flight count as a `'non-retryable'` failure, and `onGiveUp` hears
 * of it even when the registry throws as it records.
 */
export function endInternally(p: Policy<unknown>, slot: OperationSlot, recorder: OperationRecorder | undefined, attempt: number,
  totalDelay: number, failure: unknown, elapsed: number): void {
  try {
    recorder?.callEnded(attempt, totalDelay, 'non-retryable', elapsed);
  } finally {
    tellInternalFailure(p, slot, attempt, failure, elapsed);
  }
}

/**
 * Tells `onGiveUp` of a call that ends on an internal failure (a clock or a registry that threw,
 * `random` out of range), with reason `'non-retryable'` as the registry counts it and the
 * failure as its `error`: `onGiveUp` hears of every call that fails. No clock is read for it.
 */
export function tellInternalFailure(p: Policy<unknown>, slot: OperationSlot, attempt: number, error: unknown, elapsed: number): void {
  if (p.onGiveUp !== undefined) tellGiveUp(p, slot, attempt, { error }, elapsed, 'non-retryable');
}

/** Tells `onGiveUp` (set) that the call gave up for `reason` after `attempt`, with `last`: its error or result. */
function tellGiveUp<T>(p: Policy<T>, slot: OperationSlot, attempt: number, last: ReturnType<typeof outcome<T>>, elapsed: number, reason: GiveUpReason): void {
  const event: GiveUpEvent<T> = Object.freeze({
    operationName: slot.name, attempt, ...last, delay: 0,
    retriesLeft: Math.max(0, p.maxRetries + 1 - attempt), elapsedMs: elapsed, reason,
  });
  callHook(p.onGiveUp!, event, 'onGiveUp', p.onHookError, false);
}

/** Records the end of attempt `c.attempt` and stores its outcome on `c`. */
export function endAttempt<T>(c: Call<T>, t0: number, isError: boolean, error: unknown, value: T | undefined): void {
  c.failed = true;
  c.hasError = isError;
  c.hasResult = !isError;
  if (isError) {
    c.error = error;
    c.errors?.push(error);
  } else {
    c.value = value;
  }
  record(c, t0, isError ? 'error' : 'result', error);
}

/** Records attempt `c.attempt`, begun at `t0`, to the registry and to the call's own log. */
export function record<T>(c: Call<T>, t0: number, outcome: AttemptOutcome, error: unknown): void {
  const p = c.p;
  const t1 = p.timed ? p.clock.now() : 0;
  c.lastEnd = t1;
  c.recorder?.attemptEnded(c.attempt, c.delay, outcome, error, t0, t1 - t0);
  if (c.log !== undefined) {
    const entry: RetryAttempt = outcome !== 'error'
      ? { operationName: c.slot.name, attemptNumber: c.attempt, delay: c.delay, success: outcome === 'success', timestamp: t0, durationMs: t1 - t0 }
      : { operationName: c.slot.name, attemptNumber: c.attempt, delay: c.delay, error: summarizeError(error), success: false, timestamp: t0, durationMs: t1 - t0 };
    c.log.push(entry);
  }
}

/** Records an attempt that fulfilled: a success, or a result `retryOnResult` rejects. */
export function fulfilled<T>(c: Call<T>, t0: number, value: T): void {
  const p = c.p;
  if (p.retryOnResult !== undefined) {
    let rejected: boolean;
    try {
      rejected = p.retryOnResult(value);
    } catch (error) {
      c.predicateThrew = true;
      endAttempt(c, t0, true, error, undefined);
      return;
    }
    if (rejected) {
      endAttempt(c, t0, false, undefined, value);
      return;
    }
  }
  c.failed = false;
  c.hasError = false;
  c.hasResult = true;
  c.value = value;
  if (c.breakerPending) {
    c.breakerPending = false;
    p.circuitBreaker!.onSuccess();
  }
  record(c, t0, 'success', undefined);
}

/**
 * Tells `onRetry` that attempt `c.attempt` failed and the next comes after `next` ms. Returns
 * the promise to wait for when the hook returned one (it never rejects), else `undefined`.
 */
export function tellRetry<T>(c: Call<T>, next: number): Promise<void> | undefined {
  const p = c.p;
  const event: RetryEvent<T> = Object.freeze({
    operationName: c.slot.name, attempt: c.attempt, ...outcome(c), delay: next,
    retriesLeft: p.maxRetries + 1 - c.attempt, elapsedMs: p.clock.now() - c.start,
  });
  return callHook(p.onRetry!, event, 'onRetry', p.onHookError, true);
}

/** The call succeeded with `c.value`: record it, tell `onSuccess`, and return the value. */
export function succeed<T>(c: Call<T>): T {
  const p = c.p;
  const elapsed = c.lastEnd - c.start;
  c.ended = true;
  endRecorded(c, undefined, elapsed);
  p.budget?.onSuccess(c.attempt > 1, c.retryAfterTimeout);
  if (p.onSuccess !== undefined) {
    const event: RetryEvent<T> = Object.freeze({
      operationName: c.slot.name, attempt: c.attempt, result: c.value as T, delay: 0, retriesLeft: p.maxRetries + 1 - c.attempt, elapsedMs: elapsed,
    });
    callHook(p.onSuccess, event, 'onSuccess', p.onHookError, false);
  }
  return c.value as T;
}

/**
 * Records the end of the call (`reason` undefined: a success). A registry that throws here
 * fails the call with its error, and `onGiveUp` hears of that failure.
 */
function endRecorded<T>(c: Call<T>, reason: GiveUpReason | undefined, elapsed: number): void {
  try {
    c.recorder?.callEnded(c.attempt, c.totalDelay, reason, elapsed);
  } catch (internal) {
    tellInternalFailure(c.p as Policy<unknown>, c.slot, c.attempt, internal, elapsed);
    throw internal;
  }
}

/** The call gives up for `reason`: record it, tell `onGiveUp`, and throw what the call rejects with. */
export function giveUp<T>(c: Call<T>, reason: GiveUpReason): never {
  const p = c.p;
  const elapsed = p.timed ? p.clock.now() - c.start : 0;
  c.ended = true;
  endRecorded(c, reason, elapsed);
  const failure = failureOf(c, reason, elapsed);
  if (p.onGiveUp !== undefined) tellGiveUp(p, c.slot, c.attempt, reason === 'circuit-open' ? { error: c.refusal } : outcome(c), elapsed, reason);
  throw failure;
}

/**
 * Releases everything the call holds: breaker slot, listener on the caller's signal, timers.
 * `failure`: what the call rejects with, if it fails (for an internal failure's `onGiveUp`).
 */
export function close<T>(c: Call<T>, failure?: unknown): void {
  if (c.breakerPending) {
    c.breakerPending = false;
    c.p.circuitBreaker!.onIgnored();
  }
  if (c.onCallerAbort !== undefined) c.p.signal!.removeEventListener('abort', c.onCallerAbort);
  if (c.scope !== undefined && !c.scope.signal.aborted) c.scope.abort();
  if (!c.ended) {
    // Only an internal failure gets here (a clock that threw, `random` out of range): the
    // call still leaves the registry's in-flight count.
    c.ended = true;
    endInternally(c.p as Policy<unknown>, c.slot, c.recorder, c.attempt, c.totalDelay, failure, c.p.timed ? c.lastEnd - c.start : 0);
  }
}
