import type { Clock } from '../core/seams.js';

interface Timer {
  readonly due: number;
  readonly seq: number;
  readonly resolve: () => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
}

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
  #timers: Timer[] = [];

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
      const seq = this.#seq++;
      const onAbort = signal
        ? (): void => {
            this.#remove(seq);
            reject(signal.reason);
          }
        : undefined;
      this.#insert({ due: this.#now + Math.max(0, ms), seq, resolve, signal, onAbort });
      if (signal) signal.addEventListener('abort', onAbort!, { once: true });
    });
  }

  /** How many sleeps are waiting. After a call settles this should be 0: nothing left behind. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** When the next timer is due, or `undefined` when none is pending. */
  get nextDue(): number | undefined {
    return this.#timers[0]?.due;
  }

  /**
   * Moves time forward by `ms`, firing every timer due on the way in order, and lets the
   * reactions to each run before moving on (so a timer armed by a reaction also fires if due).
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await flushMicrotasks();
    while (this.#timers.length > 0 && this.#timers[0]!.due <= target) {
      this.#fireDue(this.#timers[0]!.due);
      await flushMicrotasks();
    }
    this.#now = Math.max(this.#now, target);
    await flushMicrotasks();
  }

  /** Moves time to the next pending timer and fires it; `false` when none was pending. */
  async next(): Promise<boolean> {
    await flushMicrotasks();
    const first = this.#timers[0];
    if (!first) return false;
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
    throw new Error(`ManualClock.runAll: still ${this.#timers.length} timers pending after ${maxTimers}`);
  }

  #fireDue(due: number): void {
    this.#now = Math.max(this.#now, due);
    while (this.#timers.length > 0 && this.#timers[0]!.due <= due) {
      const timer = this.#timers.shift()!;
      if (timer.signal) timer.signal.removeEventListener('abort', timer.onAbort!);
      timer.resolve();
    }
  }

  #insert(timer: Timer): void {
    const timers = this.#timers;
    let lo = 0;
    let hi = timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const t = timers[mid]!;
      if (t.due < timer.due || (t.due === timer.due && t.seq < timer.seq)) lo = mid + 1;
      else hi = mid;
    }
    timers.splice(lo, 0, timer);
  }

  #remove(seq: number): void {
    const i = this.#timers.findIndex((t) => t.seq === seq);
    if (i >= 0) this.#timers.splice(i, 1);
  }
}
