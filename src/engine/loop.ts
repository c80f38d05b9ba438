/**
 * The full attempt loop, for calls whose options need cancellation or policies (a signal, a
 * deadline, an attempt timeout, a breaker, a budget or a rate limiter). Data flows one way:
 * the options were normalized once into a `Policy`; the loop runs attempts, asks the policies,
 * and reports to the recorder and the hooks. Nothing here is called back by the registry.
 *
 * Calls with none of those start lean (`wrapper.ts`, `lean-call.ts`) and retry in the lean
 * loop (`lean-loop.ts`). Both loops hold the state of one call in a `Call` object and end
 * attempts and calls the same way (`call-end.ts`).
 */
import { AttemptTimeoutError } from '../errors/attempt-timeout-error.js';
import { CircuitOpenError } from '../errors/circuit-open-error.js';
import { RetryTimeoutError } from '../errors/retry-timeout-error.js';
import { Context } from './attempt-context.js';
import { Call, type AnyFunction, type OperationSlot } from './call.js';
import { close, endAttempt, fulfilled, giveUp, recorderOf, record, startTime, succeed, tellRetry } from './call-end.js';
import { isThrottlingError } from '../decision/classify.js';
import { classify, decide, decideAfterRetryIf } from '../decision/decide.js';
import type { Policy } from './options.js';
import { raceAbort } from './race-abort.js';

const noop = (): void => undefined;

/** Starts a call on the full path: one `Call` object holds its state. */
export function fullCall<T>(p: Policy<T>, slot: OperationSlot, fn: AnyFunction, thisArg: unknown, args: readonly unknown[] | undefined): Promise<T> {
  const c = new Call(p, slot, fn, thisArg, args);
  c.recorder = recorderOf(p as Policy<unknown>, slot);
  try {
    c.start = startTime(p as Policy<unknown>, slot, c.recorder);
  } catch (error) {
    return Promise.reject(error);
  }
  return loop(c);
}

async function loop<T>(c: Call<T>): Promise<T> {
  const p = c.p;
  let failure: unknown;
  try {
    if (!open(c)) return giveUp(c, 'aborted');
    p.budget?.onCall();
    await attempt(c);
    for (;;) {
      if (c.stop !== undefined) return giveUp(c, c.stop);
      if (c.refusal !== undefined) return giveUp(c, 'circuit-open');
      if (!c.failed) return succeed(c);
      // Only `retryIf` can make the decision wait; without it, no promise is made for it.
      const next = p.retryIf !== undefined && c.hasError && !c.predicateThrew ? await decideAfterRetryIf(c) : decide(c, classify(c));
      if (c.stop !== undefined) return giveUp(c, c.stop);
      if (typeof next === 'string') return giveUp(c, next);
      if (p.onRetry !== undefined) {
        const pending = tellRetry(c, next);
        if (pending !== undefined) await pending;
        if (c.stop !== undefined) return giveUp(c, c.stop);
      }
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
      await attempt(c);
    }
  } catch (error) {
    // What the call rejects with: a give-up (already told) or an internal failure (told now).
    failure = error;
    throw error;
  } finally {
    close(c, failure);
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
