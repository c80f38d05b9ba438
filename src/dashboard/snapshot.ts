/**
 * What the statistics page's feed sends, once per refresh: one JSON object. Counts come from
 * the registry (exact, lifetime); rates, latency quantiles and history from the events the
 * page has seen since it was created. This file holds types only.
 */
import type { GiveUpReason } from '../engine/types.js';

/** The registry's counts, for one operation or in total. */
export interface CallCounts {
  /** Calls started. */
  readonly calls: number;
  /** Calls started and not yet ended. */
  readonly inFlight: number;
  /** Calls that succeeded. */
  readonly successes: number;
  /** Calls that gave up. */
  readonly failures: number;
  /** Attempts after the first. */
  readonly retries: number;
  /** Successes per ended call, in [0, 1]; 0 before any has ended. */
  readonly successRate: number;
}

/** One operation's row: its counts from the registry, its rates and latency from the events. */
export interface OperationRow extends CallCounts {
  /** The operation's name (any text: the page shows it as text, never as markup). */
  readonly name: string;
  /** Calls that gave up, by reason. */
  readonly giveUpReasons: Partial<Record<GiveUpReason, number>>;
  /** Calls started per second, averaged over the last complete seconds. */
  readonly callsPerSecond: number;
  /** Retries made per second, averaged over the last complete seconds. */
  readonly retriesPerSecond: number;
  /** The median attempt duration over the latest attempts, in ms; `null` before the first attempt. */
  readonly p50Ms: number | null;
  /** The 99th percentile of the same, in ms; `null` before the first attempt. */
  readonly p99Ms: number | null;
  /** Calls started per second over the last minute, oldest first. */
  readonly history: readonly number[];
}

/** One circuit breaker. */
export interface BreakerRow {
  /** The breaker's `name` (` #2` added to a repeated one). */
  readonly name: string;
  /** `'closed'`, `'open'` or `'half-open'`. */
  readonly state: string;
  /** Time in the current state, in ms. */
  readonly inStateMs: number;
  /** `true` when the state was entered before the page started watching: `inStateMs` is a lower bound. */
  readonly inStateAtLeast: boolean;
  /** State changes seen since the page started watching. */
  readonly transitions: number;
}

/** One retry budget. */
export interface BudgetRow {
  /** The budget's `name` (` #2` added to a repeated one). */
  readonly name: string;
  /** Retries it would grant now. */
  readonly available: number;
  /** Token buckets: tokens left. */
  readonly tokens?: number;
  /** Token buckets: the bucket's size. */
  readonly capacity?: number;
  /** Retries refused since the page started watching. */
  readonly refusals: number;
}

/** One adaptive rate limiter. */
export interface LimiterRow {
  /** The limiter's `name` (` #2` added to a repeated one). */
  readonly name: string;
  /** Whether it paces attempts (it has seen a throttle). */
  readonly enabled: boolean;
  /** Attempts per second it lets through. */
  readonly rate: number;
  /** Throttles seen since the page started watching. */
  readonly throttles: number;
  /** Waits it imposed since the page started watching. */
  readonly waits: number;
}

/** The registry's totals, with how many operations it holds and how many have a row. */
export interface SnapshotTotals extends CallCounts {
  /** Operations the registry holds. */
  readonly operations: number;
  /** Operations given a row in this snapshot. */
  readonly shown: number;
}

/** The whole page, at one moment. */
export interface DashboardSnapshot {
  /** The dashboard clock's time. */
  readonly time: number;
  /** The refresh interval, in ms. */
  readonly intervalMs: number;
  /** The registry's totals. */
  readonly totals: SnapshotTotals;
  /** One row per operation the page tracks (the first `maxOperations` seen). */
  readonly operations: readonly OperationRow[];
  /** The watched circuit breakers. */
  readonly breakers: readonly BreakerRow[];
  /** The watched retry budgets. */
  readonly budgets: readonly BudgetRow[];
  /** The watched rate limiters. */
  readonly limiters: readonly LimiterRow[];
}
