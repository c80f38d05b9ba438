/**
 * One listener per caller signal, however many calls share it. A shutdown signal given to a
 * wrapper once is shared by every call of it: a listener per call would pass Node's limit of
 * ten and print `MaxListenersExceededWarning`. Calls register here instead, and the single
 * listener tells each of them.
 */

const waiting = new WeakMap<AbortSignal, { readonly set: Set<() => void>; readonly fire: () => void }>();

/**
 * Calls `listener` once when `signal` aborts, unless the returned function is called first.
 * `signal` must not be aborted yet.
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  let entry = waiting.get(signal);
  if (entry === undefined) {
    const set = new Set<() => void>();
    const fire = (): void => {
      waiting.delete(signal);
      for (const each of set) each();
      set.clear();
    };
    entry = { set, fire };
    waiting.set(signal, entry);
    signal.addEventListener('abort', fire, { once: true });
  }
  const own = (): void => listener();
  const { set, fire } = entry;
  set.add(own);
  return () => {
    // The last call to leave takes the signal's listener with it: nothing stays on the signal.
    if (set.delete(own) && set.size === 0 && waiting.get(signal)?.set === set) {
      waiting.delete(signal);
      signal.removeEventListener('abort', fire);
    }
  };
}
