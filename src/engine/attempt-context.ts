import type { AttemptContext } from './types.js';

/** The context given to `retry()`'s function. Its signal is made only when asked for. */
export class Context implements AttemptContext {
  readonly attempt: number;
  readonly retriesLeft: number;
  #controller: AbortController | undefined;
  constructor(attempt: number, retriesLeft: number, controller: AbortController | undefined) {
    this.attempt = attempt;
    this.retriesLeft = retriesLeft;
    this.#controller = controller;
  }
  get signal(): AbortSignal {
    return (this.#controller ??= new AbortController()).signal;
  }
}
