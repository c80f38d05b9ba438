/**
 * One attempt, from admission to decision: the strategies admit it (a rate limiter may make
 * it wait), the user's function runs (the one place it is called, through the entry point's
 * `invoke`) with the attempt's signal, the decision judges a failure, the strategies that
 * admitted it hear how it counted, and the observers hear that it ended.
 */
import { decide, type Decision } from '../decision/decide.js';
import { isTimeoutError } from '../decision/classify.js';
import { matchesAny } from '../decision/match.js';
import { AttemptTimeoutError } from '../errors/attempt-timeout-error.js';
import { notify } from '../observers/notify.js';
import { summarizeError } from '../registry/error-summary.js';
import { ask, isThenable } from '../strategies/ask.js';
import type { RoundTicket } from '../strategies/hedging.js';
import type { AttemptReport, AttemptVerdict, Refusal, Strategy } from '../strategies/strategy.js';
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

/** `retryIf`'s answer, `undefined` when it is not asked; a predicate that throws answers `false` (and is reported). */
async function askRetryIf<T>(c: Call<T>, error: unknown): Promise<boolean | undefined> {
  const s = c.s;
  if (s.retryIf === undefined) return undefined;
  try {
    const info = Object.freeze({ operationName: c.name, attempt: c.attempt, retriesLeft: s.maxRetries - c.attempt + 1, elapsedMs: c.elapsed() });
    const answer = s.retryIf(error, info);
    return Boolean(isThenable(answer) ? await c.wait(answer) : answer);
  } catch (predicateError) {
    if (c.scope?.stop !== undefined) throw predicateError;
    s.report(predicateError, 'retryIf', c.name);
    return false;
  }
}

/**
 * Runs the next attempt of `c` (see the module comment). In a hedged round, `ticket` also
 * aborts the attempt's signal, and the attempt is then awaited until it settles (not raced).
 */
export function attemptOnce<T>(c: Call<T>): Promise<Step<T>>;
export function attemptOnce<T>(c: Call<T>, ticket: RoundTicket): Promise<Attempted<T>>;
export async function attemptOnce<T>(c: Call<T>, ticket?: RoundTicket): Promise<Attempted<T>> {
  const s = c.s;
  let admitted: readonly Strategy[] = [];
  if (s.strategies.length > 0) {
    try {
      const gate = await admit(c, ticket?.signal);
      admitted = gate.admitted;
      if (gate.refusal !== undefined) {
        await release(c, c.attempt + 1, admitted, { verdict: 'ignored', throttled: false, timedOut: false, durationMs: 0 });
        return { kind: 'refused', refusal: gate.refusal };
      }
    } catch (error) {
      if (c.scope?.stop !== undefined) return { kind: 'stopped' };
      throw error;
    }
  }
  if (ticket?.signal.aborted === true) {
    // The round ended while this hedge waited to be admitted: it never starts.
    await release(c, c.attempt + 1, admitted, { verdict: 'ignored', throttled: false, timedOut: false, durationMs: 0 });
    return { kind: 'cancelled' };
  }
  if (c.scope?.stop !== undefined) {
    // The call was stopped (signal, deadline) before this attempt could start: it never does.
    await release(c, c.attempt + 1, admitted, { verdict: 'ignored', throttled: false, timedOut: false, durationMs: 0 });
    return { kind: 'stopped' };
  }
  const n = ++c.attempt;
  const t0 = c.now();
  const scope = c.scope;
  let controller: AbortController | undefined;
  let unlink: (() => void) | undefined;
  let timer: AbortController | undefined;
  let mine: AbortController | undefined;
  let unrelay: (() => void) | undefined;
  if (scope !== undefined || s.attemptTimeout !== undefined || ticket !== undefined) {
    const own = (controller = new AbortController());
    if (scope !== undefined) {
      const link = (): void => own.abort(scope.signal.reason);
      scope.signal.addEventListener('abort', link, { once: true });
      unlink = () => scope.signal.removeEventListener('abort', link);
    }
    const limit = s.attemptTimeout;
    if (limit !== undefined) {
      timer = new AbortController();
      s.clock.sleep(limit, timer.signal).then(() => own.abort(new AttemptTimeoutError(limit, n)), noop);
    }
    if (ticket !== undefined) {
      // The function's signal also aborts when the round cancels it (until it settles); the
      // wait races only the rest.
      const fnSide = (mine = new AbortController());
      own.signal.addEventListener('abort', () => fnSide.abort(own.signal.reason), { once: true });
      const cancel = (): void => fnSide.abort(ticket.signal.reason);
      ticket.signal.addEventListener('abort', cancel, { once: true });
      unrelay = () => ticket.signal.removeEventListener('abort', cancel);
    }
  }
  let failed = false;
  let value: unknown;
  let error: unknown;
  try {
    const out = c.invoke(new Context(n, s.maxRetries + 1 - n, mine ?? controller));
    value = await (controller === undefined ? out : raceAbort(out, controller.signal));
  } catch (thrown) {
    failed = true;
    error = thrown;
  }
  unlink?.();
  unrelay?.();
  timer?.abort();
  const durationMs = c.now() - t0;
  const stopped = scope?.stop !== undefined;
  if (stopped) {
    failed = true;
    error = scope!.stopError;
  }
  let decision: Decision | undefined;
  let verdict: AttemptVerdict = 'ignored';
  let rejected = false;
  let report: AttemptReport | undefined;
  // Read afresh: the round may have aborted the ticket while the attempt ran.
  let cancelled = ticket !== undefined && (ticket.signal.aborted as boolean) && !stopped;
  try {
    if (!failed && !cancelled) rejected = s.retryOnResult !== undefined && s.retryOnResult(value as T);
    if (!stopped && !cancelled && (failed || rejected)) {
      const retryIfAnswer = failed && !matchesAny(s.abortOn, error) ? await askRetryIf(c, error) : undefined;
      decision = decide(s, {
        operationName: c.name, attempt: n, kind: failed ? 'error' : 'result', error, result: value, retryIfAnswer,
        previousDelay: n > 1 ? c.delay : undefined, elapsed: () => c.elapsed(), now: () => s.clock.now(),
      });
    }
    // In a round, the attempt that ends it claims it; one that comes second is a loser.
    const ends = (!failed && !rejected) || (decision !== undefined && !decision.retry && decision.reason === 'non-retryable');
    if (ticket !== undefined && !stopped && !cancelled && ends && !ticket.claim()) cancelled = true;
    if (cancelled) decision = undefined;
    else if (!failed && !rejected) verdict = 'success';
    else if (decision !== undefined && decision.verdict !== 'permanent') verdict = 'failure';
  } finally {
    // Whatever happened above, the attempt is over for the strategies that let it through.
    report = { verdict, throttled: decision?.verdict === 'throttling', timedOut: failed && isTimeoutError(error), error, durationMs };
    ended(c, n, t0, durationMs, failed ? 'error' : rejected ? 'result' : 'success', error, value, ticket?.hedge === true, cancelled);
    if (admitted.length > 0) await release(c, n, admitted, report);
  }
  if (stopped || c.scope?.stop !== undefined) return { kind: 'stopped' };
  if (cancelled) return { kind: 'cancelled', durationMs };
  if (!failed && !rejected) return { kind: 'success', value: value as T, durationMs };
  c.last = failed ? { kind: 'error', error } : { kind: 'result', result: value };
  return { kind: 'failed', decision: decision!, report };
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
