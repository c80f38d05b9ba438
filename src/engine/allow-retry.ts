/**
 * Asks the strategies' `allowRetry`, in order, whether the call may make one more attempt
 * after the one `report` describes: before a retry (the loop) and before a hedge (a hedged
 * round). The first refusal answers.
 */
import { ask, isThenable } from '../strategies/ask.js';
import type { AttemptReport, Refusal } from '../strategies/strategy.js';
import type { Call } from './call.js';

/** `true` when every strategy grants one more attempt, else the first refusal. */
export async function allowRetry<T>(c: Call<T>, report: AttemptReport): Promise<true | Refusal> {
  for (const strategy of c.s.strategies) {
    if (strategy.allowRetry === undefined) continue;
    let answer = ask(strategy, 'allowRetry', { operationName: c.name, attempt: c.attempt }, report);
    if (isThenable(answer)) answer = await c.wait(answer);
    if (answer !== true) return answer;
  }
  return true;
}
