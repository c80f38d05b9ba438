/**
 * maestro-retry: retries with exponential backoff for transient failures, behind
 * `withRetry`, `retry` and `@Retryable`, with every call recorded in a registry.
 * This file only re-exports.
 */
export { retry } from './api/retry.js';
export { withRetry } from './api/with-retry.js';
export { RetryManager, type ExecutionContext } from './api/retry-manager.js';
export { ErrorHandler, type ErrorCategory, type RecoveryDecision } from './api/error-handler.js';
export { getRetryHistory, getRetryStatistics } from './api/statistics.js';
export { currentAttempt } from './api/current-attempt.js';

export type { RetryOptions } from './engine/options.js';
export type {
  AttemptContext, ErrorClass, ErrorSummary, GiveUpEvent, GiveUpReason, HookName, JitterStrategy, RetryAttempt, RetryEvent, RetryIfInfo,
} from './engine/types.js';
export type { Clock } from './engine/clock.js';
export type { DelayInfo } from './decision/decide.js';
export type { ErrorClassification, ErrorClassifier, ErrorVerdict } from './decision/classifier.js';
export type {
  AttemptEndedEvent, AttemptOutcomeKind, CallEndedEvent, CallObserver, CallStartedEvent, PolicyEvent, RetryScheduledEvent,
} from './observers/observer.js';
export type {
  AttemptReport, AttemptVerdict, CallReport, MaybePromise, Refusal, Strategy, StrategyContext, Wait,
} from './strategies/strategy.js';
export { StrategyError, isStrategyError } from './errors/strategy-error.js';
export { calculateDelay, type BackoffOptions } from './decision/backoff.js';
export { isAbortError, isThrottlingError, isTimeoutError, isTransientError } from './decision/classify.js';
export { retryAfterMs, type NowSource } from './decision/retry-after.js';
export { systemClock } from './engine/clock.js';

export { TransientError, isTransientErrorInstance } from './errors/transient-error.js';
export { PermanentError, isPermanentError } from './errors/permanent-error.js';
export { AttemptTimeoutError, isAttemptTimeoutError } from './errors/attempt-timeout-error.js';
export { CircuitOpenError, isCircuitOpenError } from './errors/circuit-open-error.js';
export { RetryExhaustedError, isRetryExhaustedError, type RetryExhaustedDetails } from './errors/retry-exhausted-error.js';
export { RetryBudgetExhaustedError, isRetryBudgetExhaustedError } from './errors/retry-budget-exhausted-error.js';
export { RetryTimeoutError, isRetryTimeoutError } from './errors/retry-timeout-error.js';

export { RetryRegistry } from './registry/retry-registry.js';
export { defaultRegistry } from './registry/default-registry.js';
export type { CallFigures, OperationStatistics, RegistryEvent, RetryHistory, RetryRegistryOptions, RetryStatistics } from './registry/types.js';

export { ManualClock, flushMicrotasks } from './testing/manual-clock.js';

export {
  AdaptiveRateLimiter, CircuitBreaker, RatioRetryBudget, RetryBudget, TokenBucketRetryBudget,
  type AdaptiveRateLimiterOptions, type AdaptiveRateLimiterStats, type CircuitBreakerOptions, type CircuitBreakerStats,
  type CircuitState, type CircuitStateChange, type RatioRetryBudgetOptions, type RatioRetryBudgetStats,
  type TokenBucketRetryBudgetOptions, type TokenBucketRetryBudgetStats,
  type AdaptiveRateLimiterSnapshot, type CircuitBreakerSnapshot, type RatioRetryBudgetSnapshot, type TokenBucketRetryBudgetSnapshot,
} from './strategies/index.js';
export { memoryStore } from './state/memory-store.js';
export type { CellOwner, Change, StateCell, StateStore, StoreEventType } from './state/store.js';

export type { HedgeDelayInfo, HedgingOptions, Percentile } from './strategies/hedging-options.js';
export { LatencyEstimate, type LatencyEstimateOptions } from './strategies/latency-estimate.js';
export { LatencyStore, defaultLatencyStore, type LatencyStoreOptions } from './strategies/latency-store.js';
export type { FallbackEvent, FallbackOptions } from './strategies/fallback.js';

export { Retryable, RETRYABLE_METADATA, getRetryableOptions, type RetryableDecorator } from './api/retryable.js';
