/**
 * A faster `ManualClock` for the simulations: the same semantics (timers fire in order of due
 * time, then creation; those due at the same time fire together, and the promise reactions
 * they trigger run before time moves on), with the pending timers in a binary heap instead of
 * a sorted array, so tens of thousands of waiting calls cost O(log n) per timer, not O(n).
 * An aborted sleep is removed lazily. Used only by bench/sim/overload.ts.
 */
import { flushMicrotasks, type Clock } from '../../src/index.js';

interface Timer {
  readonly due: number;
  readonly seq: number;
  readonly resolve: () => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  cancelled: boolean;
}

const before = (a: Timer, b: Timer): boolean => a.due < b.due || (a.due === b.due && a.seq < b.seq);

export class SimClock implements Clock {
  #now: number;
  #seq = 0;
  #heap: Timer[] = [];
  #live = 0;

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = { due: this.#now + Math.max(0, ms), seq: this.#seq++, resolve, signal, onAbort: undefined, cancelled: false };
      if (signal) {
        timer.onAbort = (): void => {
          timer.cancelled = true;
          this.#live--;
          reject(signal.reason);
        };
        signal.addEventListener('abort', timer.onAbort, { once: true });
      }
      this.#push(timer);
      this.#live++;
    });
  }

  /** How many sleeps are waiting. */
  get pendingTimers(): number {
    return this.#live;
  }

  /** Moves time forward by `ms`, firing every timer due on the way, as `ManualClock.advance`. */
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

  /** Moves time to the next pending timer and fires it; `false` when none was pending. */
  async next(): Promise<boolean> {
    await flushMicrotasks();
    const first = this.#peek();
    if (!first) return false;
    this.#fireDue(first.due);
    await flushMicrotasks();
    return true;
  }

  #fireDue(due: number): void {
    this.#now = Math.max(this.#now, due);
    for (let t = this.#peek(); t !== undefined && t.due <= due; t = this.#peek()) {
      this.#pop();
      this.#live--;
      if (t.signal) t.signal.removeEventListener('abort', t.onAbort!);
      t.resolve();
    }
  }

  /** The earliest timer not cancelled, dropping cancelled ones on the way. */
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
