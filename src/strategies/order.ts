/**
 * The order in which strategies apply, written once. Before an attempt: the rate limiter
 * first (an attempt waits for a send slot before it takes anything else), then the circuit
 * breaker (so a half-open trial slot is not held while waiting), then the budget, then the
 * `strategies` option's in their order. After an attempt each strategy that admitted it hears
 * of it, in the same order. `allowRetry` and the call's start and end go in the same order too.
 */
import type { Strategy } from './strategy.js';

/** The call's strategies in the order they apply. */
export function orderStrategies(rateLimiter: Strategy | undefined, circuitBreaker: Strategy | undefined, budget: Strategy | undefined,
  own: readonly Strategy[]): readonly Strategy[] {
  const ordered: Strategy[] = [];
  if (rateLimiter !== undefined) ordered.push(rateLimiter);
  if (circuitBreaker !== undefined) ordered.push(circuitBreaker);
  if (budget !== undefined) ordered.push(budget);
  for (const strategy of own) ordered.push(strategy);
  return ordered;
}

/** How a strategy is named in a `StrategyError`. */
export function strategyName(strategy: Strategy): string {
  const name = (strategy as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : (strategy.constructor?.name || 'strategy');
}
