import type { ErrorSummary, GiveUpReason, HookName, RetryAttempt } from '../engine/types.js';

/**
 * The figures every statistics object carries, for one operation or a whole registry.
 * Counters are exact over the registry's lifetime.
 */
export interface CallFigures {
  /** Calls started. `calls = successes + failures + inFlight`. */
  readonly calls: number;
  readonly inFlight: number;
  readonly successes: number;
  readonly failures: number;
  /** Attempts made (first attempts and retries, finished calls and calls in flight). */
  readonly attempts: number;
  /** Attempts after the first. */
  readonly retries: number;
  /** Calls that succeeded on a retry. */
  readonly successesAfterRetry: number;
  /** Attempts per finished call; 0 when none has finished. */
  readonly averageAttempts: number;
  /** Successes per finished call, in [0, 1]; 0 when none has finished. */
  readonly successRate: number;
  /** Time spent waiting between attempts, summed over finished calls, in ms. */
  readonly totalDelayMs: number;
  readonly giveUpReasons: Partial<Record<GiveUpReason, number>>;
}

/** Statistics of one operation. */
export interface OperationStatistics extends CallFigures {
  /** Hooks, observers and predicates that threw during this operation's calls (each printed once; see `onHookError`). */
  readonly hookErrors: number;
  readonly operationName: string;
  /**
   * Failed attempts by error name (a thrown non-error counts under its type, e.g. `string`).
   * At most 100 names are kept per operation; later new names count under `'(other)'`.
   */
  readonly errorCounts: Record<string, number>;
  readonly lastError?: ErrorSummary;
  /** When the latest call's first attempt started (clock time). */
  readonly lastCallAt?: number;
}

/** Statistics of a registry, or of one operation when asked with its name. */
export interface RetryStatistics extends CallFigures {
  /** Operations held now. */
  readonly totalOperations: number;
  /** Operations evicted (least recently used first) to stay within `maxOperations`. */
  readonly evictedOperations: number;
  readonly operations: Record<string, OperationStatistics>;
}

/** Attempts kept per operation, oldest first. */
export type RetryHistory = Record<string, RetryAttempt[]>;

/** What a registry listener receives: every attempt, and every call's end. */
export type RegistryEvent =
  | { readonly type: 'attempt'; readonly attempt: RetryAttempt }
  | {
      readonly type: 'call';
      readonly operationName: string;
      readonly success: boolean;
      readonly attempts: number;
      readonly totalDelayMs: number;
      readonly elapsedMs: number;
      readonly reason?: GiveUpReason;
    };

/** Bounds of a {@link RetryRegistry}. */
export interface RetryRegistryOptions {
  /** Attempts kept per operation (older ones are dropped; counters stay exact). @default 100 */
  readonly maxHistoryPerOperation?: number;
  /** Operations kept; the least recently used is evicted past it. @default 1000 */
  readonly maxOperations?: number;
  /**
   * Told when a listener given to `subscribe` throws (`hook` is `'subscribe'`).
   * @default a process warning (`MaestroRetryWarning`)
   */
  readonly onHookError?: (error: unknown, hook: HookName) => void;
}
