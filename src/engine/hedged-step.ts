/**
 * The engine's side of hedging: a hedged round (`strategies/hedging.ts`) run on the call's
 * attempts, strategies, clock and observers. The loop calls it instead of `attemptOnce` when
 * the `hedging` option is on; each attempt of the round is an `attemptOnce`, so the strategies
 * admit and hear of every one.
 */
import { hedgedRound, type RoundAttempt } from '../strategies/hedging.js';
import type { HedgingPlan } from '../strategies/hedging-options.js';
import { notifyPolicy } from '../observers/notify.js';
import { allowRetry } from './allow-retry.js';
import { attemptOnce } from './attempt.js';
import type { Attempted, Step } from './running.js';
import type { Call } from './call.js';

function judge<T>(outcome: Attempted<T>): RoundAttempt {
  if (outcome.kind !== 'failed') return outcome.kind;
  return !outcome.decision.retry && outcome.decision.reason === 'non-retryable' ? 'fatal' : 'failed';
}

/**
 * How long an attempt took, when that says how slow the operation is: a success, a loser (cut
 * short when a hedge won: a lower bound, but one past the delay), a timeout. Only attempts that
 * started alone are recorded (`RoundTicket.alone`): a hedge sent because another attempt was
 * slow, and cut short at any time when it loses, would pull the estimate below the operation's.
 */
function latency<T>(outcome: Attempted<T>): number | undefined {
  if (outcome.kind === 'success' || outcome.kind === 'cancelled') return outcome.durationMs;
  return outcome.kind === 'failed' && outcome.report.timedOut ? outcome.report.durationMs : undefined;
}

/** One hedged round of `c`'s attempts, as the loop's attempt step. */
export async function hedgedStep<T>(c: Call<T>, plan: HedgingPlan): Promise<Step<T>> {
  const s = c.s;
  const outcome = await hedgedRound<Attempted<T>>({
    operationName: c.name,
    attempts: c.attempt,
    attemptsLeft: s.maxRetries + 1 - c.attempt,
    attempt: async (ticket) => {
      const attempted = await attemptOnce(c, ticket);
      const ms = latency(attempted);
      if (ms !== undefined && ticket.alone) plan.record(c.name, Math.max(0, ms));
      return attempted;
    },
    judge,
    allowHedge: async (after) => {
      const report = after?.kind === 'failed' ? after.report : { verdict: 'ignored' as const, throttled: false, timedOut: false, durationMs: 0 };
      return (await allowRetry(c, report)) === true;
    },
    elapsed: () => c.elapsed(),
    sleep: (ms, signal) => s.clock.sleep(ms, signal),
    event: (type, details) => notifyPolicy(s.observers, c.quiet, s.report, 'hedging', type, c.name, s.clock.now(), details),
  }, plan);
  if (outcome.kind === 'cancelled') throw new Error('maestro-retry: internal error: a hedged round ended on a cancelled attempt');
  // A retry the last failure allowed may be one the call no longer has: hedges counted as retries.
  if (outcome.kind === 'failed' && outcome.decision.retry && c.attempt > s.maxRetries) {
    return { ...outcome, decision: { retry: false, reason: 'exhausted', verdict: outcome.decision.verdict } };
  }
  return outcome;
}
