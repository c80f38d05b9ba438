/**
 * The strategies' side of one attempt: they admit it before it starts (a rate limiter may make
 * it wait; a breaker or a budget may refuse it), and each that admitted it hears how it counted.
 */
import { ask, isThenable } from '../strategies/ask.js';
import type { AttemptReport, Refusal, Strategy } from '../strategies/strategy.js';
import type { Call } from './call.js';

/**
 * Asks each strategy to admit the attempt, in order. Returns the admitters, or why not. A
 * hedge's wait ends early, admitting nothing more, when its round no longer needs it (`until`).
 */
export async function admit<T>(c: Call<T>, until: AbortSignal | undefined): Promise<{ admitted: Strategy[]; refusal?: Refusal }> {
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
export async function release<T>(c: Call<T>, n: number, admitted: readonly Strategy[], report: AttemptReport): Promise<void> {
  const ctx = { operationName: c.name, attempt: n };
  for (const strategy of admitted) {
    if (strategy.afterAttempt === undefined) continue;
    const answer = ask(strategy, 'afterAttempt', ctx, report);
    if (isThenable(answer)) await c.wait(answer);
  }
}

/** The report of an attempt that never ran, for the strategies that admitted it. */
export const NOT_RUN: AttemptReport = Object.freeze({ verdict: 'ignored', throttled: false, timedOut: false, durationMs: 0 });
