/**
 * An attempt between its two steps (`attempt.ts` starts it, `attempt-end.ts` judges it), and
 * what an attempt step answers.
 */
import type { Decision } from '../decision/decide.js';
import type { RoundTicket } from '../strategies/hedging.js';
import type { AttemptReport, Refusal, Strategy } from '../strategies/strategy.js';

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
