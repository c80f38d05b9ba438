/**
 * The second step of an attempt, from the function's result: the decision judges a failure or
 * a rejected value, then the strategies that admitted the attempt hear how it counted and the
 * observers hear that it ended, whatever happened in between. Answers at once unless something
 * must be waited for (an async `retryIf`, a strategy that answers later).
 */
import { decide, type Decision } from '../decision/decide.js';
import { isTimeoutError } from '../decision/classify.js';
import { matchesAny } from '../decision/match.js';
import { notify } from '../observers/notify.js';
import { summarizeError } from '../registry/error-summary.js';
import { isThenable } from '../strategies/ask.js';
import type { AttemptReport, AttemptVerdict, MaybePromise } from '../strategies/strategy.js';
import { release } from './admission.js';
import type { Call } from './call.js';
import type { Attempted, Running } from './running.js';

/**
 * `retryIf`'s answer, `undefined` when it is not asked (a promise only when the predicate
 * answers with one); a predicate that throws answers `false` (and is reported).
 */
function askRetryIf<T>(c: Call<T>, error: unknown): MaybePromise<boolean | undefined> {
  const s = c.s;
  if (s.retryIf === undefined) return undefined;
  const failed = (predicateError: unknown): false => {
    if (c.scope?.stop !== undefined) throw predicateError;
    s.report(predicateError, 'retryIf', c.name);
    return false;
  };
  try {
    const info = Object.freeze({ operationName: c.name, attempt: c.attempt, retriesLeft: s.maxRetries - c.attempt + 1, elapsedMs: c.elapsed() });
    const answer = s.retryIf(error, info);
    return isThenable(answer) ? Promise.resolve(c.wait(answer)).then(Boolean, failed) : Boolean(answer);
  } catch (predicateError) {
    return failed(predicateError);
  }
}

/** How an attempt ended, as `finish` works it out. */
class End {
  /** `retryOnResult` rejected the value. */
  rejected = false;
  decision: Decision | undefined = undefined;
  verdict: AttemptVerdict = 'ignored';
  constructor(
    readonly durationMs: number,
    /** The call was stopped (signal, deadline) while the attempt ran. */
    readonly stopped: boolean,
    readonly failed: boolean,
    readonly value: unknown,
    readonly error: unknown,
    /** A round's loser: another attempt ended the round. */
    public cancelled: boolean,
  ) {}

  #report: AttemptReport | undefined;

  /** The attempt as the strategies hear of it (made when first asked for: a success without strategies never is). */
  report(): AttemptReport {
    return this.#report ??= {
      verdict: this.verdict, throttled: this.decision?.verdict === 'throttling', timedOut: this.failed && isTimeoutError(this.error),
      error: this.error, durationMs: this.durationMs,
    };
  }
}

/**
 * Judges the attempt `r` once its function has settled (`failed` with `error`, or with
 * `value`): the decision, then the strategies that admitted it hear how it counted and the
 * observers hear that it ended, whatever happened in between. Answers at once unless something
 * must be waited for (an async `retryIf`, a strategy that answers later).
 */
export function finish<T>(c: Call<T>, r: Running, failed: boolean, value: unknown, error: unknown): MaybePromise<Attempted<T>> {
  r.unwire?.();
  const durationMs = c.now() - r.t0;
  const stopped = c.scope?.stop !== undefined;
  // Read afresh: the round may have aborted the ticket while the attempt ran.
  const cancelled = r.ticket !== undefined && (r.ticket.signal.aborted as boolean) && !stopped;
  const e = stopped ? new End(durationMs, true, true, value, c.scope!.stopError, false) : new End(durationMs, false, failed, value, error, cancelled);
  let judged: void | PromiseLike<void>;
  try {
    judged = judge(c, r, e);
  } catch (internal) {
    return closeAndThrow(c, r, e, internal);
  }
  if (judged !== undefined) return Promise.resolve(judged).then(() => closeThenStep(c, r, e), (internal: unknown) => closeAndThrow(c, r, e, internal));
  return closeThenStep(c, r, e);
}

