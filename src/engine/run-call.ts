/**
 * The engine: one loop runs every call of every entry point. The entry points validate their
 * options once (`settings.ts`) and adapt their calling form into `invoke` (`fn(ctx)` for
 * `retry`, `fn.apply(this, args)` for the wrappers); everything else happens here:
 *
 *     call started → strategies' callStarted
 *     for each attempt: begin (admission, the call of the function), its result, finish (the
 *       decision, release), or with `hedging`, a hedged round of attempts (hedged-step.ts)
 *       success → done; refused → give up; not retryable → give up
 *       strategies' allowRetry (the budget) → retry scheduled (onRetry) → wait the delay
 *     strategies' callEnded → call ended (onSuccess / onGiveUp, the registry)
 *     a give-up the `fallback` covers → its value instead
 *
 * Every wait on something outside the library (an attempt, a hook, a predicate, a strategy, a
 * delay) goes through `Call.wait`, so the call's `timeout` and `signal` bound it.
 */
import { RetryTimeoutError } from '../errors/retry-timeout-error.js';
import { notify, notifyCallStarted, notifyPolicy } from '../observers/notify.js';
import { ask, isThenable } from '../strategies/ask.js';
import { useFallback, type FallbackPlan } from '../strategies/fallback.js';
import type { Strategy } from '../strategies/strategy.js';
import { allowRetry } from './allow-retry.js';
import { begin } from './attempt.js';
import { finish } from './attempt-end.js';
import { Call, type Invoke } from './call.js';
import { hedgedStep } from './hedged-step.js';
import { failureOf, type Ending } from './outcome.js';
import { Running, type Step } from './running.js';
import { Scope } from './scope.js';
import type { CallSettings } from './settings.js';
import type { GiveUpReason } from './types.js';

export type { Invoke } from './call.js';

