/**
 * One listener per caller signal, however many calls share it. A shutdown signal given to a
 * wrapper once is shared by every call of it: a listener per call would pass Node's limit of
 * ten and print `MaxListenersExceededWarning`. Calls register here instead, and the single
 * listener tells each of them.
 */

const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `listener` once when `signal` aborts, unless the returned function is called first.
 * `signal` must not be aborted yet.
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  let listeners = waiting.get(signal);
  if (listeners === undefined) {
    const set = (listeners = new Set());
    waiting.set(signal, set);
    signal.addEventListener('abort', () => {
      waiting.delete(signal);
      for (const each of set) each();
      set.clear();
    }, { once: true });
  }
  const own = (): void => listener();
  listeners.add(own);
  const set = listeners;
  return () => {
    set.delete(own);
  };
}
