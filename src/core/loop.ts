/**
 * The full attempt loop. Data flows one way: the options were normalized once into a
 * `Policy`; the loop runs attempts, asks the policies, and reports to the recorder and the
 * hooks. Nothing here is called back by the registry.
 *
 * A call comes here from the start when its options need cancellation or policies
 * (`fullCall`), or after a lean first attempt (`lean-call.ts`) failed (`resume`). The loop
 * holds the state of one call in a `Call` object.
 */
import { AttemptTimeoutError } from '../errors/attempt-timeout-error.js';
import { CircuitOpenError } from '../errors/circuit-open-error.js';
import { RetryTimeoutError } from '../errors/retry-timeout-error.js';
import { Context } from './attempt-context.js';
import { Call, type AnyFunction, type OperationSlot } from './call.js';
import { isThrottlingError } from './classify.js';
import { classify, decide, decideAfterRetryIf } from './decide.js';
import { summarizeError } from './error-summary.js';
import { failureOf, outcome } from './failure.js';
import { callHook } from './hook-errors.js';
import type { Policy } from './options.js';
import { raceAbort } from './race-abort.js';
import type { AttemptOutcome, OperationRecorder } from './seams.js';
import type { GiveUpEvent, GiveUpReason, RetryAttempt, RetryEvent } from './types.js';

const noop = (): void => undefined;

/** The operation's recorder (asked of the registry again once evicted), with the call counted as started. */
export function recorderOf(p: Policy<unknown>, slot: OperationSlot): OperationRecorder | undefined {
  if (p.registry === undefined) return undefined;
  let recorder = slot.recorder;
  if (recorder === undefined || !recorder.live) recorder = slot.recorder = p.registry.operation(slot.name);
  recorder.callStarted();
  return recorder;
}

/** Starts a call on the full path: one `Call` object holds its state. */
export function fullCall<T>(p: Policy<T>, slot: OperationSlot, fn: AnyFunction, thisArg: unknown, args: readonly unknown[] | undefined): Promise<T> {
  const c = new Call(p, slot, fn, thisArg, args);
  c.recorder = recorderOf(p as Policy<unknown>, slot);
  if (p.timed) c.start = p.clock.now();
  return loop(c, false);
}

/**
 * Carries a lean first attempt that failed (or whose result `retryOnResult` rejected) over to
 * the full loop. `predicateThrew`: `error` is what `retryOnResult` threw, which ends the call.
 */
export function resume<T>(p: Policy<T>, slot: OperationSlot, fn: AnyFunction, thisArg: unknown, args: readonly unknown[] | undefined,
  recorder: OperationRecorder | undefined, t0: number, isError: boolean, error: unknown, value: T | undefined, predicateThrew = false): Promise<T> {
  const c = new Call(p, slot, fn, thisArg, args);
  c.recorder = recorder;
  c.start = t0;
  c.attempt = 1;
  c.predicateThrew = predicateThrew;
  endAttempt(c, t0, isError, error, value);
  return loop(c, true);
}

