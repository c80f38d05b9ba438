/**
 * An event-queue clock for simulations: a binary heap of timers, and `run()`, which moves
 * virtual time to the next due timer, fires every timer due at that instant, and lets the
 * promise reactions they trigger run (one real `setImmediate`) before looking again. It
 * implements the library's `Clock` interface, so the library's own loop runs on it unchanged.
 *
 * Why not `ManualClock.runAll()`: it waits for two `setImmediate`s per timer and keeps its
 * timers in an array it splices into (O(n) per insert); this one takes one `setImmediate` per
 * distinct due time and O(log n) per timer. Both give the same order of events.
 */
import type { Clock } from '../../src/index.js';

interface Timer {
  readonly due: number;
  readonly seq: number;
  resolve: (() => void) | undefined;
}

const realSetImmediate = globalThis.setImmediate;
const drain = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

export class EventClock implements Clock {
  #now = 0;
  #seq = 0;
  #heap: Timer[] = [];
  /** Timers fired so far. */
  fired = 0;

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = { due: this.#now + Math.max(0, ms), seq: this.#seq++, resolve };
      if (signal !== undefined) {
        const onAbort = (): void => {
          timer.resolve = undefined; // left in the heap, skipped when it comes up
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        timer.resolve = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
      }
      this.#push(timer);
    });
  }

  /** Runs until no timer is pending. */
  async run(): Promise<void> {
    await drain();
    while (this.#heap.length > 0) {
      const due = this.#heap[0]!.due;
      this.#now = due;
      while (this.#heap.length > 0 && this.#heap[0]!.due === due) {
        const timer = this.#pop();
        if (timer.resolve !== undefined) {
          this.fired++;
          timer.resolve();
        }
      }
      await drain();
    }
  }

  #less(a: Timer, b: Timer): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  #push(timer: Timer): void {
    const h = this.#heap;
    let i = h.push(timer) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  #pop(): Timer {
    const h = this.#heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.#less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.#less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
