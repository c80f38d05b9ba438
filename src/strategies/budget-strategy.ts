/**
 * What the retry budgets share as strategies: a refused retry ends the call with give-up
 * reason `'budget'` and a `RetryBudgetExhaustedError`.
 */
import { RetryBudgetExhaustedError } from '../errors/retry-budget-exhausted-error.js';
import type { AttemptReport, MaybePromise, Refusal, StrategyContext } from './strategy.js';

/**
 * The refusal of a retry after the attempt `report` describes. The error carries what a
 * strategy knows (the operation and the last error); the engine, which knows every attempt,
 * may build a fuller one.
 */
export function budgetRefusal(ctx: StrategyContext, report: AttemptReport): Refusal {
  const failed = report.error !== undefined;
  const error = new RetryBudgetExhaustedError({
    operationName: ctx.operationName,
    errors: failed ? [report.error] : [],
    attempts: [],
    elapsedMs: 0,
    ...(failed ? { cause: report.error } : {}),
  });
  return { reason: 'budget', error };
}

/** A budget's grant (now or later) as a strategy's answer to `allowRetry`. */
export function retryAnswer(granted: boolean | Promise<boolean>, ctx: StrategyContext, report: AttemptReport): MaybePromise<true | Refusal> {
  if (granted === true) return true;
  if (granted === false) return budgetRefusal(ctx, report);
  return granted.then((ok) => (ok ? true : budgetRefusal(ctx, report)));
}
