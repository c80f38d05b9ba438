/**
 * How the pack tests hand a pack to `retry()`: as users do, in the `classify` option.
 */
import type { ErrorClassifier } from '../../src/decision/classifier.js';
import type { RetryOptions } from 'maestro-retry';

/**
 * Retry options that classify failures with `pack` (and the default classification for what
 * it does not know). Short delays: the faults in these tests clear in the `onRetry` hook,
 * which the engine awaits, not with time.
 */
export function withPack(pack: ErrorClassifier, options: RetryOptions = {}): RetryOptions {
  return { maxRetries: 3, initialDelay: 2, registry: false, classify: [pack], ...options };
}
