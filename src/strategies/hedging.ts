/**
 * A hedged round: the engine's attempt step when the `hedging` option is on.
 *
 * The round starts one attempt. Each time the hedge delay passes with no attempt ended, it
 * starts another (a hedge), if hedges are left and the strategies grant a retry (a budget pays
 * for a hedge with the same tokens as for a retry). Then:
 * - the first success wins: every other attempt's signal aborts at once, and the round ends
 *   only once they have all settled (they are reported with `cancelled: true`);
 * - a retryable failure starts the next hedge at once (same conditions);
 * - a non-retryable failure ends the round the same way (its error ends the call);
 * - when every attempt has failed (or a strategy refused the last one), the round ends with
 *   the one that ended last, and the engine's loop decides as after any failed attempt (back
 *   off and start a new round, or give up);
 * - when the call stops (its `signal` or `timeout`), every attempt's signal has aborted with
 *   the call's and the round ends as soon as they are reported.
 * The round never starts more attempts than the call has left: `maxRetries` counts hedges.
 */
import type { HedgeDelayInfo, HedgingPlan } from './hedging-options.js';

/** How one attempt of a round ended, as the round's rules need it. */
export type RoundAttempt = 'success' | 'fatal' | 'failed' | 'refused' | 'stopped' | 'cancelled';

/**
 * What a round gives each attempt it starts. `signal` aborts when the round no longer needs
 * the attempt: the attempt's own signal must abort too. An attempt that ends the round (a
 * success, a non-retryable failure) calls `claim()` as soon as it knows: `true` means it does
 * (the others are aborted now); `false` means another already did, and it is a loser.
 */
export interface RoundTicket {
  /** The attempt is a hedge (not the round's first). */
  readonly hedge: boolean;
  /**
   * No other attempt of the round was running when it started (the first attempt, or a hedge
   * sent after every earlier one failed): it was not sent because another was slow.
   */
  readonly alone: boolean;
  readonly signal: AbortSignal;
  claim(): boolean;
}

/** What the round needs from the engine. `A` is the engine's own outcome of an attempt. */
export interface RoundHost<A> {
  readonly operationName: string;
  /** Attempts the call has started, and how many more it allows, when the round begins. */
  readonly attempts: number;
  readonly attemptsLeft: number;
  /** Starts one attempt (the strategies admit it first); settles once its own work has settled. */
  attempt(ticket: RoundTicket): Promise<A>;
  judge(outcome: A): RoundAttempt;
  /** May a hedge start? `after`: the failed attempt it follows, if any (asks the strategies' `allowRetry`). */
  allowHedge(after: A | undefined): Promise<boolean>;
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
  let claimed = false;
  const claim = (): boolean => {
    if (claimed) return false;
    claimed = true;
    cancel.abort(new DOMException('maestro-retry: another attempt of the call ended it', 'AbortError'));
    return true;
  };
  const running = new Map<Promise<A>, Promise<readonly [Promise<A>, A]>>();
  const left = host.attemptsLeft;
  let launched = 0;
  let hedges = 0;
  /** When the next hedge is due (ms since the call started); `undefined`: none is timed. */
  let dueAt: number | undefined;
  let last: A | undefined;
  let sleeper: AbortController | undefined;

  const canHedge = (): boolean => hedges < plan.maxHedges && launched < left;
  const start = (hedge: boolean): void => {
    const run = host.attempt({ hedge, alone: running.size === 0, signal: cancel.signal, claim });
    running.set(run, run.then((outcome) => [run, outcome] as const));
    launched++;
    const now = host.elapsed();
    const info: HedgeDelayInfo = { operationName: host.operationName, hedge: hedges + 1, attempts: host.attempts + launched, elapsedMs: now };
    const wait = canHedge() ? plan.delayFor(info) : undefined;
    dueAt = wait === undefined || wait === Infinity ? undefined : now + wait;
  };
  /** Starts a hedge if one is left and the strategies grant it; after a refusal, no more are. */
  const hedge = async (after: A | undefined): Promise<void> => {
    if (claimed || !canHedge()) return;
    dueAt = undefined;
    const granted = await host.allowHedge(after);
    if (claimed) return;
    if (!granted) {
      host.event('refused', { hedge: hedges + 1, afterFailure: after !== undefined, elapsedMs: host.elapsed() });
      hedges = plan.maxHedges;
      return;
    }
    hedges++;
    host.event('hedge', { hedge: hedges, afterFailure: after !== undefined, elapsedMs: host.elapsed() });
    start(true);
  };

  try {
    start(false);
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
      if (judged === 'success' || judged === 'fatal' || judged === 'stopped') return outcome;
      if (judged === 'failed' || judged === 'refused') last = outcome;
      if (judged === 'failed') await hedge(outcome);
    }
    return last!;
  } finally {
    sleeper?.abort();
    claim();
    await Promise.all(running.values());
  }
}
