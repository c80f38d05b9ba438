/**
 * The callers a rate limiter has told to wait: when each is expected back (a min-heap), and
 * those whose wait has run out but who have not asked again yet (the due list, ascending).
 * A caller that never comes back (it gave up) is forgotten `staleMs` after its wait ran out.
 */
export class Waiters {
  /** When (ms) each caller told to wait is expected back: a min-heap. */
  readonly #wakes: number[] = [];
  /** Expected-back times (ms, ascending) of waiters whose wait ran out and who have not asked again. */
  #due: number[] = [];
  #dueHead = 0;

  /** Callers told to wait that have not asked again, nor been forgotten. */
  get size(): number {
    return this.#wakes.length + this.#due.length - this.#dueHead;
  }

  /** When the next waiter is expected back; `undefined` when nobody waits. */
  get next(): number | undefined {
    return this.#wakes[0];
  }

  /** A caller was told to come back at `wake`. */
  add(wake: number): void {
    heapPush(this.#wakes, wake);
  }

  /**
   * Moves the waiters whose wait has run out to the due list, and forgets the due ones that
   * have not asked again within `staleMs` (they gave up, or are no waiters).
   */
  settle(now: number, staleMs: number): void {
    const wakes = this.#wakes;
    while (wakes.length > 0 && wakes[0]! <= now) this.#due.push(heapPop(wakes));
    const due = this.#due;
    const stale = now - staleMs;
    while (this.#dueHead < due.length && due[this.#dueHead]! < stale) this.#dueHead++;
    if (this.#dueHead === due.length) {
      due.length = 0;
      this.#dueHead = 0;
    } else if (this.#dueHead > 1024 && this.#dueHead * 2 > due.length) {
      this.#due = due.slice(this.#dueHead);
      this.#dueHead = 0;
    }
  }

  /** A caller asks while a waiter is due: it is taken to be that waiter, back. Returns whether one was due. */
  takeReturning(): boolean {
    if (this.#dueHead >= this.#due.length) return false;
    this.#dueHead++;
    return true;
  }
}

/** Adds `value` to the binary min-heap `heap`. */
function heapPush(heap: number[], value: number): void {
  let i = heap.length;
  heap.push(value);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! <= value) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = value;
}

/** Removes and returns the smallest value of the non-empty binary min-heap `heap`. */
function heapPop(heap: number[]): number {
  const top = heap[0]!;
  const last = heap.pop()!;
  const n = heap.length;
  if (n > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && heap[r]! < heap[l]! ? r : l;
      if (heap[c]! >= last) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
  }
  return top;
}
