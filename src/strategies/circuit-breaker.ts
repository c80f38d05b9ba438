import { CircuitOpenError } from '../errors/circuit-open-error.js';
import type { PolicyEvent } from '../observers/observer.js';
import type { StateCell } from '../state/store.js';
import {
  effectiveState, enteredAt, initialBreaker, isolateBreaker, recordOutcome, resetBreaker, restoreBreaker, retryAfter, takeProbe, windowCounts,
  type BreakerState, type CircuitState, type Verdict,
} from './circuit-breaker-state.js';
import { Listeners } from './listeners.js';
import { PolicyEvents } from './policy-events.js';
import type { AttemptReport, MaybePromise, Refusal, Strategy, StrategyContext } from './strategy.js';
import { clockOption, nameOption, nonNegativeNumber, positiveInteger, positiveNumber, readOptions, snapshotOption, storeOption, unitFraction } from './validate.js';

import type { CircuitBreakerOptions, CircuitBreakerSnapshot, CircuitBreakerStats, CircuitStateChange } from './circuit-breaker-types.js';

export type { CircuitState } from './circuit-breaker-state.js';
export type { CircuitBreakerOptions, CircuitBreakerSnapshot, CircuitBreakerStats, CircuitStateChange } from './circuit-breaker-types.js';

const OWNER = 'CircuitBreaker';
const KIND = 'circuit-breaker';

/**
 * A circuit breaker to share among every caller of one dependency. Closed, it admits every
 * attempt and counts failures; after `failureThreshold` consecutive failures (or, with
 * `failureRateThreshold`, a high enough failure rate over `windowMs`) it opens and refuses
 * attempts, which fail fast with a `CircuitOpenError`. After `resetTimeout` it is half-open:
 * up to `halfOpenMaxCalls` trial attempts run; when that many have succeeded it closes, and
 * any failure reopens it.
 *
 * It starts no timer: half-open is the open state once `resetTimeout` has passed, noticed
 * (and emitted) when the breaker is next used or `state` read.
 *
 * Half-open accounting has no per-attempt token (the engine reports outcomes, not identities),
 * so every attempt this breaker admitted and that is still in flight holds a trial slot,
 * including ones admitted before the circuit opened, and any outcome reported while half-open
 * counts as a trial's. With the in-memory store at most `halfOpenMaxCalls` attempts thus reach
 * the dependency at once while half-open. Outcomes reported while open are not counted.
 * Non-retryable errors and cancellations (`'ignored'`) only free their slot.
 *
 * Its state lives in a store (`store` option): process memory by default; with
 * `maestro-retry/redis`, shared by every breaker of the same `name` in the fleet (trial slots
 * are then leases that expire, so a prober that crashed does not hold one).
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 5, resetTimeout: 10_000 });
 * breaker.onStateChange(({ from, to }) => log.warn(`payments circuit ${from} -> ${to}`));
 * await retry(() => payments.charge(order), { circuitBreaker: breaker });
 */
export class CircuitBreaker implements Strategy {
  readonly name: string;
  /** The `failureThreshold` in effect: the {@link CircuitBreakerOptions.failureThreshold | option} given, or its default. */
  readonly failureThreshold: number;
  /** The `failureRateThreshold` in effect: the {@link CircuitBreakerOptions.failureRateThreshold | option} given, or its default. */
  readonly failureRateThreshold: number | undefined;
  /** The `minimumCalls` in effect: the {@link CircuitBreakerOptions.minimumCalls | option} given, or its default. */
  readonly minimumCalls: number;
  /** The `windowMs` in effect: the {@link CircuitBreakerOptions.windowMs | option} given, or its default. */
  readonly windowMs: number;
  /** The `resetTimeout` in effect: the {@link CircuitBreakerOptions.resetTimeout | option} given, or its default. */
  readonly resetTimeout: number;
  /** The `halfOpenMaxCalls` in effect: the {@link CircuitBreakerOptions.halfOpenMaxCalls | option} given, or its default. */
  readonly halfOpenMaxCalls: number;
  readonly #cell: StateCell<BreakerState>;
  readonly #listeners = new Listeners<CircuitStateChange>('CircuitBreaker onStateChange');
  readonly #events: PolicyEvents;
  /** Tells this instance's trial slots from other processes' in a shared store. */
  readonly #owner = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  /** The state last emitted, and the opening it belonged to. */
  #seen: CircuitState;
  #seenOpened: number;
  #inFlight = 0;

