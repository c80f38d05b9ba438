/**
 * The state seam: where a stateful policy (circuit breaker, retry budgets, rate limiter) keeps
 * the part of its state that a store may hold, apart from the algorithm that changes it.
 *
 * The one primitive is an atomic register per policy. A policy's whole shareable state is a
 * plain JSON value, and the policy changes it only through {@link Change} functions: pure
 * transitions `(state, now) => answer` that may rewrite the state they are given. A store
 * applies a change atomically, at its own time:
 * - the in-memory store runs it at once on the one copy, synchronously;
 * - a shared store (`maestro-retry/redis`) runs it on a copy of the newest state it knows and
 *   writes the result back only if nobody changed the state meanwhile (compare-and-set),
 *   running it again on the newer state when somebody did.
 *
 * So each algorithm is written once, in the policy, and a store never needs to know what a
 * breaker or a budget is. `record` is for changes whose result nobody waits for (outcomes,
 * deposits): a shared store may batch them. `apply` is for changes whose answer decides
 * something now (a half-open trial slot, a retry's grant).
 *
 * This file holds types only.
 */
import type { Clock } from '../engine/clock.js';

/** An answer that may come now or later. */
export type Maybe<T> = T | Promise<T>;

/**
 * A transition of a policy's state, applied atomically by a store. It may rewrite `state` in
 * place (it is the store's copy), must not keep a reference to it, and must depend only on
 * its arguments and on what it captured when it was made: a shared store may run it more than
 * once, each time on a fresh copy, before one run takes effect. `now` is the store's time in
 * ms (see {@link StateCell.now}); `at` is when the change was made, in the same time: a shared
 * store applies a {@link StateCell.record | recorded} change with the batch it waited for, so
 * `at` may be earlier than `now` (a call counts in the window's bucket of when it was made); it
 * equals `now` in memory and for {@link StateCell.apply}.
 */
export type Change<S, R> = (state: S, now: number, at: number) => R;

/** A store's own events, which the policy reports as `PolicyEvent`s of the same type. */
export type StoreEventType = 'store-fallback' | 'store-restored';

/** What a policy tells a store about itself when it asks for its cell. */
export interface CellOwner<S> {
  /** The kind of policy (`'circuit-breaker'`, `'ratio-retry-budget'`, ...): part of the state's identity. */
  readonly kind: string;
  /** The policy's `name` option: policies of one kind and name share their state in a shared store. */
  readonly name: string;
  /** The policy's clock. The in-memory store times changes by it; a shared store has its own time. */
  readonly clock: Clock;
  /** The state to start from when the store holds none yet, at the store's time `now`. */
  initial(now: number): S;
  /**
   * The state the cell reads may have changed: after each change in the in-memory store; when
   * news of another process's change arrives in a shared one. Called synchronously, never
   * from inside a change.
   */
  changed(): void;
  /** The store fell back to per-process state (`error` says why), or shares again. */
  storeEvent(type: StoreEventType, detail: { readonly error?: unknown }): void;
}

/** One policy's state in a store. */
export interface StateCell<S> {
  /**
   * `true` when every `apply` answers synchronously (the in-memory store). The policies'
   * synchronous methods of old (`tryAcquire()`, `tryRetry()`) need it.
   */
  readonly synchronous: boolean;
  /**
   * How long a half-open trial slot (a lease) is held when its prober neither reports nor
   * comes back, in ms; `undefined` when leases never expire (one process: a prober cannot
   * vanish without its breaker).
   */
  readonly leaseMs: number | undefined;
  /** The store's time, in ms: the in-memory store's is the policy's clock; a shared store's is its server's. */
  now(): number;
  /**
   * The state as last known, for reading only: exact in memory; in a shared store, a local
   * view refreshed by change notifications and never older than the store's staleness bound.
   */
  read(): S;
  /** Applies `change` atomically; nobody waits for it (a shared store may batch it). */
  record(change: Change<S, unknown>): void;
  /** Applies `change` atomically and answers with its result (synchronously in memory). */
  apply<R>(change: Change<S, R>): Maybe<R>;
}

/**
 * Where policies keep their state. The default, {@link memoryStore}, keeps it in the
 * process; `redisStore` (from `maestro-retry/redis`) shares it across processes.
 */
export interface StateStore {
  /** `true` when the state is shared with other processes (policies then need a `name`). */
  readonly shared: boolean;
  /** The cell of one policy. */
  cell<S>(owner: CellOwner<S>): StateCell<S>;
}
