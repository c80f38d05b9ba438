import type { Clock } from '../engine/clock.js';
import type { CellOwner, Change, StateCell, StateStore } from './store.js';

/**
 * A policy's state in process memory: one copy, each change applied at once, answers given
 * synchronously, time read from the policy's clock.
 */
class MemoryCell<S> implements StateCell<S> {
  readonly synchronous = true;
  readonly leaseMs = undefined;
  readonly #clock: Clock;
  readonly #owner: CellOwner<S>;
  readonly #state: S;

  constructor(owner: CellOwner<S>) {
    this.#owner = owner;
    this.#clock = owner.clock;
    this.#state = owner.initial(owner.clock.now());
  }

  now(): number {
    return this.#clock.now();
  }

  read(): S {
    return this.#state;
  }

  record(change: Change<S, unknown>): void {
    this.apply(change);
  }

  apply<R>(change: Change<S, R>): R {
    const now = this.#clock.now();
    const answer = change(this.#state, now, now);
    this.#owner.changed();
    return answer;
  }
}

const store: StateStore = Object.freeze({
  shared: false,
  cell: <S>(owner: CellOwner<S>): StateCell<S> => new MemoryCell(owner),
});

/**
 * The in-memory state store, every policy's default: each policy keeps its own state in the
 * process, and every answer is synchronous.
 *
 * @example
 * const breaker = new CircuitBreaker({ store: memoryStore() }); // the same as leaving it out
 */
export function memoryStore(): StateStore {
  return store;
}