/** Records the end of attempt `c.attempt` and stores its outcome on `c`. */
function endAttempt<T>(c: Call<T>, t0: number, isError: boolean, error: unknown, value: T | undefined): void {
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

function record<T>(c: Call<T>, t0: number, outcome: AttemptOutcome, error: unknown): void {
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

async function loop<T>(c: Call<T>, resumed: boolean): Promise<T> {
  const p = c.p;
  try {
    if (!resumed) {
      if (!open(c)) return giveUp(c, 'aborted');
      p.budget?.onCall();
      await attempt(c);
    } else {
      // A lean first attempt that threw synchronously has not awaited yet: the call must not
      // end (nor its hooks run) before `retry()` or the wrapper has returned. After one that
      // failed asynchronously, the wait still pays: the next attempt then runs from a fresh
      // microtask, with only this frame under the user's function rather than the rejection
      // handler's three (the zero-delay retry path measured 1.37x the hand-written loop with
      // this wait, 1.51x without).
      await undefined;
    }
    for (;;) {
      if (c.stop !== undefined) return giveUp(c, c.stop);
      if (c.refusal !== undefined) return giveUp(c, 'circuit-open');
      if (!c.failed) return succeed(c);
      // Only `retryIf` can make the decision wait; without it, no promise is made for it.
      const next = p.retryIf !== undefined && c.hasError && !c.predicateThrew ? await decideAfterRetryIf(c) : decide(c, classify(c));
      if (c.stop !== undefined) return giveUp(c, c.stop);
      if (typeof next === 'string') return giveUp(c, next);
      if (p.onRetry !== undefined) {
        const event: RetryEvent<T> = Object.freeze({
          operationName: c.slot.name, attempt: c.attempt, ...outcome(c), delay: next,
          retriesLeft: p.maxRetries + 1 - c.attempt, elapsedMs: p.clock.now() - c.start,
        });
        const pending = callHook(p.onRetry, event, 'onRetry', p.onHookError, true);
        if (pending !== undefined) await pending;
        if (c.stop !== undefined) return giveUp(c, c.stop);
      }
      // With no signal, deadline or policy nothing reads the last error once the decision and
      // onRetry are done (the next attempt replaces it), so a call waiting in its delay does
      // not keep it alive (an error's captured stack is about half a kilobyte).
      if (p.lean) c.error = undefined;
      if (next > 0) {
        try {
          await p.clock.sleep(next, c.scope?.signal);
        } catch (error) {
          if (c.stop !== undefined) return giveUp(c, c.stop);
          throw error;
        }
      }
      c.delay = next;
      c.totalDelay += next;
      c.previousDelay = next;
      if (!p.lean) {
        await attempt(c);
        continue;
      }
      // The lean attempt, inline: no limiter, breaker, scope or attempt timeout to set up, and
      // no promise of its own.
      const n = ++c.attempt;
      const t0 = p.timed ? p.clock.now() : 0;
      let value: T;
      try {
        // The user's function is called from this frame, not through a helper: each frame under
        // it is one more for every error it creates to capture (see lean-call.ts).
        value = (await (c.args === undefined ? c.fn(new Context(n, p.maxRetries + 1 - n, undefined)) : c.fn.apply(c.thisArg, c.args as unknown[]))) as T;
      } catch (error) {
        endAttempt(c, t0, true, error, undefined);
        continue;
      }
      fulfilled(c, t0, value);
    }
  } finally {
    close(c);
  }
}

/** Opens the call's cancellation scope; `false` when the caller's signal is already aborted. */
function open<T>(c: Call<T>): boolean {
  const p = c.p;
  if (p.signal === undefined && p.timeout === undefined) return true;
  const signal = p.signal;
  if (signal?.aborted) {
    c.stop = 'aborted';
    c.stopError = signal.reason;
    return false;
  }
  const scope = (c.scope = new AbortController());
  if (signal !== undefined) {
    c.onCallerAbort = () => halt(c, 'aborted', signal.reason);
    signal.addEventListener('abort', c.onCallerAbort, { once: true });
  }
  const timeout = p.timeout;
  if (timeout !== undefined) {
    p.clock.sleep(timeout, scope.signal).then(() => {
      halt(c, 'timeout', new RetryTimeoutError({
        operationName: c.slot.name, timeout, elapsedMs: timeout, attemptCount: c.attempt, cause: c.hasError ? c.error : undefined,
      }));
    }, noop);
  }
  return true;
}

function halt<T>(c: Call<T>, stop: 'aborted' | 'timeout', reason: unknown): void {
  if (c.stop !== undefined || c.ended) return;
  c.stop = stop;
  c.stopError = reason;
  c.scope!.abort(reason);
}

/** Runs the next attempt: rate limiter, breaker, the call itself (raced against its signal). */
async function attempt<T>(c: Call<T>): Promise<void> {
  const p = c.p;
  const limiter = p.rateLimiter;
  if (limiter !== undefined) {
    // `acquire()` answers 0 when it took a send slot, else how long to wait before asking
    // again: a waiting attempt re-asks, so a rate that regrew meanwhile is used at once.
    for (let wait = limiter.acquire(); wait > 0; wait = limiter.acquire()) {
      try {
        await p.clock.sleep(wait, c.scope?.signal);
      } catch (error) {
        if (c.stop !== undefined) return;
        throw error;
      }
      if (c.stop !== undefined) return;
    }
  }
  if (c.stop !== undefined) return;
  const breaker = p.circuitBreaker;
  if (breaker !== undefined) {
    if (!breaker.tryAcquire()) {
      c.refusal = new CircuitOpenError(`Circuit breaker is open: ${c.slot.name} was not attempted`, {
        cause: c.hasError ? c.error : undefined, retryAfterMs: breaker.retryAfterMs?.(),
      });
      return;
    }
    c.breakerPending = true;
  }
  const n = ++c.attempt;
  const t0 = p.timed ? p.clock.now() : 0;
  let controller: AbortController | undefined;
  let link: (() => void) | undefined;
  let timer: AbortController | undefined;
  const scope = c.scope;
  if (scope !== undefined || p.attemptTimeout !== undefined) {
    const attemptController = (controller = new AbortController());
    if (scope !== undefined) {
      link = () => attemptController.abort(scope.signal.reason);
      scope.signal.addEventListener('abort', link, { once: true });
    }
    const limit = p.attemptTimeout;
    if (limit !== undefined) {
      timer = new AbortController();
      p.clock.sleep(limit, timer.signal).then(() => attemptController.abort(new AttemptTimeoutError(limit, n)), noop);
    }
  }
  let value: T;
  try {
    const out = c.args === undefined ? c.fn(new Context(n, p.maxRetries + 1 - n, controller)) : c.fn.apply(c.thisArg, c.args as unknown[]);
    value = (await (controller === undefined ? out : raceAbort(out, controller.signal))) as T;
  } catch (error) {
    if (link !== undefined) scope!.signal.removeEventListener('abort', link);
    timer?.abort();
    if (c.stop !== undefined) {
      // Cut short by the caller's signal or the call's deadline: recorded with that reason,
      // but not the call's "last error" (a RetryTimeoutError's cause stays the previous one).
      c.failed = true;
      record(c, t0, 'error', c.stopError);
      return;
    }
    endAttempt(c, t0, true, error, undefined);
    p.rateLimiter?.onResult(isThrottlingError(error));
    return;
  }
  if (link !== undefined) scope!.signal.removeEventListener('abort', link);
  timer?.abort();
  p.rateLimiter?.onResult(false);
  fulfilled(c, t0, value);
}

/** Records an attempt that fulfilled: a success, or a result `retryOnResult` rejects. */
function fulfilled<T>(c: Call<T>, t0: number, value: T): void {
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

function succeed<T>(c: Call<T>): T {
  const p = c.p;
  const elapsed = c.lastEnd - c.start;
  c.ended = true;
  c.recorder?.callEnded(c.attempt, c.totalDelay, undefined, elapsed);
  p.budget?.onSuccess(c.attempt > 1, c.retryAfterTimeout);
  if (p.onSuccess !== undefined) {
    const event: RetryEvent<T> = Object.freeze({
      operationName: c.slot.name, attempt: c.attempt, result: c.value as T, delay: 0, retriesLeft: p.maxRetries + 1 - c.attempt, elapsedMs: elapsed,
    });
    callHook(p.onSuccess, event, 'onSuccess', p.onHookError, false);
  }
  return c.value as T;
}

function giveUp<T>(c: Call<T>, reason: GiveUpReason): never {
  const p = c.p;
  const elapsed = p.timed ? p.clock.now() - c.start : 0;
  c.ended = true;
  c.recorder?.callEnded(c.attempt, c.totalDelay, reason, elapsed);
  const failure = failureOf(c, reason, elapsed);
  if (p.onGiveUp !== undefined) {
    const last = reason === 'circuit-open' ? { error: c.refusal } : outcome(c);
    const event: GiveUpEvent<T> = Object.freeze({
      operationName: c.slot.name, attempt: c.attempt, ...last, delay: 0,
      retriesLeft: Math.max(0, p.maxRetries + 1 - c.attempt), elapsedMs: elapsed, reason,
    });
    callHook(p.onGiveUp, event, 'onGiveUp', p.onHookError, false);
  }
  throw failure;
}

/** Releases everything the call holds: breaker slot, listener on the caller's signal, timers. */
function close<T>(c: Call<T>): void {
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
    c.recorder?.callEnded(c.attempt, c.totalDelay, 'non-retryable', c.p.timed ? c.lastEnd - c.start : 0);
  }
}
