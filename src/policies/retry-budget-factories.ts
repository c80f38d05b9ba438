/**
 * Attaches `RetryBudget.ratio` and `RetryBudget.tokenBucket` to the abstract base and
 * re-exports it. The base cannot import its subclasses itself without an import cycle (see
 * `retry-budget.ts`); this module imports all three, so it is the one the public entry point
 * must export `RetryBudget` from.
 */
import { RatioRetryBudget, type RatioRetryBudgetOptions } from './ratio-retry-budget.js';
import { RetryBudget } from './retry-budget.js';
import { TokenBucketRetryBudget, type TokenBucketRetryBudgetOptions } from './token-bucket-retry-budget.js';

RetryBudget.ratio = (options?: RatioRetryBudgetOptions) => new RatioRetryBudget(options);
RetryBudget.tokenBucket = (options?: TokenBucketRetryBudgetOptions) => new TokenBucketRetryBudget(options);

export { RetryBudget };
