/**
 * `maestro-retry/otel`: OpenTelemetry metrics and span events from the library's event
 * stream. Needs `@opentelemetry/api` (an optional peer dependency); `maestro-retry` itself
 * never loads it. This file only re-exports.
 */
export { createRetryTelemetry, LOOK_EVERY, type RetryTelemetry, type RetryTelemetryOptions } from './telemetry.js';
export type { WatchablePolicy } from '../observers/policy-reading.js';
