import { defaultRegistry } from '../registry/default-registry.js';
import type { RetryHistory, RetryStatistics } from '../registry/types.js';

/**
 * Statistics from the shared `defaultRegistry`: every call made through any entry point that
 * did not name another registry.
 *
 * @example
 * const { calls, successRate, operations } = getRetryStatistics();
 */
export function getRetryStatistics(operationName?: string): RetryStatistics {
  return defaultRegistry.getStatistics(operationName);
}

/**
 * The attempts the shared `defaultRegistry` keeps, per operation.
 *
 * @example
 * getRetryHistory('users.get')['users.get']?.at(-1)?.error?.message;
 */
export function getRetryHistory(operationName?: string): RetryHistory {
  return defaultRegistry.getHistory(operationName);
}
