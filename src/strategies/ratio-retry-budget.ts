import type { Clock } from '../engine/clock.js';
import type { PolicyEvent } from '../observers/observer.js';
import type { StateCell, StateStore } from '../state/store.js';
import { retryAnswer } from './budget-strategy.js';
import { PolicyEvents } from './policy-events.js';
import { copyWindow, restoreWindow, RollingWindow, type WindowData } from './rolling-window.js';
import type { AttemptReport, MaybePromise, Refusal, Strategy, StrategyContext } from './strategy.js';
import { clockOption, nameOption, nonNegativeNumber, positiveNumber, readOptions, snapshotOption, storeOption } from './validate.js';

/** Options of {@link RetryBudget.ratio}. Every one is optional; `undefined` means the default. */
export interface RatioRetryBudgetOptions {
  /** Retries allowed per call made in the window: 0.1 lets 10 calls buy 1 retry. @default 0.1 */
  readonly ratio?: number;
  /**
   * A floor so that a client with little traffic can still retry: at least this many retries
   * per second of the window are granted, whatever the ratio allows (the floor is a minimum,
   * not added to the ratio).
   * @default 10
   */
  readonly minRetriesPerSecond?: number;
  /** The rolling window calls and retries are counted over, in ms, kept in 10 buckets. @default 10000 */
  readonly windowMs?: number;
  /** Where time comes from (with the in-memory store); only `now()` is used. @default systemClock */
  readonly clock?: Clock;
  /** Names the budget in events and, in a shared store, its shared state. Required with a shared store. @default 'retry-budget' */
  readonly name?: string;
  /** Where the budget keeps its window. @default memoryStore() */
  readonly store?: StateStore;
  /** A snapshot from {@link RatioRetryBudget.toJSON} to start from. */
  readonly initialState?: RatioRetryBudgetSnapshot;
}

/** A snapshot of a {@link RatioRetryBudget}. */
export interface RatioRetryBudgetStats {
  /** Calls counted in the window. */
  readonly windowCalls: number;
  /** Retries granted in the window. */
  readonly windowRetries: number;
  /** Retries that would be granted now, one after another. */
  readonly available: number;
}

/** What a ratio budget stores: calls (kind 0) and retries (kind 1) per bucket of its window. */
export interface RatioBudgetState {
  window: WindowData;
}

/** A plain snapshot of a {@link RatioRetryBudget}'s window, from {@link RatioRetryBudget.toJSON}. */
export interface RatioRetryBudgetSnapshot {
  /** What the snapshot is of: a ratio retry budget. */
  readonly kind: 'ratio-retry-budget';
  /** The budget's `name`. */
  readonly name: string;
  /** The store's time when it was taken. */
  readonly takenAt: number;
  /** The calls and retries counted in each bucket of the window. */
  readonly state: Readonly<RatioBudgetState>;
}

const OWNER = 'RetryBudget.ratio';
const KIND = 'ratio-retry-budget';
const CALLS = 0;
const RETRIES = 1;
/** The window's buckets; the store keeps one more, the bucket that just left the window. */
const BUCKETS = 10;
const KEPT = BUCKETS + 1;

/**
 * Retries limited to a share of recent calls, as in Finagle and the Google SRE book: every
 * call deposits `ratio` of a retry, every retry withdraws one, over a rolling window of
 * `windowMs`; at least `minRetriesPerSecond * windowMs / 1000` retries per window are
 * granted however little traffic there is (a floor: the larger of the two applies).
 *
 * The guarantee, checked by property tests: over any span of `windowMs` (not only the
 * window's own positions), the retries granted never exceed
 * `max(ratio * calls, minRetriesPerSecond * windowMs / 1000)`, the calls being those of that
 * span and of the start of its first bucket (buckets are `windowMs / 10` long, counted from
 * clock time 0). To hold it, a retry is granted only if it fits every suffix of the window
 * (calls about to fall out of the window cannot pay for a burst now), and the store keeps one
 * bucket more than the window: the retries granted in the bucket that just left it still count
 * against the window's calls. So an outage as long as the window gets one window's worth of
 * retries, not a burst at its start and another when that burst leaves the window.
 *
 * Under steady traffic that keeps failing, retries settle at `10/11` of `ratio` of the calls
 * (or the floor, for a client too quiet for the ratio to reach it): at most 1.1x load during
 * an outage with the defaults, instead of 4x with three retries per call. With a shared store
 * (`maestro-retry/redis`) the window counts the calls and retries of every budget of the same
 * `name` in the fleet.
 *
 * Build it with {@link RetryBudget.ratio}.
 *
 * @example
 * const budget = RetryBudget.ratio({ ratio: 0.1, minRetriesPerSecond: 10, windowMs: 10_000 });
 * await retry(callService, { budget });
 * budget.stats; // { windowCalls, windowRetries, available }
 */
export class RatioRetryBudget implements Strategy {
  readonly name: string;
  /** The `ratio` in effect: the {@link RatioRetryBudgetOptions.ratio | option} given, or its default. */
  readonly ratio: number;
  /** The `minRetriesPerSecond` in effect: the {@link RatioRetryBudgetOptions.minRetriesPerSecond | option} given, or its default. */
  readonly minRetriesPerSecond: number;
  /** The `windowMs` in effect: the {@link RatioRetryBudgetOptions.windowMs | option} given, or its default. */
  readonly windowMs: number;
  /** Retries granted per window however little the traffic: `minRetriesPerSecond * windowMs / 1000`. */
  readonly reserve: number;
  /** The span the store keeps: the window and one bucket more. */
  readonly #keptMs: number;
  readonly #cell: StateCell<RatioBudgetState>;
  readonly #events: PolicyEvents;

