/**
 * The attempt a wrapped function is running in. `retry(fn)` hands `fn` its attempt's context;
 * a function wrapped by `withRetry`, `@Retryable` or `RetryManager` keeps its own parameters,
 * so when hedging is on (and a losing attempt must stop when its signal aborts) it reads the
 * context here instead. Kept in an `AsyncLocalStorage`, made on first use: calls without
 * hedging never pay for it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AttemptContext } from '../engine/types.js';

let storage: AsyncLocalStorage<AttemptContext> | undefined;

/**
 * The context (`attempt`, `retriesLeft`, `signal`) of the attempt running in this async
 * context, inside a function wrapped by `withRetry`, `@Retryable` or `RetryManager` whose
 * options turn on `hedging`; `undefined` anywhere else. Pass its `signal` on, so a hedge's
 * loser stops when another attempt wins.
 *
 * @example
 * class Prices {
 *   \@Retryable({ hedging: { delay: 'p95' } })
 *   async quote(sku: string) {
 *     return (await fetch(`${base}/price/${sku}`, { signal: currentAttempt()?.signal })).json();
 *   }
 * }
 */
export function currentAttempt(): AttemptContext | undefined {
  return storage?.getStore();
}

/** A wrapper's attempt: `call()`, run inside its attempt's context when the call hedges. */
export function attemptOf(hedged: boolean, call: () => unknown): (ctx: AttemptContext) => unknown {
  return hedged ? (ctx) => (storage ??= new AsyncLocalStorage()).run(ctx, call) : call;
}
