/** The option, statistics, event and snapshot types of `CircuitBreaker`. */
import type { Clock } from '../engine/clock.js';
import type { StateStore } from '../state/store.js';
import type { BreakerState, CircuitState } from './circuit-breaker-state.js';

/** What `CircuitBreaker.onStateChange` listeners receive: one frozen object per transition. */
export interface CircuitStateChange {
  /** The state the breaker left. */
  readonly from: CircuitState;
  /** The state the breaker entered. */
  readonly to: CircuitState;
  /**
   * When the transition happened, in the store's time (the clock's, in memory). For open →
   * half-open this is the moment `resetTimeout` ran out, even though the breaker notices it
   * (and emits) only when next used.
   */
  readonly at: number;
}

/** Options of `CircuitBreaker`. Every one is optional; `undefined` means the default. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open a closed circuit. Used only when `failureRateThreshold` is not set. @default 5 */
  readonly failureThreshold?: number;
  /**
   * When set, the breaker runs in failure-rate mode instead: it opens when the share of failed
   * attempts over the last `windowMs` reaches this value (in (0, 1]) and at least
   * `minimumCalls` attempts were counted in that window.
   * @default undefined (consecutive-failure mode)
   */
  readonly failureRateThreshold?: number;
  /** Failure-rate mode: the fewest attempts in the window before the rate can open the circuit. @default 20 */
  readonly minimumCalls?: number;
  /** Failure-rate mode: the rolling window, in ms, kept in 10 buckets of `windowMs / 10`. @default 30000 */
  readonly windowMs?: number;
  /** How long the circuit stays open before it lets trial attempts through (half-open), in ms. @default 30000 */
  readonly resetTimeout?: number;
  /** Half-open: how many trial attempts may be in flight at once, and how many must succeed to close the circuit. @default 1 */
  readonly halfOpenMaxCalls?: number;
  /** Where time comes from (with the in-memory store); only `now()` is used. @default systemClock */
  readonly clock?: Clock;
  /** Names the breaker in events and, in a shared store, its shared state. Required with a shared store. @default 'circuit-breaker' */
  readonly name?: string;
  /** Where the breaker keeps its state. @default memoryStore() */
  readonly store?: StateStore;
  /** A snapshot from `CircuitBreaker.toJSON` to start from (with a shared store: when it holds no state yet). */
  readonly initialState?: CircuitBreakerSnapshot;
}

/** A plain snapshot of a `CircuitBreaker`'s stored state, from `CircuitBreaker.toJSON`. */
export interface CircuitBreakerSnapshot {
  /** What the snapshot is of: a circuit breaker. */
  readonly kind: 'circuit-breaker';
  /** The breaker's `name`. */
  readonly name: string;
  /** The store's time when it was taken. */
  readonly takenAt: number;
  /** The stored state: where the circuit stands, its counts, and its half-open trials. */
  readonly state: Readonly<Omit<BreakerState, 'probes'>> & {
    /** The half-open trials in flight when it was taken; not read back by `initialState`. */
    readonly probes?: unknown;
  };
}

/** A snapshot of a `CircuitBreaker`, from `CircuitBreaker.stats`. */
export interface CircuitBreakerStats {
  /** The state now (reading it may move an open circuit whose `resetTimeout` ran out to half-open). */
  readonly state: CircuitState;
  /** Whether `CircuitBreaker.isolate` holds the circuit open. */
  readonly isolated: boolean;
  /** Failures since the last success (reset when the circuit closes). */
  readonly consecutiveFailures: number;
  /** Failure-rate mode: successes + failures counted in the window (0 in consecutive mode). */
  readonly windowCalls: number;
  /** Failure-rate mode: failures counted in the window (0 in consecutive mode). */
  readonly windowFailures: number;
  /** Attempts this breaker admitted that have not reported yet. */
  readonly inFlight: number;
  /** Half-open: trial attempts that succeeded so far (0 in other states). */
  readonly halfOpenSuccesses: number;
  /** Ms until an open circuit turns half-open; `undefined` unless open (and not isolated). */
  readonly retryAfterMs: number | undefined;
}

