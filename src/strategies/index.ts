/** The policies' public surface, for the package entry point to re-export. */
export { AdaptiveRateLimiter, type AdaptiveRateLimiterOptions, type AdaptiveRateLimiterSnapshot, type AdaptiveRateLimiterStats } from './adaptive-rate-limiter.js';
export { CircuitBreaker, type CircuitBreakerOptions, type CircuitBreakerSnapshot, type CircuitBreakerStats, type CircuitState, type CircuitStateChange } from './circuit-breaker.js';
export { RatioRetryBudget, type RatioRetryBudgetOptions, type RatioRetryBudgetSnapshot, type RatioRetryBudgetStats } from './ratio-retry-budget.js';
export { RetryBudget } from './retry-budget.js';
export { TokenBucketRetryBudget, type TokenBucketRetryBudgetOptions, type TokenBucketRetryBudgetSnapshot, type TokenBucketRetryBudgetStats } from './token-bucket-retry-budget.js';
