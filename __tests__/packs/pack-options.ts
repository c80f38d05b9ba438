/**
 * How the pack tests hand a pack to `retry()`: the options that make the engine consult it.
 */
import type { ErrorClassifier } from '../../src/decision/classifier.js';
import type { RetryOptions } from 'maestro-retry';

/**
 * Retry options that decide with `pack` as the engine's `classify` option would, through
 * `retryIf`: retried when the pack answers a verdict other than permanent. Short delays: the
 * faults in these tests clear in the `onRetry` hook, not with time.
 */
export function withPack(pack: ErrorClassifier, options: RetryOptions = {}): RetryOptions {
  return {
    maxRetries: 3,
    initialDelay: 2,
    registry: false,
    retryIf: (error) => {
      const verdict = pack(error);
      const kind = typeof verdict === 'object' ? verdict.verdict : verdict;
      return kind !== undefined && kind !== 'permanent';
    },
    ...options,
  };
}
