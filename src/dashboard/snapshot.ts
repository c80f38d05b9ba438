/**
 * What the statistics page's feed sends, once per refresh: one JSON object. Counts come from
 * the registry (exact, lifetime); rates, latency quantiles and history from the events the
 * page has seen since it was created. This file holds types only.
 */
import type { GiveUpReason } from '../engine/types.js';

/** The registry's counts: calls started, in flight, succeeded, failed; retries; success rate in [0, 1]. */
export interface CallCounts {
  readonly calls: number;
  readonly inFlight: number;
  readonly successes: number;
  readonly failures: number;
  readonly retries: number;
  readonly successRate: number;
}

/** One operation's row: its counts from the registry, its rates and latency from the events. */
export interface OperationRow extends CallCounts {
  readonly name: string;
  readonly giveUpReasons: Partial<Record<GiveUpReason, number>>;
  /** Calls started and retries made per second, averaged over the last complete seconds. */
  readonly callsPerSecond: number;
  readonly retriesPerSecond: number;
  /** Attempt latency quantiles over the latest attempts, in ms; `null` before the first attempt. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Calls started per second over the last minute, oldest first. */
  readonly history: readonly number[];
}

/** One circuit breaker. */
export interface BreakerRow {
  readonly name: string;
  readonly state: string;
  /** Time in the current state, in ms. */
  readonly inStateMs: number;
  /** `true` when the state was entered before the page started watching: `inStateMs` is a lower bound. */
  readonly inStateAtLeast: boolean;
  readonly transitions: number;
}

/** One retry budget. */
export interface BudgetRow {
  readonly name: string;
  /** Retries it would grant now. */
  readonly available: number;
  /** Token buckets: tokens left and capacity. */
  readonly tokens?: number;
  readonly capacity?: number;
  /** Retries refused since the page started watching. */
  readonly refusals: number;
}

/** One adaptive rate limiter. */
export interface LimiterRow {
  readonly name: string;
  /** Whether it paces attempts (it has seen a throttle). */
  readonly enabled: boolean;
  /** Attempts per second it lets through. */
  readonly rate: number;
  /** Throttles seen and waits imposed since the page started watching. */
  readonly throttles: number;
  readonly waits: number;
}

/** The whole page, at one moment. */
export interface DashboardSnapshot {
  /** The dashboard clock's time. */
  readonly time: number;
  readonly intervalMs: number;
  /** The registry's totals; `operations`: operations the registry holds; `shown`: rows sent. */
  readonly totals: CallCounts & { readonly operations: number; readonly shown: number };
  readonly operations: readonly OperationRow[];
  readonly breakers: readonly BreakerRow[];
  readonly budgets: readonly BudgetRow[];
  readonly limiters: readonly LimiterRow[];
}
