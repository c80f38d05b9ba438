import { summarizeError } from './error-summary.js';
import type { AttemptOutcomeKind } from '../observers/observer.js';
import type { ErrorSummary, GiveUpReason, RetryAttempt } from '../engine/types.js';
import { AttemptRing } from './attempt-ring.js';
import { Counters } from './counters.js';
import { fromMap } from './own-keys.js';
import type { OperationStatistics, RegistryEvent } from './types.js';

/** Distinct error names counted per operation; further names count under {@link OTHER_ERRORS}. */
export const MAX_ERROR_NAMES = 100;
/** The `errorCounts` key for errors whose name came after the first {@link MAX_ERROR_NAMES}. */
export const OTHER_ERRORS = '(other)';

/**
 * Counts one error by name, keeping at most MAX_ERROR_NAMES names (plus the overflow key), so
 * error names that embed ids cannot grow an operation's memory without bound. Totals stay exact.
 */
function countError(counts: Map<string, number>, name: string): void {
  const known = counts.get(name);
  if (known !== undefined) counts.set(name, known + 1);
  else if (counts.size < MAX_ERROR_NAMES) counts.set(name, 1);
  else counts.set(OTHER_ERRORS, (counts.get(OTHER_ERRORS) ?? 0) + 1);
}

/** What a record needs from its registry (kept as an interface so the two files do not import each other). */
export interface RecordHost {
  /** Marks `record` most recently used. */
  touch(record: OperationRecord): void;
  /** Whether anyone listens (events are built only then). */
  readonly listening: boolean;
  emit(event: RegistryEvent): void;
  /** Set while the registry holds more than `maxOperations` (operations with calls in flight could not be evicted). */
  readonly overBound: boolean;
  /** Evicts operations with no call in flight until the registry is back within `maxOperations`. */
  trim(): void;
}

/** The history of a dead record: keeps nothing. */
const NO_HISTORY = new AttemptRing(0);

/**
 * One operation's counters and recent attempts. The registry sums the counters of its live
 * records (and keeps those of evicted ones) for its totals, so an update touches this record
 * only. Once evicted or cleared (`live === false`) it is no longer summed, and events of calls
 * it had in flight are dropped.
 */
export class OperationRecord {
  readonly counters = new Counters();
  readonly errorCounts = new Map<string, number>();
  lastError: ErrorSummary | undefined = undefined;
  lastCallAt: number | undefined = undefined;
  /** Hooks and observers that threw during this operation's calls. */
  hookErrors = 0;
  #ring: AttemptRing;

  constructor(
    readonly name: string,
    readonly host: RecordHost,
    historyLimit: number,
  ) {
    this.#ring = new AttemptRing(historyLimit);
  }

  /** False once the registry has evicted or cleared this record (see {@link retire}). */
  live = true;

  /**
   * Called by the registry when it evicts or clears this record. Nothing reads a dead record's
   * history again (a wrapper that still points at it only checks `live`), so it lets go of it:
   * ten thousand wrappers each pointing at an evicted record must not keep ten thousand
   * histories alive. A dead record's counters still move (calls that were in flight end), but
   * the registry no longer sums them.
   */
  retire(): void {
    this.live = false;
    this.#ring = NO_HISTORY;
    this.errorCounts.clear();
    this.lastError = undefined;
  }

  callStarted(): void {
    this.counters.callStarted();
    if (this.live) this.host.touch(this);
  }

  attemptEnded(attemptNumber: number, delay: number, outcome: AttemptOutcomeKind, error: unknown, timestamp: number, durationMs: number,
    hedge = false, cancelled = false): void {
    this.counters.attemptEnded(attemptNumber, hedge, hedge && !cancelled && outcome === 'success', cancelled);
    if (!this.live) return;
    if (attemptNumber === 1) this.lastCallAt = timestamp;
    let summary: ErrorSummary | undefined;
    if (outcome === 'error') {
      summary = summarizeError(error);
      this.lastError = summary;
      countError(this.errorCounts, summary.name);
    }
    this.#ring.push(attemptNumber, delay, outcome === 'success', summary, timestamp, durationMs);
    const host = this.host;
    if (host.listening) {
      const attempt: RetryAttempt = summary === undefined
        ? { operationName: this.name, attemptNumber, delay, success: outcome === 'success', timestamp, durationMs }
        : { operationName: this.name, attemptNumber, delay, error: summary, success: false, timestamp, durationMs };
      host.emit({ type: 'attempt', attempt });
    }
  }

  callEnded(attempts: number, totalDelayMs: number, reason: GiveUpReason | undefined, elapsedMs: number): void {
    this.counters.callEnded(attempts, totalDelayMs, reason);
    if (!this.live) return;
    const host = this.host;
    if (host.listening) {
      host.emit(reason === undefined
        ? { type: 'call', operationName: this.name, success: true, attempts, totalDelayMs, elapsedMs }
        : { type: 'call', operationName: this.name, success: false, attempts, totalDelayMs, elapsedMs, reason });
    }
    if (host.overBound) host.trim();
  }

  /** The kept attempts, oldest first. */
  history(): RetryAttempt[] {
    return this.#ring.toArray(this.name);
  }

  statistics(): OperationStatistics {
    const stats: OperationStatistics = {
      operationName: this.name,
      ...this.counters.summary(),
      errorCounts: fromMap(this.errorCounts),
      hookErrors: this.hookErrors,
    };
    return {
      ...stats,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      ...(this.lastCallAt === undefined ? {} : { lastCallAt: this.lastCallAt }),
    };
  }
}