/** The decision on a failure or a rejected value, and whether the attempt ends a hedged round. */
function judge<T>(c: Call<T>, r: Running, e: End): void | PromiseLike<void> {
  const s = c.s;
  if (!e.failed && !e.cancelled) e.rejected = s.retryOnResult !== undefined && s.retryOnResult(e.value as T);
  if (e.stopped || e.cancelled || !(e.failed || e.rejected)) return conclude(r, e);
  const answer = e.failed && !matchesAny(s.abortOn, e.error) ? askRetryIf(c, e.error) : undefined;
  if (isThenable(answer)) return answer.then((retryIfAnswer) => decideFor(c, r, e, retryIfAnswer));
  return decideFor(c, r, e, answer);
}

function decideFor<T>(c: Call<T>, r: Running, e: End, retryIfAnswer: boolean | undefined): void {
  e.decision = decide(c.s, {
    operationName: c.name, attempt: r.n, kind: e.failed ? 'error' : 'result', error: e.error, result: e.value, retryIfAnswer,
    previousDelay: r.n > 1 ? c.delay : undefined, elapsed: () => c.elapsed(), now: () => c.s.clock.now(),
  });
  conclude(r, e);
}

/** In a round, the attempt that ends it claims it; one that comes second is a loser. Then the verdict. */
function conclude(r: Running, e: End): void {
  const ends = (!e.failed && !e.rejected) || (e.decision !== undefined && !e.decision.retry && e.decision.reason === 'non-retryable');
  if (r.ticket !== undefined && !e.stopped && !e.cancelled && ends && !r.ticket.claim()) e.cancelled = true;
  if (e.cancelled) e.decision = undefined;
  else if (!e.failed && !e.rejected) e.verdict = 'success';
  else if (e.decision !== undefined && e.decision.verdict !== 'permanent') e.verdict = 'failure';
}

/** The attempt is over: the observers hear of it and the admitters are told how it counted. */
function close<T>(c: Call<T>, r: Running, e: End): MaybePromise<void> {
  ended(c, r.n, r.t0, e.durationMs, e.failed ? 'error' : e.rejected ? 'result' : 'success', e.error, e.value, r.ticket?.hedge === true, e.cancelled);
  if (r.admitted.length > 0) return release(c, r.n, r.admitted, e.report());
}

/** `close`, then the step is answered. */
function closeThenStep<T>(c: Call<T>, r: Running, e: End): MaybePromise<Attempted<T>> {
  const closed = close(c, r, e);
  return isThenable(closed) ? Promise.resolve(closed).then(() => step(c, e)) : step(c, e);
}

/** `close` after the decision failed (a predicate or the clock threw): the attempt is still closed, then the failure goes on. */
function closeAndThrow<T>(c: Call<T>, r: Running, e: End, internal: unknown): MaybePromise<never> {
  const closed = close(c, r, e);
  if (isThenable(closed)) return Promise.resolve(closed).then(() => { throw internal; });
  throw internal;
}

function step<T>(c: Call<T>, e: End): Attempted<T> {
  if (e.stopped || c.scope?.stop !== undefined) return { kind: 'stopped' };
  if (e.cancelled) return { kind: 'cancelled', durationMs: e.durationMs };
  if (!e.failed && !e.rejected) return { kind: 'success', value: e.value as T, durationMs: e.durationMs };
  c.last = e.failed ? { kind: 'error', error: e.error } : { kind: 'result', result: e.value };
  return { kind: 'failed', decision: e.decision!, report: e.report() };
}

/**
 * Reports the attempt's end to the observers and, when kept, to the call's log. A hedge, and
 * a round's loser (`cancelled`), say so; a loser's error is not one of the call's errors.
 */
function ended<T>(c: Call<T>, n: number, t0: number, durationMs: number, outcome: 'success' | 'error' | 'result', error: unknown, value: unknown,
  hedge: boolean, cancelled: boolean): void {
  const s = c.s;
  if (outcome === 'error' && !cancelled) c.errors?.push(error);
  c.log?.push(Object.freeze({
    operationName: c.name, attemptNumber: n, delay: c.delay, success: outcome === 'success',
    ...(outcome === 'error' ? { error: summarizeError(error) } : {}), timestamp: t0, durationMs,
  }));
  if (!c.heard) return;
  notify(s.observers, 'attemptEnded', Object.freeze({
    operationName: c.name, attempt: n, delay: c.delay, outcome,
    ...(outcome === 'error' ? { error } : { result: value }), timestamp: t0, durationMs,
    ...(hedge ? { hedge } : {}), ...(cancelled ? { cancelled } : {}),
  }), s.report, c.quiet);
}