  /**
   * Subscribes to state changes; returns the function that unsubscribes. A listener that
   * throws is reported with `process.emitWarning` and does not affect the breaker.
   *
   * @example
   * const off = breaker.onStateChange((e) => metrics.gauge('circuit', e.to));
   * off();
   */
  readonly onStateChange = (listener: (event: CircuitStateChange) => void): (() => void) => this.#listeners.add(listener);

  /** @throws {TypeError | RangeError} when an option has the wrong type or is out of range. */
  constructor(options?: CircuitBreakerOptions) {
    const o = readOptions(OWNER, options);
    this.failureThreshold = positiveInteger(OWNER, 'failureThreshold', o.failureThreshold, 5);
    this.failureRateThreshold = o.failureRateThreshold === undefined ? undefined : unitFraction(OWNER, 'failureRateThreshold', o.failureRateThreshold, 1);
    this.minimumCalls = positiveInteger(OWNER, 'minimumCalls', o.minimumCalls, 20);
    this.windowMs = positiveNumber(OWNER, 'windowMs', o.windowMs, 30_000);
    this.resetTimeout = nonNegativeNumber(OWNER, 'resetTimeout', o.resetTimeout, 30_000);
    this.halfOpenMaxCalls = positiveInteger(OWNER, 'halfOpenMaxCalls', o.halfOpenMaxCalls, 1);
    const clock = clockOption(OWNER, o.clock);
    const store = storeOption(OWNER, o.store);
    this.name = nameOption(OWNER, o.name, KIND, store);
    this.#events = new PolicyEvents(KIND, this.name, OWNER);
    const saved = snapshotOption(OWNER, o.initialState, KIND)?.state;
    if (saved !== undefined && restoreBreaker(saved, this, clock.now()) === undefined) {
      throw new TypeError(`maestro-retry: ${OWNER} option \`initialState\` must be a snapshot from the toJSON() of a circuit breaker, got a state it cannot read`);
    }
    this.#cell = store.cell<BreakerState>({
      kind: KIND,
      name: this.name,
      clock,
      initial: (now) => (saved === undefined ? initialBreaker(this, now) : restoreBreaker(saved, this, now)!),
      changed: () => this.#observe(),
      storeEvent: (type, detail) => {
        this.#events.emit(type, this.#cell.now(), detail);
        this.#observe();
      },
    });
    const s = this.#cell.read();
    this.#seen = effectiveState(s, this, this.#cell.now());
    this.#seenOpened = s.opened;
  }

  /** The current state. Reading it notices a due open → half-open move (and emits it). */
  get state(): CircuitState {
    this.#observe();
    return this.#seen;
  }

  /** A snapshot of the counters. */
  get stats(): CircuitBreakerStats {
    const state = this.state;
    const s = this.#cell.read();
    const w = windowCounts(s, this, this.#cell.now());
    return {
      state,
      isolated: s.isolated,
      consecutiveFailures: s.failures,
      windowCalls: w.calls,
      windowFailures: w.failures,
      inFlight: this.#inFlight,
      halfOpenSuccesses: state === 'half-open' ? s.successes : 0,
      retryAfterMs: this.retryAfterMs(),
    };
  }

  /** Subscribes to this breaker's {@link PolicyEvent}s (`'state-change'` with `from` and `to`, and the store's events). */
  subscribe(listener: (event: PolicyEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  /** Strategy: admits the attempt, or refuses it with a `CircuitOpenError`. */
  beforeAttempt(ctx: StrategyContext): MaybePromise<true | Refusal> {
    const admitted = this.#admit();
    if (admitted === true) return true;
    if (admitted === false) return this.#refusal(ctx);
    return admitted.then((ok) => (ok ? true : this.#refusal(ctx)));
  }

  /** Strategy: the attempt it admitted has ended. */
  afterAttempt(_ctx: StrategyContext, report: AttemptReport): void {
    this.#report(report.verdict);
  }

  /**
   * Admits one attempt (`true`) or refuses it (`false`). An admitted attempt must be reported
   * once. Answers synchronously, so it needs a synchronous store (the default); the engine
   * uses {@link CircuitBreaker.beforeAttempt}.
   */
  tryAcquire(): boolean {
    if (!this.#cell.synchronous) throw new TypeError(`maestro-retry: ${OWNER}.tryAcquire() needs a synchronous store; with a shared store use beforeAttempt()`);
    return this.#admit() as boolean;
  }

  /** Ms until an open circuit admits trial attempts; `undefined` when not open, or isolated. */
  retryAfterMs(): number | undefined {
    return retryAfter(this.#cell.read(), this, this.#cell.now());
  }

  /** An admitted attempt succeeded. */
  onSuccess(): void {
    this.#report('success');
  }

  /** An admitted attempt failed with a dependency failure. */
  onFailure(): void {
    this.#report('failure');
  }

  /** An admitted attempt ended without telling anything about the dependency: frees its slot. */
  onIgnored(): void {
    this.#report('ignored');
  }

  /**
   * Holds the circuit open until {@link CircuitBreaker.reset}: every attempt is refused and
   * `resetTimeout` does not apply. For taking a dependency out by hand (with a shared store,
   * for the whole fleet; the promise then settles once the store has it).
   *
   * @example
   * breaker.isolate();   // maintenance window
   * breaker.reset();     // back in service
   */
  isolate(): MaybePromise<void> {
    this.#observe();
    return this.#cell.apply((s, now) => isolateBreaker(s, now, this));
  }

  /**
   * Closes the circuit and forgets every failure (ends an {@link CircuitBreaker.isolate}).
   * Attempts in flight are still expected to report.
   */
  reset(): MaybePromise<void> {
    return this.#cell.apply(resetBreaker);
  }

  /** A plain snapshot of the stored state, for `initialState` (`JSON.stringify` gives it too). */
  toJSON(): CircuitBreakerSnapshot {
    return { kind: KIND, name: this.name, takenAt: this.#cell.now(), state: structuredClone(this.#cell.read()) };
  }

  #admit(): boolean | Promise<boolean> {
    const s = this.#cell.read();
    if (s.phase === 'closed') {
      this.#inFlight++;
      return true;
    }
    this.#observe();
    if (this.#seen === 'open') return false;
    const answer = this.#cell.apply((state, now) => takeProbe(state, now, this, this.#owner, this.#inFlight, this.#cell.leaseMs));
    if (typeof answer === 'boolean') return this.#admitted(answer);
    return answer.then((ok) => this.#admitted(ok));
  }

  #admitted(ok: boolean): boolean {
    if (ok) this.#inFlight++;
    return ok;
  }

  #refusal(ctx: StrategyContext): Refusal {
    const error = new CircuitOpenError(`Circuit breaker is open: ${ctx.operationName} was not attempted`, { cause: ctx.lastError, retryAfterMs: this.retryAfterMs() });
    return { reason: 'circuit-open', error };
  }

  #report(verdict: Verdict): void {
    if (this.#inFlight > 0) this.#inFlight--;
    // A due half-open is emitted before the outcome that may end it.
    if (this.#cell.read().phase === 'open') this.#observe();
    this.#cell.record(verdict === 'success' ? this.#success : verdict === 'failure' ? this.#failure : this.#ignored);
  }

  readonly #success = (s: BreakerState, now: number): void => recordOutcome(s, now, this, 'success', this.#owner);
  readonly #failure = (s: BreakerState, now: number): void => recordOutcome(s, now, this, 'failure', this.#owner);
  readonly #ignored = (s: BreakerState, now: number): void => recordOutcome(s, now, this, 'ignored', this.#owner);

  /** Emits the transitions between the state last emitted and the state now. */
  #observe(): void {
    const s = this.#cell.read();
    if (s.phase === 'closed' && this.#seen === 'closed' && s.opened === this.#seenOpened) return;
    if (s.opened !== this.#seenOpened) {
      // It opened since: through 'open', whatever it is now.
      this.#seenOpened = s.opened;
      if (this.#seen !== 'open') this.#emit('open', s.openedAt);
    }
    const to = effectiveState(s, this, this.#cell.now());
    if (to !== this.#seen) this.#emit(to, enteredAt(s, this, to));
  }

  #emit(to: CircuitState, at: number): void {
    const from = this.#seen;
    this.#seen = to;
    if (this.#listeners.size > 0) this.#listeners.emit(Object.freeze({ from, to, at }));
    this.#events.emit('state-change', at, { from, to });
  }
}
