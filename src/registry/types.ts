import type { ErrorSummary, GiveUpReason, HookName, RetryAttempt } from '../engine/types.js';

/**
 * The figures every statistics object carries, for one operation or a whole registry.
 * Counters are exact over the registry's lifetime.
 */
export interface CallFigures {
  /** Calls started. `calls = successes + failures + inFlight`. */
  readonly calls: number;
  /** Calls started and not yet ended. */
  readonly inFlight: number;
  /** Calls that ended with a value. */
  readonly successes: number;
  /** Calls that ended with an error (every give-up, whatever its reason). */
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
  /** Attempts started by hedging (`hedging` option); each is also counted in `retries`. */
  readonly hedges: number;
  /** Hedges whose success was the call's result. */
  readonly hedgesWon: number;
  /** Attempts cancelled because another attempt of their call won (hedged rounds' losers). */
  readonly cancelledAttempts: number;
  /** Calls that gave up and fulfilled with their `fallback` instead (they count in `failures` too). */
  readonly fallbacks: number;
  /** Failed calls by give-up reason; a reason no call gave up for is absent. They add up to `failures`. */
  readonly giveUpReasons: Partial<Record<GiveUpReason, number>>;
}

/** Statistics of one operation. */
export interface OperationStatistics extends CallFigures {
  /** Hooks, observers and predicates that threw during this operation's calls (each printed once; see `onHookError`). */
  readonly hookErrors: number;
  /** The operation's name, as calls report under it (`operationName`, or the function or method name). */
  readonly operationName: string;
  /**
   * Failed attempts by error name (a thrown non-error counts under its type, e.g. `string`).
   * At most 100 names are kept per operation; later new names count under `'(other)'`.
   */
  readonly errorCounts: Record<string, number>;
  /** The latest failed attempt's error (name, message cut to 1,024 characters, code); absent until one fails. */
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
  /** Each operation held now, by name (one key when asked for one operation; none when it is unknown). */
  readonly operations: Record<string, OperationStatistics>;
}

/** Attempts kept per operation, oldest first. */
export type RetryHistory = Record<string, RetryAttempt[]>;

/** What a registry listener receives: every attempt, and every call's end. */
export type RegistryEvent =
  | {
      /** An attempt ended. */
      readonly type: 'attempt';
      /** The attempt, as the history keeps it. */
      readonly attempt: RetryAttempt;
    }
  | {
      /** A call ended. */
      readonly type: 'call';
      /** The operation the call was recorded under. */
      readonly operationName: string;
      /** Whether the call ended with a value. */
      readonly success: boolean;
      /** Attempts the call made. */
      readonly attempts: number;
      /** Time the call spent waiting between attempts, in ms. */
      readonly totalDelayMs: number;
      /** Time from the call's start to its end, in ms. */
      readonly elapsedMs: number;
      /** Why the call gave up; absent when it succeeded. */
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
