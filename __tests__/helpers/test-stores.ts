/**
 * State stores for tests of the store seam, without Redis:
 * - `promiseStore()` answers every change with a promise (applied in order, a microtask
 *   later), as a remote store does; one state per policy instance.
 * - `sharedMemoryStore()` gives every policy of one kind and name the same state, and tells
 *   every one of them when it changes, as a shared store does across processes.
 */
import type { CellOwner, Change, StateCell, StateStore, StoreEventType } from '../../src/state/store';

class PromiseCell<S> implements StateCell<S> {
  readonly synchronous = false;
  readonly leaseMs = undefined;
  readonly #owner: CellOwner<S>;
  readonly #state: S;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(owner: CellOwner<S>) {
    this.#owner = owner;
    this.#state = owner.initial(owner.clock.now());
  }

  now(): number {
    return this.#owner.clock.now();
  }

  read(): S {
    return this.#state;
  }

  record(change: Change<S, unknown>): void {
    void this.#run(change, this.#owner.clock.now());
  }

  apply<R>(change: Change<S, R>): Promise<R> {
    return this.#run(change, undefined);
  }

  /** Runs `change` after every change before it; `at`: when a recorded change was made. */
  #run<R>(change: Change<S, R>, at: number | undefined): Promise<R> {
    const next = this.#queue.then(() => {
      const now = this.#owner.clock.now();
      const answer = change(this.#state, now, at ?? now);
      this.#owner.changed();
      return answer;
    });
    this.#queue = next;
    return next;
  }
}

/** A store whose every answer is a promise. */
export function promiseStore(): StateStore {
  return { shared: false, cell: <S>(owner: CellOwner<S>) => new PromiseCell(owner) };
}

/** A store shared by name in one process, which can also pretend to fall back and come back. */
export interface SharedMemoryStore extends StateStore {
  /** Sends a store event to every policy using the store. */
  emit(type: StoreEventType, detail?: { error?: unknown }): void;
}

/** Every policy of one kind and name shares one state, and hears of every change to it. */
export function sharedMemoryStore(leaseMs?: number): SharedMemoryStore {
  const states = new Map<string, { state: unknown; owners: Set<CellOwner<unknown>> }>();
  return {
    shared: true,
    emit(type, detail = {}) {
      for (const entry of states.values()) for (const owner of entry.owners) owner.storeEvent(type, detail);
    },
    cell<S>(owner: CellOwner<S>): StateCell<S> {
      const key = `${owner.kind}:${owner.name}`;
      let entry = states.get(key);
      if (entry === undefined) {
        entry = { state: owner.initial(owner.clock.now()), owners: new Set() };
        states.set(key, entry);
      }
      const shared = entry;
      shared.owners.add(owner as CellOwner<unknown>);
      const apply = <R>(change: Change<S, R>): R => {
        const now = owner.clock.now();
        const answer = change(shared.state as S, now, now);
        for (const o of shared.owners) o.changed();
        return answer;
      };
      return {
        synchronous: true,
        leaseMs,
        now: () => owner.clock.now(),
        read: () => shared.state as S,
        record: (change) => void apply(change),
        apply,
      };
    },
  };
}
