import type { CircuitBreakerLike, Clock } from '../engine/seams.js';
import { Listeners } from './listeners.js';
import { RollingWindow } from './rolling-window.js';
import { clockOption, nonNegativeNumber, positiveInteger, positiveNumber, readOptions, unitFraction } from './validate.js';

/** The three states of a {@link CircuitBreaker}. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** What {@link CircuitBreaker.onStateChange} listeners receive: one frozen object per transition. */
export interface CircuitStateChange {
  /** The state the breaker left. */
  readonly from: CircuitState;
  /** The state the breaker entered. */
  readonly to: CircuitState;
  /**
   * When the transition happened, in the clock's time. For open → half-open this is the moment
   * `resetTimeout` ran out, even though the breaker notices it (and emits) only when next used.
   */
  readonly at: number;
}

/** Options of {@link CircuitBreaker}. Every one is optional; `undefined` means the default. */
export interface CircuitBreakerOptions {
  /**
   * Consecutive failures that open a closed circuit. Used only when `failureRateThreshold` is
   * not set.
   * @default 5
   */
  readonly failureThreshold?: number;
  /**
   * When set, the breaker runs in failure-rate mode instead: it opens when the share of failed
   * attempts over the last `windowMs` reaches this value (in (0, 1]) and at least
   * `minimumCalls` attempts were counted in that window.
   * @default undefined (consecutive-failure mode)
   */
  readonly failureRateThreshold?: number;
  /**
   * Failure-rate mode: the fewest attempts in the window before the rate can open the circuit.
   * @default 20
   */
  readonly minimumCalls?: number;
  /**
   * Failure-rate mode: the rolling window, in ms, kept in 10 buckets of `windowMs / 10`.
   * @default 30000
   */
  readonly windowMs?: number;
  /**
   * How long the circuit stays open before it lets trial attempts through (half-open), in ms.
   * @default 30000
   */
  readonly resetTimeout?: number;
  /**
   * Half-open: how many trial attempts may be in flight at once, and how many must succeed
   * to close the circuit.
   * @default 1
   */
  readonly halfOpenMaxCalls?: number;
  /** Where time comes from; only `now()` is used. @default systemClock */
  readonly clock?: Clock;
}

/** A snapshot of a {@link CircuitBreaker}, from {@link CircuitBreaker.stats}. */
export interface CircuitBreakerStats {
  /** The state now (reading it may move an open circuit whose `resetTimeout` ran out to half-open). */
  readonly state: CircuitState;
  /** Whether {@link CircuitBreaker.isolate} holds the circuit open. */
  readonly isolated: boolean;
  /** Failures since the last success (reset when the circuit closes). */
  readonly consecutiveFailures: number;
  /** Failure-rate mode: successes + failures counted in the window (0 in consecutive mode). */
  readonly windowCalls: number;
  /** Failure-rate mode: failures counted in the window (0 in consecutive mode). */
  readonly windowFailures: number;
  /** Admitted attempts not yet reported. */
  readonly inFlight: number;
  /** Half-open: trial attempts that succeeded so far (0 in other states). */
  readonly halfOpenSuccesses: number;
  /** Ms until an open circuit turns half-open; `undefined` unless open (and not isolated). */
  readonly retryAfterMs: number | undefined;
}

const OWNER = 'CircuitBreaker';
const SUCCESS = 0;
const FAILURE = 1;

/**
 * A circuit breaker to share among every caller of one dependency. Closed, it admits every
 * attempt and counts failures; after `failureThreshold` consecutive failures (or, with
 * `failureRateThreshold`, a high enough failure rate over `windowMs`) it opens and refuses
 * attempts, which fail fast with a `CircuitOpenError`. After `resetTimeout` it is half-open:
 * up to `halfOpenMaxCalls` trial attempts run; when that many have succeeded it closes, and
 * any failure reopens it.
 *
 * It starts no timer: the open → half-open move happens when the breaker is next used (or
 * `state` read), by reading the clock.
 *
 * Half-open accounting has no per-attempt token (the loop reports outcomes, not identities),
 * so it counts every admitted attempt still in flight, including ones admitted before the
 * circuit opened: half-open admits a trial only while fewer than `halfOpenMaxCalls` attempts
 * of any kind are in flight, and takes any outcome reported while half-open as a trial's.
 * Thus at most `halfOpenMaxCalls` attempts ever reach the dependency at once while half-open.
 * Outcomes reported while open are not counted. Non-retryable errors and cancellations
 * (`onIgnored`) only free their slot.
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 5, resetTimeout: 10_000 });
 * breaker.onStateChange(({ from, to }) => log.warn(`payments circuit ${from} -> ${to}`));
 * await retry(() => payments.charge(order), { circuitBreaker: breaker });
 */
export class CircuitBreaker implements CircuitBreakerLike {
  /** The {@link CircuitBreakerOptions.failureThreshold | failureThreshold} in effect: the option given, or its default. */
  readonly failureThreshold: number;
  /** The {@link CircuitBreakerOptions.failureRateThreshold | failureRateThreshold} in effect: the option given, or its default. */
  readonly failureRateThreshold: number | undefined;
  /** The {@link CircuitBreakerOptions.minimumCalls | minimumCalls} in effect: the option given, or its default. */
  readonly minimumCalls: number;
  /** The {@link CircuitBreakerOptions.windowMs | windowMs} in effect: the option given, or its default. */
  readonly windowMs: number;
  /** The {@link CircuitBreakerOptions.resetTimeout | resetTimeout} in effect: the option given, or its default. */
  readonly resetTimeout: number;
  /** The {@link CircuitBreakerOptions.halfOpenMaxCalls | halfOpenMaxCalls} in effect: the option given, or its default. */
  readonly halfOpenMaxCalls: number;
  readonly #clock: Clock;
  readonly #window: RollingWindow | undefined;
  readonly #listeners = new Listeners<CircuitStateChange>('CircuitBreaker onStateChange');