/** Runs one call of `invoke` under the settings `s`, recorded as operation `name`. */
export async function runCall<T>(s: CallSettings<T>, name: string, invoke: Invoke): Promise<T> {
  const c = new Call(s, name, invoke);
  let ending: Ending<T> | undefined;
  try {
    c.start = c.now();
  } catch (internal) {
    ending = { ok: false, reason: 'non-retryable', error: internal, internal: true };
  }
  if (s.observers.length > 0) c.quiet = notifyCallStarted(s.observers, Object.freeze({ operationName: name, timestamp: c.start }), s.report);
  // The attempts, until the call succeeds or gives up (one async function with the call's start
  // and end: each async function between the caller and its result costs about a bare call).
  const started = ending === undefined;
  attempts: if (started) {
    if (s.signal !== undefined || s.timeout !== undefined) {
      if (s.signal?.aborted) { ending = { ok: false, reason: 'aborted', error: s.signal.reason }; break attempts; }
      const timeout = s.timeout;
      c.scope = new Scope(s.signal, timeout, s.clock, () => new RetryTimeoutError({
        operationName: c.name, timeout: timeout!, elapsedMs: timeout!, attemptCount: c.attempt, cause: c.last?.kind === 'error' ? c.last.error : undefined,
      }));
    }
    try {
      if (s.strategies.length > 0) await tellStrategies(c, 'callStarted');
      for (;;) {
        let attempt: Step<T>;
        if (s.hedging !== undefined) attempt = await hedgedStep(c, s.hedging);
        else {
          let begun = begin(c);
          if (isThenable(begun)) begun = await begun;
          if (begun instanceof Running) {
            let failed = false;
            let value: unknown;
            let error: unknown;
            try {
              value = await begun.out;
            } catch (thrown) {
              failed = true;
              error = thrown;
            }
            const ended = finish<T>(c, begun, failed, value, error);
            // Without a hedged round's ticket, an attempt is never a round's loser.
            attempt = (isThenable(ended) ? await ended : ended) as Step<T>;
          } else attempt = begun;
        }
        if (attempt.kind === 'success') { ending = { ok: true, value: attempt.value }; break attempts; }
        if (attempt.kind === 'stopped') { ending = stopped(c); break attempts; }
        if (attempt.kind === 'refused') { ending = { ok: false, reason: attempt.refusal.reason, error: attempt.refusal.error }; break attempts; }
        const decision = attempt.decision;
        if (!decision.retry) { ending = { ok: false, reason: decision.reason }; break attempts; }
        const granted = await allowRetry(c, attempt.report);
        if (granted !== true) { ending = { ok: false, reason: granted.reason }; break attempts; }
        c.lastRetryAfterTimeout = attempt.report.timedOut;
        if (c.heard) {
          const pending = notify(s.observers, 'retryScheduled', Object.freeze({
            operationName: c.name, attempt: c.attempt, delay: decision.delay,
            ...(c.last!.kind === 'error' ? { error: c.last!.error } : { result: c.last!.result }),
            retriesLeft: s.maxRetries + 1 - c.attempt, elapsedMs: c.elapsed(),
          }), s.report, c.quiet);
          if (pending !== undefined) await c.wait(Promise.all(pending));
        }
        if (decision.delay > 0) await c.wait(s.clock.sleep(decision.delay, c.scope?.signal));
        c.delay = decision.delay;
        c.totalDelay += decision.delay;
      }
    } catch (error) {
      if (c.scope?.stop !== undefined) { ending = stopped(c); break attempts; }
      ending = { ok: false, reason: 'non-retryable', error, internal: true };
    }
  }
  // Every path through the attempts above sets the ending; `started` is false only when it was set before.
  ending = ending!;
  if (started && s.strategies.length > 0) {
    try {
      await tellStrategies(c, 'callEnded', {
        success: ending.ok, attempts: c.attempt, lastRetryAfterTimeout: c.lastRetryAfterTimeout, ...(ending.ok ? {} : { reason: ending.reason }),
      });
    } catch (internal) {
      if (c.scope?.stop === undefined) ending = { ok: false, reason: 'non-retryable', error: internal, internal: true };
    }
  }
  c.scope?.close();
  let elapsedMs = 0;
  try {
    elapsedMs = c.elapsed();
  } catch (internal) {
    // A clock that fails as the call ends: the call still settles, with that failure if it had none.
    if (ending.ok || ending.internal !== true) ending = { ok: false, reason: 'non-retryable', error: internal, internal: true };
  }
  const failure = ending.ok ? undefined : failureOf(c, ending, elapsedMs);
  if (c.heard) {
    const last = ending.ok ? {} : ending.internal === true ? { lastError: failure } : c.last === undefined ? {}
      : c.last.kind === 'error' ? { lastError: c.last.error } : { lastResult: c.last.result };
    notify(s.observers, 'callEnded', Object.freeze({
      operationName: name, attempts: c.attempt, totalDelayMs: c.totalDelay, elapsedMs, timestamp: c.start + elapsedMs,
      ...(ending.ok ? { result: ending.value } : { reason: ending.reason, error: failure, ...last }),
    }), s.report, c.quiet);
  }
  if (ending.ok) return ending.value;
  if (s.fallback !== undefined && ending.internal !== true && s.fallback.on.has(ending.reason)) {
    return fallBack(c, s.fallback as FallbackPlan<T>, ending.reason, failure, elapsedMs);
  }
  throw failure;
}

/** The call's fallback value for a give-up it covers (`strategies/fallback.ts`). */
function fallBack<T>(c: Call<T>, plan: FallbackPlan<T>, reason: GiveUpReason, failure: unknown, elapsedMs: number): Promise<T> {
  const s = c.s;
  const last = c.last === undefined ? {} : c.last.kind === 'error' ? { error: c.last.error } : { result: c.last.result as T };
  const event = Object.freeze({
    operationName: c.name, attempt: c.attempt, ...last, delay: 0, retriesLeft: Math.max(0, s.maxRetries + 1 - c.attempt), elapsedMs, reason, failure,
  });
  return useFallback(plan, event, {
    report: (error) => s.report(error, 'fallback', c.name),
    event: (type, details) => notifyPolicy(s.observers, c.quiet, s.report, 'fallback', type, c.name, s.clock.now(), details),
  });
}

/** The ending of a call its scope halted. */
function stopped<T>(c: Call<T>): Ending<T> {
  return { ok: false, reason: c.scope!.stop!, error: c.scope!.stopError };
}

/** Tells every strategy that has `method` (the call's start or end), waiting for any that answers later. */
async function tellStrategies<T>(c: Call<T>, method: 'callStarted' | 'callEnded', report?: Parameters<NonNullable<Strategy['callEnded']>>[1]): Promise<void> {
  const ctx = { operationName: c.name, attempt: c.attempt };
  for (const strategy of c.s.strategies) {
    if (strategy[method] === undefined) continue;
    const answer = method === 'callStarted' ? ask(strategy, 'callStarted', ctx) : ask(strategy, 'callEnded', ctx, report!);
    if (isThenable(answer)) await c.wait(answer);
  }
}
