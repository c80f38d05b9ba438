/**
 * What an exporter (the OpenTelemetry bridge, the statistics page) reads of a policy it was
 * asked to watch: its kind and name, and the live figures its `stats` snapshot holds. The kind
 * is read from the shape of `stats` rather than from the class, so a policy loaded through the
 * other module format (ESM next to CJS), or a user's own policy with the same figures, is read
 * the same way. Nothing here throws, whatever `stats` holds.
 */
import type { PolicyEvent } from './observer.js';
import { safeGet } from './safe.js';

/** A policy that can be watched: it reports its events to `subscribe` and may name itself. */
export interface WatchablePolicy {
  /** Names the policy in telemetry (the policies' `name` option); the kind when absent. */
  readonly name?: string;
  /** Returns the function that unsubscribes `listener`. */
  subscribe(listener: (event: PolicyEvent) => void): () => void;
}

/** The kinds of policy an exporter shows figures of; `'other'` gets its events counted only. */
export type PolicyKind = 'circuit-breaker' | 'retry-budget' | 'rate-limiter' | 'other';

/** A policy's live figures, as far as its kind has them. */
export interface PolicyReading {
  readonly kind: PolicyKind;
  /** Circuit breakers: `'closed'`, `'open'` or `'half-open'`. */
  readonly state?: string;
  /** Retry budgets: retries that would be granted now. */
  readonly available?: number;
  /** Token-bucket budgets: tokens left, and the bucket's size. */
  readonly tokens?: number;
  readonly capacity?: number;
  /** Rate limiters: whether it paces attempts (it has seen a throttle), and at what rate (attempts per second). */
  readonly enabled?: boolean;
  readonly rate?: number;
}

const finite = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Reads `policy.stats` now (a breaker's state read this way may move it from open to half-open). */
export function readPolicy(policy: unknown): PolicyReading {
  const stats = safeGet(policy, 'stats');
  const state = safeGet(stats, 'state');
  if (typeof state === 'string') return { kind: 'circuit-breaker', state };
  const rate = finite(safeGet(stats, 'fillRate'));
  if (rate !== undefined) return { kind: 'rate-limiter', rate, enabled: safeGet(stats, 'enabled') === true };
  const available = finite(safeGet(stats, 'available'));
  if (available !== undefined) {
    const tokens = finite(safeGet(stats, 'tokens'));
    const capacity = finite(safeGet(stats, 'capacity'));
    return { kind: 'retry-budget', available, ...(tokens === undefined ? {} : { tokens }), ...(capacity === undefined ? {} : { capacity }) };
  }
  return { kind: 'other' };
}

/** The policy's `name` when it is a non-empty string, else its kind (as the policies default it). */
export function policyName(policy: unknown, kind: PolicyKind): string {
  const name = safeGet(policy, 'name');
  return typeof name === 'string' && name.length > 0 ? name : kind;
}

/** Throws a TypeError naming `owner` unless `policy` has a `subscribe` method. */
export function checkWatchable(policy: unknown, owner: string): asserts policy is WatchablePolicy {
  if (typeof safeGet(policy, 'subscribe') !== 'function') {
    throw new TypeError(`maestro-retry: ${owner} needs a policy with a subscribe(listener) method (a CircuitBreaker, a retry budget, an AdaptiveRateLimiter), got ${policy === null ? 'null' : typeof policy}`);
  }
}