  /** @throws {TypeError | RangeError} when an option has the wrong type or is out of range. */
  constructor(options?: RatioRetryBudgetOptions) {
    const o = readOptions(OWNER, options);
    this.ratio = nonNegativeNumber(OWNER, 'ratio', o.ratio, 0.1);
    this.minRetriesPerSecond = nonNegativeNumber(OWNER, 'minRetriesPerSecond', o.minRetriesPerSecond, 10);
    this.windowMs = positiveNumber(OWNER, 'windowMs', o.windowMs, 10_000);
    this.reserve = (this.minRetriesPerSecond * this.windowMs) / 1000;
    this.#keptMs = (this.windowMs / BUCKETS) * KEPT;
    const clock = clockOption(OWNER, o.clock);
    const store = storeOption(OWNER, o.store);
    this.name = nameOption(OWNER, o.name, 'retry-budget', store);
    this.#events = new PolicyEvents('retry-budget', this.name, OWNER);
    const saved = snapshotOption(OWNER, o.initialState, KIND)?.state;
    const restore = (now: number): WindowData | undefined => restoreWindow(saved!.window, this.#keptMs, KEPT, 2, now);
    if (saved !== undefined && restore(clock.now()) === undefined) {
      throw new TypeError(`maestro-retry: ${OWNER} option \`initialState.state.window\` must be the window of a ratio budget's snapshot, got one it cannot read`);
    }
    this.#cell = store.cell<RatioBudgetState>({
      kind: KIND,
      name: this.name,
      clock,
      initial: (now) => ({ window: saved === undefined ? this.#window(now).data : restore(now)! }),
      changed: () => {},
      storeEvent: (type, detail) => this.#events.emit(type, this.#cell.now(), detail),
    });
  }

  /** Retries that would be granted now, one after another. */
  get available(): number {
    return Math.max(0, Math.floor(this.#headroom(this.#windowNow())));
  }

  /** A snapshot of the window. */
  get stats(): RatioRetryBudgetStats {
    const w = this.#windowNow();
    return { windowCalls: w.total(CALLS, BUCKETS), windowRetries: w.total(RETRIES, BUCKETS), available: Math.max(0, Math.floor(this.#headroom(w))) };
  }

  /** Subscribes to this budget's {@link PolicyEvent}s (`'refused'`, and the store's events). */
  subscribe(listener: (event: PolicyEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  /** Strategy: counts the call. */
  callStarted(): void {
    this.onCall();
  }

  /** Strategy: grants the retry, or refuses it with reason `'budget'`. */
  allowRetry(ctx: StrategyContext, report: AttemptReport): MaybePromise<true | Refusal> {
    return retryAnswer(this.#grant(), ctx, report);
  }

  /** Counts a call (a deposit of `ratio` retries). */
  onCall(): void {
    this.#cell.record(this.#deposit);
  }

  /**
   * Grants a retry when one more fits every suffix of the window. Timeouts cost the same.
   * Answers synchronously, so it needs a synchronous store (the default).
   */
  tryRetry(_afterTimeout?: boolean): boolean {
    if (!this.#cell.synchronous) throw new TypeError(`maestro-retry: ${OWNER} tryRetry() needs a synchronous store; with a shared store use allowRetry()`);
    return this.#grant() as boolean;
  }

  /** Nothing to do: successes neither deposit nor refund in this budget. */
  onSuccess(_retried?: boolean, _afterTimeout?: boolean): void {}

  /** A plain snapshot of the window, for `initialState`. */
  toJSON(): RatioRetryBudgetSnapshot {
    return { kind: KIND, name: this.name, takenAt: this.#cell.now(), state: { window: copyWindow(this.#cell.read().window) } };
  }

  #grant(): boolean | Promise<boolean> {
    const granted = this.#cell.apply(this.#withdraw);
    if (typeof granted === 'boolean') return this.#told(granted);
    return granted.then((ok) => this.#told(ok));
  }

  #told(granted: boolean): boolean {
    if (!granted) this.#events.emit('refused', this.#cell.now());
    return granted;
  }

  /** Counts a call in the bucket of when it was made (a shared store sends calls in batches). */
  readonly #deposit = (s: RatioBudgetState, now: number, at: number): void => {
    const w = this.#window(s.window);
    w.advance(now);
    w.addAt(at, CALLS);
  };

  readonly #withdraw = (s: RatioBudgetState, now: number): boolean => {
    const w = this.#window(s.window);
    w.advance(now);
    if (this.#headroom(w) < 1) return false;
    w.add(RETRIES);
    return true;
  };

  /** The kept buckets (the window and the one that just left it), new from `start` or over stored data. */
  #window(start: number | WindowData): RollingWindow {
    return new RollingWindow(this.#keptMs, KEPT, 2, start);
  }

  /** The window as it stands now, on a copy (reading moves nothing stored). */
  #windowNow(): RollingWindow {
    const w = this.#window(copyWindow(this.#cell.read().window));
    w.advance(this.#cell.now());
    return w;
  }

  /**
   * The smallest, over the window's suffixes, of (allowed - granted) retries: a suffix allows
   * `ratio` of its calls or the floor, whichever is larger; the kept bucket that just left the
   * window still holds its retries against the window's calls.
   */
  #headroom(w: RollingWindow): number {
    let calls = 0;
    let retries = 0;
    let min = Infinity;
    for (let age = 0; age < KEPT; age++) {
      if (age < BUCKETS) calls += w.at(age, CALLS);
      retries += w.at(age, RETRIES);
      const earned = this.ratio * calls;
      const room = (earned > this.reserve ? earned : this.reserve) - retries;
      if (room < min) min = room;
    }
    return min;
  }
}
