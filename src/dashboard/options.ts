import type { Clock } from '../engine/clock.js';
import type { CallObserver } from '../observers/observer.js';
import type { WatchablePolicy } from '../observers/policy-reading.js';
import { describe, safeGet } from '../observers/safe.js';
import type { RetryStatistics } from '../registry/types.js';

/** What the page reads of a registry: its statistics, and its event stream. `RetryRegistry` is one. */
export interface DashboardRegistry {
  /** Every operation's counts, read at each refresh. */
  getStatistics(): RetryStatistics;
  /** Subscribes the page's observer; returns the function that unsubscribes it. */
  subscribe(observer: CallObserver): () => void;
}

/** Options of `createDashboard`. Every one is optional. */
export interface DashboardOptions {
  /** The registry whose calls the page shows. @default defaultRegistry */
  readonly registry?: DashboardRegistry;
  /** Circuit breakers, retry budgets and rate limiters to show (each by its `name`). @default [] */
  readonly policies?: readonly WatchablePolicy[];
  /** Feed clients served at once; one more gets a 503. @default 10 */
  readonly maxClients?: number;
  /** Operations given a row (the first ones seen); the totals count every one. @default 50 */
  readonly maxOperations?: number;
  /** How often the feed sends a refresh, in ms (at least 50). @default 1000 */
  readonly intervalMs?: number;
  /** Where time comes from (the refresh loop sleeps on it). @default systemClock */
  readonly clock?: Clock;
  /**
   * The path the page is served under when the framework does not strip it (Express's
   * `app.use(path, ...)` does; plain `node:http` and Fastify do not): `'/retries'` serves the
   * page at `/retries/` and its feed at `/retries/events`. @default '' (the page at `/`)
   */
  readonly basePath?: string;
}

/** The options, checked, with defaults. */
export interface ResolvedDashboardOptions {
  readonly registry: DashboardRegistry | undefined;
  readonly policies: readonly unknown[];
  readonly maxClients: number;
  readonly maxOperations: number;
  readonly intervalMs: number;
  readonly clock: Clock | undefined;
  readonly basePath: string;
}

function integer(options: DashboardOptions, key: 'maxClients' | 'maxOperations', fallback: number, min: number): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`maestro-retry: createDashboard option \`${key}\` must be an integer >= ${min}, got ${describe(value)}`);
  }
  return value;
}

/** Checks every option; a bad one is a TypeError or RangeError naming it and the value. */
export function readDashboardOptions(options: DashboardOptions): ResolvedDashboardOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`maestro-retry: createDashboard options must be an object, got ${describe(options)}`);
  const { registry, policies = [], clock, intervalMs = 1000, basePath = '' } = options;
  if (registry !== undefined && (typeof safeGet(registry, 'getStatistics') !== 'function' || typeof safeGet(registry, 'subscribe') !== 'function')) {
    throw new TypeError(`maestro-retry: createDashboard option \`registry\` must be a registry (getStatistics and subscribe), got ${describe(registry)}`);
  }
  if (!Array.isArray(policies)) throw new TypeError(`maestro-retry: createDashboard option \`policies\` must be an array, got ${describe(policies)}`);
  if (clock !== undefined && (typeof safeGet(clock, 'now') !== 'function' || typeof safeGet(clock, 'sleep') !== 'function')) {
    throw new TypeError(`maestro-retry: createDashboard option \`clock\` must have now() and sleep(), got ${describe(clock)}`);
  }
  if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs < 50) {
    throw new RangeError(`maestro-retry: createDashboard option \`intervalMs\` must be a finite number >= 50, got ${describe(intervalMs)}`);
  }
  if (typeof basePath !== 'string' || (basePath !== '' && !/^\/[A-Za-z0-9._~\-/]*[A-Za-z0-9._~-]$/.test(basePath))) {
    throw new TypeError(`maestro-retry: createDashboard option \`basePath\` must be '' or a path like '/retries' (no trailing slash), got ${describe(basePath)}`);
  }
  return {
    registry,
    policies,
    clock,
    intervalMs,
    basePath,
    maxClients: integer(options, 'maxClients', 10, 1),
    maxOperations: integer(options, 'maxOperations', 50, 1),
  };
}
