import { RetryRegistry } from './retry-registry.js';

/**
 * The registry every entry point reports into unless told otherwise (`registry` option);
 * `getRetryStatistics()` and `getRetryHistory()` read it.
 *
 * @example
 * defaultRegistry.getStatistics().calls;
 */
export const defaultRegistry: RetryRegistry = new RetryRegistry();
