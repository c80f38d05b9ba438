import { brand, isBranded } from './brand.js';

/**
 * The error a call fails with when one of its strategies (a breaker, a budget, a limiter, a
 * strategy of your own, or the store behind one) throws or rejects instead of answering. Its
 * `cause` is what the strategy threw; `strategy` and `method` say where. The call gives up
 * with reason `'non-retryable'`, counted once.
 *
 * @example
 * catch (e) { if (isStrategyError(e)) log.error({ strategy: e.strategy }, 'policy failed', e.cause); }
 */
export class StrategyError extends Error {
  /** `'StrategyError'`, or the name of the subclass that was constructed. */
  override readonly name: string = 'StrategyError';
  /** The failing strategy's `name`, or its option (`'circuitBreaker'`, ...) when it has none. */
  readonly strategy: string;
  /** The method that failed (`'beforeAttempt'`, `'allowRetry'`, ...). */
  readonly method: string;
  constructor(message?: string | { strategy?: string; method?: string; cause?: unknown }, details: { strategy?: string; method?: string; cause?: unknown } = {}) {
    const d = typeof message === 'object' && message !== null ? message : details;
    const strategy = d.strategy ?? 'strategy';
    const method = d.method ?? 'unknown';
    super(typeof message === 'string' ? message : `maestro-retry: strategy ${strategy} failed in ${method}`, d.cause === undefined ? undefined : { cause: d.cause });
    this.name = new.target.name;
    this.strategy = strategy;
    this.method = method;
    brand(this, 'StrategyError');
  }
}

/** Whether `value` is a {@link StrategyError}. */
export function isStrategyError(value: unknown): value is StrategyError {
  return isBranded(value, StrategyError, 'StrategyError');
}
