/**
 * Every example, in reading order: what `examples/run.ts` runs and the test suite executes.
 */
import type { Log } from './support.js';
import { main as success } from './01-success.js';
import { main as transientRecovery } from './02-transient-recovery.js';
import { main as maxRetriesExceeded } from './03-max-retries-exceeded.js';
import { main as permanentError } from './04-permanent-error.js';
import { main as exponentialBackoff } from './05-exponential-backoff.js';
import { main as customRetryOn } from './06-custom-retry-on.js';
import { main as statistics } from './07-statistics.js';
import { main as decorator } from './08-decorator.js';
import { main as errorHandler } from './09-error-handler.js';
import { main as cancellation } from './10-cancellation.js';
import { main as jitter } from './11-jitter.js';
import { main as circuitBreakerAndBudget } from './12-circuit-breaker-and-budget.js';
import { main as otelPrometheus } from './otel-prometheus.js';
import { main as dashboardHttp } from './dashboard-http.js';
import { main as hedgedFetch } from './hedged-fetch.js';
import { main as hedgedDecorator } from './hedged-decorator.js';

export interface Example {
  /** The file name without its extension. */
  readonly name: string;
  readonly title: string;
  readonly main: (log?: Log) => Promise<unknown>;
}

export const examples: readonly Example[] = [
  { name: '01-success', title: 'Success without retries', main: success },
  { name: '02-transient-recovery', title: 'Recovery from transient errors', main: transientRecovery },
  { name: '03-max-retries-exceeded', title: 'Max retries exceeded', main: maxRetriesExceeded },
  { name: '04-permanent-error', title: 'A permanent error is not retried', main: permanentError },
  { name: '05-exponential-backoff', title: 'Exponential backoff timing', main: exponentialBackoff },
  { name: '06-custom-retry-on', title: 'Custom retryable errors with retryOn', main: customRetryOn },
  { name: '07-statistics', title: 'Statistics aggregated across operations', main: statistics },
  { name: '08-decorator', title: 'The @Retryable decorator on a service class', main: decorator },
  { name: '09-error-handler', title: 'ErrorHandler and its recovery decisions', main: errorHandler },
  { name: '10-cancellation', title: 'Cancellation and deadlines', main: cancellation },
  { name: '11-jitter', title: 'Jitter strategies side by side', main: jitter },
  { name: '12-circuit-breaker-and-budget', title: 'Circuit breaker and retry budget', main: circuitBreakerAndBudget },
  { name: 'otel-prometheus', title: 'OpenTelemetry metrics, scraped by Prometheus', main: otelPrometheus },
  { name: 'dashboard-http', title: 'The live statistics page in a node:http server', main: (log) => dashboardHttp(log) },
  { name: 'hedged-fetch', title: 'Hedged fetch against a slow tail', main: hedgedFetch },
  { name: 'hedged-decorator', title: 'Hedging with @Retryable at a learned delay', main: hedgedDecorator },
];