  #state: CircuitState = 'closed';
  #isolated = false;
  #openedAt = 0;
  #consecutiveFailures = 0;
  #inFlight = 0;
  #halfOpenSuccesses = 0;

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
    this.#clock = clockOption(OWNER, o.clock);
    if (this.failureRateThreshold !== undefined) {
      this.#window = new RollingWindow(this.windowMs, 10, 2, this.#clock.now());
    }
  }

  /** The current state. Reading it applies a due open → half-open move (and emits it). */
  get state(): CircuitState {
    if (this.#state === 'open') this.#checkHalfOpen();
    return this.#state;
  }

  /** A snapshot of the counters. */
  get stats(): CircuitBreakerStats {
    const state = this.state;
    const w = this.#window;
    if (w) w.advance(this.#clock.now());
    return {
      state,
      isolated: this.#isolated,
      consecutiveFailures: this.#consecutiveFailures,
      windowCalls: w ? w.total(SUCCESS) + w.total(FAILURE) : 0,
      windowFailures: w ? w.total(FAILURE) : 0,
      inFlight: this.#inFlight,
      halfOpenSuccesses: state === 'half-open' ? this.#halfOpenSuccesses : 0,
      retryAfterMs: this.retryAfterMs(),
    };
  }

  /** Admits one attempt (`true`) or refuses it (`false`). An admitted attempt must be reported once. */
  tryAcquire(): boolean {
    if (this.#state === 'closed') {
      this.#inFlight++;
      return true;
    }
    if (this.#state === 'open' && !this.#checkHalfOpen()) return false;
    // Half-open: a trial slot is free while fewer than halfOpenMaxCalls attempts are in flight
    // or already succeeded.
    if (this.#inFlight + this.#halfOpenSuccesses >= this.halfOpenMaxCalls) return false;
    this.#inFlight++;
    return true;
  }

  /** Ms until an open circuit admits trial attempts; `undefined` when not open, or isolated. */
  retryAfterMs(): number | undefined {
    if (this.#state !== 'open' || this.#isolated) return undefined;
    const left = this.#openedAt + this.resetTimeout - this.#clock.now();
    return left > 0 ? left : undefined;
  }

  /** An admitted attempt succeeded. */
  onSuccess(): void {
    this.#release();
    if (this.#state === 'closed') {
      this.#consecutiveFailures = 0;
      if (this.#window) {
        this.#window.advance(this.#clock.now());
        this.#window.add(SUCCESS);
      }
    } else if (this.#state === 'half-open') {
      this.#consecutiveFailures = 0;
      if (++this.#halfOpenSuccesses >= this.halfOpenMaxCalls) this.#transition('closed', this.#clock.now());
    }
  }

  /** An admitted attempt failed with a dependency failure. */
  onFailure(): void {
    this.#release();
    if (this.#state === 'closed') {
      this.#consecutiveFailures++;
      const w = this.#window;
      if (w) {
        const now = this.#clock.now();
        w.advance(now);
        w.add(FAILURE);
        const calls = w.total(SUCCESS) + w.total(FAILURE);
        if (calls >= this.minimumCalls && w.total(FAILURE) / calls >= this.failureRateThreshold!) this.#open(now);
      } else if (this.#consecutiveFailures >= this.failureThreshold) {
        this.#open(this.#clock.now());
      }
    } else if (this.#state === 'half-open') {
      this.#consecutiveFailures++;
      this.#open(this.#clock.now());
    }
  }

  /** An admitted attempt ended without telling anything about the dependency: frees its slot. */
  onIgnored(): void {
    this.#release();
  }

  /**
   * Holds the circuit open until {@link CircuitBreaker.reset}: every attempt is refused and
   * `resetTimeout` does not apply. For taking a dependency out by hand.
   *
   * @example
   * breaker.isolate();   // maintenance window
   * breaker.reset();     // back in service
   */
  isolate(): void {
    this.#isolated = true;
    if (this.#state !== 'open') this.#open(this.#clock.now());
  }

  /**
   * Closes the circuit and forgets every failure (ends an {@link CircuitBreaker.isolate}).
   * Attempts in flight are still expected to report.
   */
  reset(): void {
    this.#isolated = false;
    if (this.#state !== 'closed') this.#transition('closed', this.#clock.now());
    else this.#clearCounts();
  }

  #release(): void {
    if (this.#inFlight > 0) this.#inFlight--;
  }

  /** Moves open → half-open when `resetTimeout` has passed; returns whether it is half-open now. */
  #checkHalfOpen(): boolean {
    if (this.#isolated) return false;
    const due = this.#openedAt + this.resetTimeout;
    if (this.#clock.now() < due) return false;
    this.#transition('half-open', due);
    return true;
  }

  #open(now: number): void {
    this.#openedAt = now;
    this.#transition('open', now);
  }

  #transition(to: CircuitState, at: number): void {
    const from = this.#state;
    this.#state = to;
    this.#halfOpenSuccesses = 0;
    if (to === 'closed') this.#clearCounts();
    if (this.#listeners.size > 0) this.#listeners.emit(Object.freeze({ from, to, at }));
  }

  #clearCounts(): void {
    this.#consecutiveFailures = 0;
    this.#window?.clear();
  }
}
