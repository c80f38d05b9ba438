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
import type { AttemptReport, AttemptVerdict, Refusal, Strategy } from '../strategies/strategy.js';
import { Context } from './attempt-context.js';
import type { Call } from './call.js';
import { raceAbort } from './race-abort.js';

const noop = (): void => undefined;

/** What became of an attempt. */
export type Attempted<T> =
  | { readonly kind: 'success'; readonly value: T }
  | { readonly kind: 'failed'; readonly decision: Decision; readonly report: AttemptReport }
  | { readonly kind: 'refused'; readonly refusal: Refusal }
  | { readonly kind: 'stopped' };

/** Asks each strategy to admit the attempt, in order. Returns the admitters, or why not. */
async function admit<T>(c: Call<T>): Promise<{ admitted: Strategy[]; refusal?: Refusal; stopped?: boolean }> {
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
      await c.wait(c.s.clock.sleep(answer.waitMs, c.scope?.signal));
    }
    admitted.push(strategy);
  }
  return { admitted };
}

/** Tells each admitter how the attempt counted. */
async function release<T>(c: Call<T>, admitted: readonly Strategy[], report: AttemptReport): Promise<void> {
  const ctx = { operationName: c.name, attempt: c.attempt };
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

/** Runs the next attempt of `c` (see the module comment). */
export async function attemptOnce<T>(c: Call<T>): Promise<Attempted<T>> {
  const s = c.s;
  let admitted: readonly Strategy[] = [];
  if (s.strategies.length > 0) {
    try {
      const gate = await admit(c);
      admitted = gate.admitted;
      if (gate.refusal !== undefined) {
        await release(c, admitted, { verdict: 'ignored', throttled: false, timedOut: false, durationMs: 0 });
        return { kind: 'refused', refusal: gate.refusal };
      }
    } catch (error) {
      if (c.scope?.stop !== undefined) return { kind: 'stopped' };
      throw error;
    }
  }
  const n = ++c.attempt;
  const t0 = c.now();
  const scope = c.scope;
  let controller: AbortController | undefined;
  let unlink: (() => void) | undefined;
  let timer: AbortController | undefined;
  if (scope !== undefined || s.attemptTimeout !== undefined) {
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
  }
  let failed = false;
  let value: unknown;
  let error: unknown;
  try {
    const out = c.invoke(new Context(n, s.maxRetries + 1 - n, controller));
    value = await (controller === undefined ? out : raceAbort(out, controller.signal));
  } catch (thrown) {
    failed = true;
    error = thrown;
  }
  unlink?.();
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
  try {
    if (!failed) rejected = s.retryOnResult !== undefined && s.retryOnResult(value as T);
    if (!stopped && (failed || rejected)) {
      const retryIfAnswer = failed && !matchesAny(s.abortOn, error) ? await askRetryIf(c, error) : undefined;
      decision = decide(s, {
        operationName: c.name, attempt: n, kind: failed ? 'error' : 'result', error, result: value, retryIfAnswer,
        previousDelay: n > 1 ? c.delay : undefined, elapsed: () => c.elapsed(), now: () => s.clock.now(),
      });
    }
    if (!failed && !rejected) verdict = 'success';
    else if (decision !== undefined && decision.verdict !== 'permanent') verdict = 'failure';
  } finally {
    // Whatever happened above, the attempt is over for the strategies that let it through.
    report = { verdict, throttled: decision?.verdict === 'throttling', timedOut: failed && isTimeoutError(error), error, durationMs };
    ended(c, n, t0, durationMs, failed ? 'error' : rejected ? 'result' : 'success', error, value);
    if (admitted.length > 0) await release(c, admitted, report);
  }
  if (stopped || c.scope?.stop !== undefined) return { kind: 'stopped' };
  if (!failed && !rejected) return { kind: 'success', value: value as T };
  c.last = failed ? { kind: 'error', error } : { kind: 'result', result: value };
  return { kind: 'failed', decision: decision!, report };
}

/** Reports the attempt's end to the observers and, when kept, to the call's log. */
function ended<T>(c: Call<T>, n: number, t0: number, durationMs: number, outcome: 'success' | 'error' | 'result', error: unknown, value: unknown): void {
  const s = c.s;
  if (outcome === 'error') c.errors?.push(error);
  c.log?.push(Object.freeze({
    operationName: c.name, attemptNumber: n, delay: c.delay, success: outcome === 'success',
    ...(outcome === 'error' ? { error: summarizeError(error) } : {}), timestamp: t0, durationMs,
  }));
  if (s.observers.length === 0) return;
  notify(s.observers, 'attemptEnded', Object.freeze({
    operationName: c.name, attempt: n, delay: c.delay, outcome,
    ...(outcome === 'error' ? { error } : { result: value }), timestamp: t0, durationMs,
  }), s.report);
}
