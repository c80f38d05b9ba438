import type { Clock } from '../engine/clock.js';

interface Timer {
  readonly due: number;
  readonly seq: number;
  readonly resolve: () => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  cancelled: boolean;
}

const before = (a: Timer, b: Timer): boolean => a.due < b.due || (a.due === b.due && a.seq < b.seq);

const realSetImmediate = globalThis.setImmediate;

/** Lets every queued microtask (promise reaction) run. Uses one real `setImmediate`, not a sleep. */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

/**
 * A clock that moves only when told to: for tests and simulations. Pass it as the `clock`
 * option (and to policies), start the call, then `advance()` time; due timers fire in order
 * and the promise reactions they trigger run before time moves on.
 *
 * @example
 * const clock = new ManualClock();
 * const call = retry(flaky, { clock });
 * await clock.advance(1000);   // retry 1 starts
 * await clock.runAll();        // play out the rest
 * await call;
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  /** Pending timers in a binary heap (earliest due first, then creation order); aborted ones are dropped lazily. */
  #heap: Timer[] = [];
  #pending = 0;

  /** @param start the initial `now()`, in ms. @default 0 */
  constructor(start = 0) {
    this.#now = start;
  }

  /** The current virtual time in ms. */
  now(): number {
    return this.#now;
  }

  /** Resolves when virtual time reaches now + `ms`; rejects with `signal.reason` on abort. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = { due: this.#now + Math.max(0, ms), seq: this.#seq++, resolve, signal, onAbort: undefined, cancelled: false };
      if (signal) {
        timer.onAbort = (): void => {
          timer.cancelled = true;
          this.#pending--;
          reject(signal.reason);
        };
        signal.addEventListener('abort', timer.onAbort, { once: true });
      }
      this.#push(timer);
      this.#pending++;
    });
  }

  /** How many sleeps are waiting. After a call settles this should be 0: nothing left behind. */
  get pendingTimers(): number {
    return this.#pending;
  }

  /** When the next timer is due, or `undefined` when none is pending. */
  get nextDue(): number | undefined {
    return this.#peek()?.due;
  }

  /**
   * Moves time forward by `ms`, firing every timer due on the way in order, and lets the
   * reactions to each run before moving on (so a timer armed by a reaction also fires if due).
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await flushMicrotasks();
    for (let first = this.#peek(); first !== undefined && first.due <= target; first = this.#peek()) {
      this.#fireDue(first.due);
      await flushMicrotasks();
    }
    this.#now = Math.max(this.#now, target);
    await flushMicrotasks();
  }

  /** Moves time to the next pending timer and fires every timer due then; `false` when none was pending. */
  async next(): Promise<boolean> {
    // Reactions still queued may arm a timer due before the earliest one pending now.
    await flushMicrotasks();
    const first = this.#peek();
    if (first === undefined) return false;
    this.#fireDue(first.due);
    await flushMicrotasks();
    return true;
  }

  /**
   * Fires timers until none is pending. Throws after `maxTimers` firings, which means a loop
   * that never ends.
   * @param maxTimers @default 100000
   */
  async runAll(maxTimers = 100_000): Promise<void> {
    for (let i = 0; i < maxTimers; i++) {
      if (!(await this.next())) return;
    }
    // Exactly `maxTimers` fired: a loop that never ends only if another is still pending.
    await flushMicrotasks();
    if (this.#pending === 0) return;
    throw new Error(`ManualClock.runAll: still ${this.#pending} timers pending after ${maxTimers}`);
  }

  #fireDue(due: number): void {
    this.#now = Math.max(this.#now, due);
    for (let t = this.#peek(); t !== undefined && t.due <= due; t = this.#peek()) {
      this.#pop();
      this.#pending--;
      if (t.signal) t.signal.removeEventListener('abort', t.onAbort!);
      t.resolve();
    }
  }

  /** The earliest timer not aborted, dropping aborted ones on the way. */
  #peek(): Timer | undefined {
    while (this.#heap.length > 0 && this.#heap[0]!.cancelled) this.#pop();
    return this.#heap[0];
  }

  #push(timer: Timer): void {
    const heap = this.#heap;
    let i = heap.length;
    heap.push(timer);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(timer, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = timer;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    const n = heap.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(heap[r]!, heap[l]!) ? r : l;
      if (!before(heap[c]!, last)) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
  }
}
