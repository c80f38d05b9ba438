import type { AttemptEndedEvent, CallObserver, CallStartedEvent } from '../observers/observer.js';
import type { RetryStatistics } from '../registry/types.js';
import { LatencyWindow } from './latency-window.js';
import { PerSecond } from './per-second.js';
import type { OperationRow } from './snapshot.js';

/** Seconds of history each operation keeps (the sparkline's width). */
export const HISTORY_SECONDS = 60;
/** Complete seconds a rate is averaged over. */
export const RATE_WINDOW_SECONDS = 5;
/** Attempts each operation keeps the duration of, for its quantiles. */
export const LATENCY_SAMPLES = 512;

interface Tracked {
  readonly calls: PerSecond;
  readonly retries: PerSecond;
  readonly latency: LatencyWindow;
}

/**
 * The statistics page's observer: per operation, calls and retries per second and the
 * durations of the latest attempts. It tracks the first `maxOperations` operation names it
 * sees; later ones still count in the registry's totals, but get no row. Times are the
 * events' own timestamps (the calls' clock), so no clock is read per event.
 */
export class OperationTracker implements CallObserver {
  readonly #max: number;
  readonly #tracked = new Map<string, Tracked>();

  constructor(maxOperations: number) {
    this.#max = maxOperations;
  }

  callStarted(event: CallStartedEvent): void {
    this.#get(event.operationName)?.calls.add(event.timestamp);
  }

  attemptEnded(event: AttemptEndedEvent): void {
    const tracked = this.#get(event.operationName);
    if (tracked === undefined) return;
    tracked.latency.push(event.durationMs);
    if (event.attempt > 1 || event.hedge === true) tracked.retries.add(event.timestamp);
  }

  #get(name: string): Tracked | undefined {
    let tracked = this.#tracked.get(name);
    if (tracked === undefined && this.#tracked.size < this.#max) {
      tracked = { calls: new PerSecond(HISTORY_SECONDS), retries: new PerSecond(HISTORY_SECONDS), latency: new LatencyWindow(LATENCY_SAMPLES) };
      this.#tracked.set(name, tracked);
    }
    return tracked;
  }

  /** One row per tracked operation, with the registry's counts for it (zeros once it has left the registry). */
  rows(statistics: RetryStatistics, now: number): OperationRow[] {
    const rows: OperationRow[] = [];
    for (const [name, tracked] of this.#tracked) {
      const own = Object.hasOwn(statistics.operations, name) ? statistics.operations[name] : undefined;
      const [p50Ms, p99Ms] = tracked.latency.quantiles([0.5, 0.99]);
      rows.push({
        name,
        calls: own?.calls ?? 0,
        inFlight: own?.inFlight ?? 0,
        successes: own?.successes ?? 0,
        failures: own?.failures ?? 0,
        retries: own?.retries ?? 0,
        successRate: own?.successRate ?? 0,
        giveUpReasons: own?.giveUpReasons ?? {},
        callsPerSecond: tracked.calls.rate(now, RATE_WINDOW_SECONDS),
        retriesPerSecond: tracked.retries.rate(now, RATE_WINDOW_SECONDS),
        p50Ms: p50Ms ?? null,
        p99Ms: p99Ms ?? null,
        history: tracked.calls.history(now),
      });
    }
    return rows;
  }
}
