/**
 * A hedged round: the engine's attempt step when the `hedging` option is on.
 *
 * The round starts one attempt. Each time the hedge delay passes with no attempt ended, it
 * starts another (a hedge), if hedges are left and the strategies grant a retry (the budget
 * pays a hedge with the same tokens as a retry). Then:
 * - the first success wins: every other attempt's signal aborts, and the round ends only once
 *   they have all settled;
 * - a retryable failure starts the next hedge at once (same conditions);
 * - a non-retryable failure ends the round the same way (its error ends the call);
 * - when every attempt has failed (or a strategy refused the next one), the round ends with
 *   the failure of the highest-numbered attempt, or that refusal, and the engine's loop
 *   decides as after any failed attempt (back off and start a new round, or give up);
 * - when the call stops (its `signal` or `timeout`), the round ends at once, as any wait of
 *   the call does; its attempts' signals have aborted with the call's.
 * The round never starts more attempts than the call has left (`maxRetries` counts hedges).
 */
import type { HedgeDelayInfo, HedgingPlan } from './hedging-options.js';

/** How one attempt of a round ended, as the engine tells it. */
export type RoundAttempt =
  | { readonly kind: 'success' }
  | { readonly kind: 'failed'; readonly attempt: number; readonly fatal: boolean }
  | { readonly kind: 'refused' }
  | { readonly kind: 'stopped' }
  /** Ended after the round aborted it: a loser, or one withdrawn before it started. */
  | { readonly kind: 'cancelled' };

/** What the round needs from the engine. `A` is the engine's own outcome of an attempt. */
export interface RoundHost<A> {
  readonly operationName: string;
  /**
   * Starts one attempt (the strategies admit it first). `cancel` aborts when the round no
   * longer needs it: the attempt's signal must abort too, and the promise settle once the
   * attempt's own work has settled.
   */
  attempt(hedge: boolean, cancel: AbortSignal): Promise<A>;
  /** What `attempt` answered, for the round's rules. */
  judge(outcome: A): RoundAttempt;
  /** May a hedge start? `after`: the failed attempt it follows, if any. Asks the strategies' `allowRetry`. */
  allowHedge(after: A | undefined): Promise<boolean>;
  /** Attempts the call has started, and how many more it allows, when the round begins. */
  readonly attempts: number;
  readonly attemptsLeft: number;
  /** Time since the call started, in ms. */
  elapsed(): number;
  /** Sleeps `ms` on the call's clock; settles early (either way) when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Reports a hedging event to the observers: `'hedge'` sent, `'refused'` by a strategy. */
  event(type: 'hedge' | 'refused', details: Readonly<Record<string, unknown>>): void;
}

const TIMER = Symbol('hedge timer');
const timer = (): typeof TIMER => TIMER;

/** Runs one hedged round; answers the outcome that ends it (see the module comment). */
export async function hedgedRound<A>(host: RoundHost<A>, plan: HedgingPlan): Promise<A> {
  const cancel = new AbortController();
  const running = new Map<Promise<A>, Promise<readonly [Promise<A>, A]>>();
  const left = host.attemptsLeft;
  let launched = 0;
  let hedges = 0;
  /** When the next hedge is due (ms since the call started); `undefined`: none is timed. */
  let dueAt: number | undefined;
  let final: A | undefined;
  let finalAttempt = -Infinity;
  let sleeper: AbortController | undefined;

  const canHedge = (): boolean => hedges < plan.maxHedges && launched < left;
  const start = (hedge: boolean): void => {
    const run = host.attempt(hedge, cancel.signal);
    running.set(run, run.then((outcome) => [run, outcome] as const));
    launched++;
    const now = host.elapsed();
    const info: HedgeDelayInfo = { operationName: host.operationName, hedge: hedges + 1, attempts: host.attempts + launched, elapsedMs: now };
    const wait = canHedge() ? plan.delayFor(info) : undefined;
    dueAt = wait === undefined || wait === Infinity ? undefined : now + wait;
  };
  /** Starts a hedge if one is left and the strategies grant it; after a refusal, no more are. */
  const hedge = async (after: A | undefined): Promise<void> => {
    if (!canHedge()) return;
    dueAt = undefined;
    if (!(await host.allowHedge(after))) {
      host.event('refused', { hedge: hedges + 1, afterFailure: after !== undefined, elapsedMs: host.elapsed() });
      hedges = plan.maxHedges;
      return;
    }
    hedges++;
    host.event('hedge', { hedge: hedges, afterFailure: after !== undefined, elapsedMs: host.elapsed() });
    start(true);
  };

  start(false);
  try {
    while (running.size > 0) {
      const waiters: Promise<readonly [Promise<A>, A] | typeof TIMER>[] = [...running.values()];
      if (dueAt !== undefined) {
        sleeper = new AbortController();
        waiters.push(host.sleep(Math.max(0, dueAt - host.elapsed()), sleeper.signal).then(timer, timer));
      }
      const next = await Promise.race(waiters);
      sleeper?.abort();
      if (next === TIMER) {
        await hedge(undefined);
        continue;
      }
      const [run, outcome] = next;
      running.delete(run);
      const judged = host.judge(outcome);
      if (judged.kind === 'success' || judged.kind === 'stopped' || (judged.kind === 'failed' && judged.fatal)) return outcome;
      if (judged.kind === 'refused') {
        final = outcome;
        finalAttempt = Infinity;
      } else if (judged.kind === 'failed') {
        if (judged.attempt > finalAttempt || finalAttempt === Infinity) {
          final = outcome;
          finalAttempt = judged.attempt;
        }
        await hedge(outcome);
      }
    }
    return final!;
  } finally {
    sleeper?.abort();
    cancel.abort(new DOMException('maestro-retry: another attempt ended the round', 'AbortError'));
    await Promise.all(running.values());
  }
}
