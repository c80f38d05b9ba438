/**
 * One attempt, from admission to decision: the strategies admit it (a rate limiter may make
 * it wait), the user's function runs (the one place it is called, through the entry point's
 * `invoke`) with the attempt's signal, the decision judges a failure, the strategies that
 * admitted it hear how it counted, and the observers hear that it ended.
 *
 * In two steps around the wait for the function's result: `begin` up to the call of the
 * function, `finish` from its result. The loop awaits the result itself, so no other async
 * function stands between the caller and it; each step answers at once unless something (a
 * strategy, an async `retryIf`) makes it wait. `attemptOnce` chains them for a hedged round.
 */
import { decide, type Decision } from '../decision/decide.js';
import { isTimeoutError } from '../decision/classify.js';
import { matchesAny } from '../decision/match.js';
import { AttemptTimeoutError } from '../errors/attempt-timeout-error.js';
import { notify } from '../observers/notify.js';
import { summarizeError } from '../registry/error-summary.js';
import { ask, isThenable } from '../strategies/ask.js';
import type { RoundTicket } from '../strategies/hedging.js';
import type { AttemptReport, AttemptVerdict, MaybePromise, Refusal, Strategy } from '../strategies/strategy.js';
import { Context } from './attempt-context.js';
import type { Call } from './call.js';
import { raceAbort } from './race-abort.js';

const noop = (): void => undefined;

/** What became of an attempt. `'cancelled'`: a hedged round's loser (`hedging.ts`). */
export type Attempted<T> =
  | { readonly kind: 'success'; readonly value: T; readonly durationMs: number }
  | { readonly kind: 'failed'; readonly decision: Decision; readonly report: AttemptReport }
  | { readonly kind: 'refused'; readonly refusal: Refusal }
  | { readonly kind: 'stopped' }
  /** `durationMs` is missing for a hedge withdrawn before it started. */
  | { readonly kind: 'cancelled'; readonly durationMs?: number };

/** What the loop's attempt step answers: an attempt, or a hedged round (never a loser). */
export type Step<T> = Exclude<Attempted<T>, { readonly kind: 'cancelled' }>;

/**
 * Asks each strategy to admit the attempt, in order. Returns the admitters, or why not. A
 * hedge's wait ends early, admitting nothing more, when its round no longer needs it (`until`).
 */
async function admit<T>(c: Call<T>, until: AbortSignal | undefined): Promise<{ admitted: Strategy[]; refusal?: Refusal }> {
  const admitted: Strategy[] = [];
  const ctx = { operationName: c.name, attempt: c.attempt + 1, lastError: c.last?.kind === 'error' ? c.last.error : undefined };
  for (const strategy of c.s.strategies) {
    if (strategy.beforeAttempt === undefined) {
      admitted.push(strategy);
      continue;
    }
    for (;;) {
      let answer = ask(strategy, 'beforeAttempt', ctx);
      if (isThenable(answer)) answer = await c.wait(answer);
      if (answer === true) break;
      if ('reason' in answer) return { admitted, refusal: answer };
      try {
        await c.wait(c.s.clock.sleep(answer.waitMs, until ?? c.scope?.signal));
      } catch (error) {
        if (until?.aborted === true && c.scope?.stop === undefined) return { admitted };
        throw error;
      }
    }
    admitted.push(strategy);
  }
  return { admitted };
}

/** Tells each admitter how attempt `n` counted. */
async function release<T>(c: Call<T>, n: number, admitted: readonly Strategy[], report: AttemptReport): Promise<void> {
  const ctx = { operationName: c.name, attempt: n };
  for (const strategy of admitted) {
    if (strategy.afterAttempt === undefined) continue;
    const answer = ask(strategy, 'afterAttempt', ctx, report);
    if (isThenable(answer)) await c.wait(answer);
  }
}

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

/** The report of an attempt that never ran, for the strategies that admitted it. */
const NOT_RUN: AttemptReport = Object.freeze({ verdict: 'ignored', throttled: false, timedOut: false, durationMs: 0 });
const NONE: readonly Strategy[] = Object.freeze([]);

/** An attempt under way: what `begin` started, for `finish` to judge once `out` has settled. */
export class Running {
  constructor(
    /** The attempt's number. */
    readonly n: number,
    /** The clock's time when it started. */
    readonly t0: number,
    /** What the function returned (raced against the attempt's signal when it has one); a rejected promise when it threw. */
    readonly out: unknown,
    /** The strategies that admitted it. */
    readonly admitted: readonly Strategy[],
    readonly ticket: RoundTicket | undefined,
    /** Undoes the attempt's signal wiring. */
    readonly unwire: (() => void) | undefined,
  ) {}
}

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
  if (judged !== undefined) return Promise.resolve(judged).then(() => close(c, r, e), (internal: unknown) => closeAndThrow(c, r, e, internal));
  return close(c, r, e);
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

/** The attempt is over: the observers hear of it, the admitters are told how it counted, and the step is answered. */
function close<T>(c: Call<T>, r: Running, e: End): MaybePromise<Attempted<T>> {
  ended(c, r.n, r.t0, e.durationMs, e.failed ? 'error' : e.rejected ? 'result' : 'success', e.error, e.value, r.ticket?.hedge === true, e.cancelled);
  if (r.admitted.length === 0) return step(c, e);
  return release(c, r.n, r.admitted, e.report()).then(() => step(c, e));
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
 * Runs the next attempt of `c` to its end, for a hedged round, which runs several at once: the
 * loop itself (`run-call.ts`) chains `begin`, the wait and `finish` for its one attempt at a time.
 */
export async function attemptOnce<T>(c: Call<T>, ticket: RoundTicket): Promise<Attempted<T>> {
  const begun = await begin(c, ticket);
  if (!(begun instanceof Running)) return begun;
  let failed = false;
  let value: unknown;
  let error: unknown;
  try {
    value = await begun.out;
  } catch (thrown) {
    failed = true;
    error = thrown;
  }
  return finish(c, begun, failed, value, error);
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
  if (s.observers.length === 0) return;
  notify(s.observers, 'attemptEnded', Object.freeze({
    operationName: c.name, attempt: n, delay: c.delay, outcome,
    ...(outcome === 'error' ? { error } : { result: value }), timestamp: t0, durationMs,
    ...(hedge ? { hedge } : {}), ...(cancelled ? { cancelled } : {}),
  }), s.report);
}
