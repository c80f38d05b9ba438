/**
 * A tiny typed event source: `add` returns the function that removes the listener, `emit`
 * calls every listener with one event object. A listener that throws cannot break the emitter
 * or the listeners after it: its error is reported with `process.emitWarning` (or
 * `console.warn` where there is no `process`).
 */
export class Listeners<E> {
  #listeners: Array<(event: E) => void> = [];
  readonly #source: string;

  /** @param source names the emitter in the warning a throwing listener causes. */
  constructor(source: string) {
    this.#source = source;
  }

  /** How many listeners are subscribed. */
  get size(): number {
    return this.#listeners.length;
  }

  /** Subscribes `listener`; the returned function unsubscribes it (calling it twice is harmless). */
  add(listener: (event: E) => void): () => void {
    if (typeof listener !== 'function') {
      throw new TypeError(`maestro-retry: ${this.#source} listener must be a function, got ${typeof listener}`);
    }
    // A wrapper per subscription, so the same function subscribed twice is removed once per call.
    const entry = (event: E): void => listener(event);
    this.#listeners = [...this.#listeners, entry];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== entry);
    };
  }

  /** Calls every listener subscribed when the emit began, in subscription order. */
  emit(event: E): void {
    // Copy-on-write array: (un)subscribing during an emit does not disturb this loop.
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        warn(`maestro-retry: a ${this.#source} listener threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
  }
}

function warn(message: string): void {
  if (typeof process !== 'undefined' && typeof process.emitWarning === 'function') {
    process.emitWarning(message, { code: 'MAESTRO_RETRY_LISTENER_ERROR' });
  } else {
    console.warn(message);
  }
}
