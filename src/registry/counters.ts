import type { GiveUpReason } from '../engine/types.js';
import type { CallFigures } from './types.js';

/** The exact counters kept for an operation and for a whole registry. */
export class Counters {
  calls = 0;
  inFlight = 0;
  successes = 0;
  failures = 0;
  attempts = 0;
  retries = 0;
  successesAfterRetry = 0;
  /** Attempts of finished calls, for `averageAttempts`. */
  finishedAttempts = 0;
  totalDelayMs = 0;
  hedges = 0;
  hedgesWon = 0;
  cancelledAttempts = 0;
  fallbacks = 0;
  readonly giveUpReasons = new Map<GiveUpReason, number>();

  callStarted(): void {
    this.calls++;
    this.inFlight++;
  }

  /** `won`: a hedge whose success the call returned; `cancelled`: a hedged round's loser. */
  attemptEnded(attemptNumber: number, hedge: boolean, won: boolean, cancelled: boolean): void {
    this.attempts++;
    if (attemptNumber > 1) this.retries++;
    if (hedge) this.hedges++;
    if (won) this.hedgesWon++;
    if (cancelled) this.cancelledAttempts++;
  }

  callEnded(attempts: number, totalDelayMs: number, reason: GiveUpReason | undefined): void {
    this.inFlight--;
    this.finishedAttempts += attempts;
    this.totalDelayMs += totalDelayMs;
    if (reason === undefined) {
      this.successes++;
      if (attempts > 1) this.successesAfterRetry++;
    } else {
      this.failures++;
      this.giveUpReasons.set(reason, (this.giveUpReasons.get(reason) ?? 0) + 1);
    }
  }

  /** Back to zero. */
  reset(): void {
    this.calls = this.inFlight = this.successes = this.failures = this.attempts = this.retries = 0;
    this.successesAfterRetry = this.finishedAttempts = this.totalDelayMs = 0;
    this.hedges = this.hedgesWon = this.cancelledAttempts = this.fallbacks = 0;
    this.giveUpReasons.clear();
  }

  /** Adds another set of counters to these (how the registry sums its totals). */
  add(other: Counters): void {
    this.calls += other.calls;
    this.inFlight += other.inFlight;
    this.successes += other.successes;
    this.failures += other.failures;
    this.attempts += other.attempts;
    this.retries += other.retries;
    this.successesAfterRetry += other.successesAfterRetry;
    this.finishedAttempts += other.finishedAttempts;
    this.totalDelayMs += other.totalDelayMs;
    this.hedges += other.hedges;
    this.hedgesWon += other.hedgesWon;
    this.cancelledAttempts += other.cancelledAttempts;
    this.fallbacks += other.fallbacks;
    for (const [reason, count] of other.giveUpReasons) {
      this.giveUpReasons.set(reason, (this.giveUpReasons.get(reason) ?? 0) + count);
    }
  }

  /** The figures every statistics object shares. */
  summary(): CallFigures {
    const finished = this.successes + this.failures;
    const giveUpReasons: Partial<Record<GiveUpReason, number>> = {};
    for (const [reason, count] of this.giveUpReasons) giveUpReasons[reason] = count;
    return {
      calls: this.calls,
      inFlight: this.inFlight,
      successes: this.successes,
      failures: this.failures,
      attempts: this.attempts,
      retries: this.retries,
      successesAfterRetry: this.successesAfterRetry,
      averageAttempts: finished === 0 ? 0 : this.finishedAttempts / finished,
      successRate: finished === 0 ? 0 : this.successes / finished,
      totalDelayMs: this.totalDelayMs,
      hedges: this.hedges,
      hedgesWon: this.hedgesWon,
      cancelledAttempts: this.cancelledAttempts,
      fallbacks: this.fallbacks,
      giveUpReasons,
    };
  }
}
