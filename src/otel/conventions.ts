/**
 * The names, units and attribute keys of every instrument and span event the OpenTelemetry
 * bridge emits, in one place (docs/telemetry.md has the same table, with the convention each
 * follows). Names follow OpenTelemetry's naming rules: a namespace of the library's own
 * (`maestro_retry`), dots between levels, snake_case within one, durations in seconds, counts
 * with a `{thing}` unit and a plural name, no `total` suffix.
 */

/** The instrumentation scope (meter name). */
export const METER_NAME = 'maestro-retry';

/** Instrument names. */
export const METRIC = {
  calls: 'maestro_retry.calls',
  attempts: 'maestro_retry.attempts',
  callDuration: 'maestro_retry.call.duration',
  attemptDuration: 'maestro_retry.attempt.duration',
  retryDelay: 'maestro_retry.retry.delay',
  callRetries: 'maestro_retry.call.retries',
  policyEvents: 'maestro_retry.policy.events',
  breakerState: 'maestro_retry.circuit_breaker.state',
  budgetAvailable: 'maestro_retry.retry_budget.available',
  limiterRate: 'maestro_retry.rate_limiter.rate',
} as const;

/** Attribute keys. */
export const ATTR = {
  operation: 'maestro_retry.operation.name',
  outcome: 'maestro_retry.outcome',
  reason: 'maestro_retry.give_up.reason',
  errorType: 'error.type',
  hedge: 'maestro_retry.attempt.hedge',
  policyKind: 'maestro_retry.policy.kind',
  policyName: 'maestro_retry.policy.name',
  policyEvent: 'maestro_retry.policy.event',
  breakerState: 'maestro_retry.circuit_breaker.state',
  breakerPreviousState: 'maestro_retry.circuit_breaker.previous_state',
  attempt: 'maestro_retry.attempt',
  delayMs: 'maestro_retry.retry.delay_ms',
  attempts: 'maestro_retry.attempts',
  resendCount: 'maestro_retry.resend_count',
} as const;

/** Span event names. */
export const SPAN_EVENT = {
  retry: 'maestro_retry.retry',
  giveUp: 'maestro_retry.give_up',
} as const;

/** What names past a bound are reported as: OpenTelemetry's fallback value for `error.type`. */
export const OTHER = '_OTHER';

/**
 * Histogram bucket bounds for durations and delays, in seconds: OpenTelemetry's advice for
 * HTTP request durations (5 ms to 10 s), extended to 30 s and 60 s for calls that wait
 * through long backoffs.
 */
export const DURATION_BUCKETS_S: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60];

/** Histogram bucket bounds for retries per call. */
export const RETRY_COUNT_BUCKETS: readonly number[] = [1, 2, 3, 4, 5, 10, 20, 50];

/** The states a circuit breaker reports; its state gauge has one series per state. */
export const BREAKER_STATES: readonly string[] = ['closed', 'open', 'half-open'];
