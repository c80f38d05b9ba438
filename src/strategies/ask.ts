/**
 * Calls one method of one strategy. A throw, or a rejected promise, becomes a
 * `StrategyError` naming the strategy and the method; an answer given now is returned as it
 * is, with no promise made for it.
 */
import { StrategyError } from '../errors/strategy-error.js';
import { strategyName } from './order.js';
import type { MaybePromise, Strategy } from './strategy.js';

/** Whether `value` is a promise or another thenable. */
export function isThenable<V>(value: MaybePromise<V>): value is PromiseLike<V> {
  return value !== null && typeof value === 'object' && typeof (value as PromiseLike<V>).then === 'function';
}

/** `strategy[method](...args)`, its failures as `StrategyError`s. */
export function ask<M extends 'callStarted' | 'beforeAttempt' | 'afterAttempt' | 'allowRetry' | 'callEnded'>(
  strategy: Strategy, method: M, ...args: Parameters<NonNullable<Strategy[M]>>): MaybePromise<Awaited<ReturnType<NonNullable<Strategy[M]>>>> {
  type R = Awaited<ReturnType<NonNullable<Strategy[M]>>>;
  const fail = (cause: unknown): never => {
    throw new StrategyError({ strategy: strategyName(strategy), method, cause });
  };
  let answer: MaybePromise<R>;
  try {
    answer = (strategy[method] as (...a: typeof args) => MaybePromise<R>).apply(strategy, args);
  } catch (error) {
    return fail(error);
  }
  return isThenable(answer) ? Promise.resolve(answer).then(undefined, fail) : answer;
}
