/**
 * The circuit breaker's algorithm, as transitions of its stored state (see `src/state/store.ts`):
 * plain functions of the state, the time and the breaker's settings, so that one copy of the
 * algorithm serves every store. `circuit-breaker.ts` holds the class around them.
 */
import { RollingWindow, restoreWindow, type WindowData } from './rolling-window.js';

/** The three states of a {@link CircuitBreaker}. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** A half-open trial slot, held by the breaker instance `owner` until it reports, or until `until`. */
export interface Lease {
  readonly owner: string;
  /** When the slot frees itself (store time); `null`: never. */
  readonly until: number | null;
}

/**
 * What a breaker keeps in its store. It is half-open when open, not isolated, and
 * `resetTimeout` has passed since `openedAt`: that move needs no write, every process sees it
 * at the same store time.
 */
export interface BreakerState {
  phase: 'closed' | 'open';
  isolated: boolean;
  /** How many times it has opened: trial slots belong to one opening. */
  opened: number;
  openedAt: number;
  closedAt: number;
  /** Failures since the last success. */
  failures: number;
  /** Failure-rate mode: successes (kind 0) and failures (kind 1) over the window; `null` otherwise. */
  window: WindowData | null;
  /** Half-open: the trial slots taken and not yet given back. */
  probes: Lease[];
  /** Half-open: trials that succeeded. */
  successes: number;
}

/** The settings the transitions read. */
export interface BreakerSettings {
  readonly failureThreshold: number;
  readonly failureRateThreshold: number | undefined;
  readonly minimumCalls: number;
  readonly windowMs: number;
  readonly resetTimeout: number;
  readonly halfOpenMaxCalls: number;
}

/** How an admitted attempt ended, for {@link recordOutcome}. */
export type Verdict = 'success' | 'failure' | 'ignored';

const SUCCESS = 0;
const FAILURE = 1;
const BUCKETS = 10;

/** A closed breaker that has seen nothing. */
export function initialBreaker(settings: BreakerSettings, now: number): BreakerState {
  const window = settings.failureRateThreshold === undefined ? null : new RollingWindow(settings.windowMs, BUCKETS, 2, now).data;
  return { phase: 'closed', isolated: false, opened: 0, openedAt: now, closedAt: now, failures: 0, window, probes: [], successes: 0 };
}

/** The state as callers see it at `now`. */
export function effectiveState(s: BreakerState, settings: BreakerSettings, now: number): CircuitState {
  if (s.phase === 'closed') return 'closed';
  return s.isolated || now < s.openedAt + settings.resetTimeout ? 'open' : 'half-open';
}

/** When the breaker entered `state` (for half-open: when `resetTimeout` ran out). */
export function enteredAt(s: BreakerState, settings: BreakerSettings, state: CircuitState): number {
  if (state === 'closed') return s.closedAt;
  return state === 'open' ? s.openedAt : s.openedAt + settings.resetTimeout;
}

/** Ms until an open breaker turns half-open; `undefined` when not open, or isolated. */
export function retryAfter(s: BreakerState, settings: BreakerSettings, now: number): number | undefined {
  if (s.phase !== 'open' || s.isolated) return undefined;
  const left = s.openedAt + settings.resetTimeout - now;
  return left > 0 ? left : undefined;
}

/** The window of a failure-rate breaker, as it stands (a view: `data` is the state's own). */
export function windowOf(s: BreakerState, settings: BreakerSettings, data: WindowData): RollingWindow {
  return new RollingWindow(settings.windowMs, BUCKETS, 2, data);
}

/** Successes and failures in the window at `now`, without moving the stored window. */
export function windowCounts(s: BreakerState, settings: BreakerSettings, now: number): { calls: number; failures: number } {
  if (s.window === null) return { calls: 0, failures: 0 };
  const w = windowOf(s, settings, { head: s.window.head, counts: s.window.counts.slice() });
  w.advance(now);
  return { calls: w.total(SUCCESS) + w.total(FAILURE), failures: w.total(FAILURE) };
}

/**
 * Half-open: takes a trial slot for `owner` when one is free. The slots in use are the leases
 * of the whole store, the trials that already succeeded, and `ownOthers`, the owner's own
 * attempts in flight that hold no lease (admitted before the circuit opened: their outcome
 * will count as a trial's). A closed breaker admits too (it closed meanwhile).
 */
export function takeProbe(s: BreakerState, now: number, settings: BreakerSettings, owner: string, ownInFlight: number, leaseMs: number | undefined): boolean {
  const state = effectiveState(s, settings, now);
  if (state !== 'half-open') return state === 'closed';
  s.probes = s.probes.filter((p) => p.until === null || p.until > now);
  const own = s.probes.reduce((n, p) => (p.owner === owner ? n + 1 : n), 0);
  if (s.probes.length + s.successes + Math.max(0, ownInFlight - own) >= settings.halfOpenMaxCalls) return false;
  s.probes.push({ owner, until: leaseMs === undefined ? null : now + leaseMs });
  return true;
}

/**
 * An admitted attempt of `owner` ended. It gives back one of the owner's trial slots, if it
 * holds one; then, closed, a success resets the consecutive count and a failure may open the
 * breaker; half-open, a success counts towards closing and a failure reopens it; open, it
 * counts for nothing. An ignored outcome only gives the slot back.
 */
export function recordOutcome(s: BreakerState, now: number, settings: BreakerSettings, verdict: Verdict, owner: string): void {
  const state = effectiveState(s, settings, now);
  const mine = s.probes.findIndex((p) => p.owner === owner);
  if (mine >= 0) s.probes.splice(mine, 1);
  if (verdict === 'ignored' || state === 'open') return;
  if (state === 'half-open') {
    if (verdict === 'success') {
      s.failures = 0;
      if (++s.successes >= settings.halfOpenMaxCalls) close(s, now);
    } else {
      s.failures++;
      open(s, now);
    }
    return;
  }
  if (verdict === 'success') s.failures = 0;
  else s.failures++;
  if (s.window !== null) {
    const w = windowOf(s, settings, s.window);
    w.advance(now);
    w.add(verdict === 'success' ? SUCCESS : FAILURE);
    const calls = w.total(SUCCESS) + w.total(FAILURE);
    if (verdict === 'failure' && calls >= settings.minimumCalls && w.total(FAILURE) / calls >= settings.failureRateThreshold!) open(s, now);
  } else if (verdict === 'failure' && s.failures >= settings.failureThreshold) {
    open(s, now);
  }
}

/** Holds the breaker open until {@link resetBreaker}; opens it now unless it is open already. */
export function isolateBreaker(s: BreakerState, now: number, settings: BreakerSettings): void {
  const state = effectiveState(s, settings, now);
  s.isolated = true;
  if (state !== 'open') open(s, now);
}

/** Closes the breaker (ends an isolation) and forgets every failure. */
export function resetBreaker(s: BreakerState, now: number): void {
  s.isolated = false;
  if (s.phase !== 'closed') close(s, now);
  else clearCounts(s);
}

function open(s: BreakerState, now: number): void {
  s.phase = 'open';
  s.opened++;
  s.openedAt = now;
  s.successes = 0;
  s.probes = [];
}

function close(s: BreakerState, now: number): void {
  s.phase = 'closed';
  s.closedAt = now;
  s.successes = 0;
  s.probes = [];
  clearCounts(s);
}

function clearCounts(s: BreakerState): void {
  s.failures = 0;
  if (s.window !== null) s.window.counts.fill(0);
}

/**
 * The state a snapshot's `state` restores, or `undefined` when it is not a breaker's. Trial
 * slots are not restored (their probers are gone); times later than `now` (a snapshot from a
 * clock ahead of this one) become `now`.
 */
export function restoreBreaker(saved: Record<string, unknown>, settings: BreakerSettings, now: number): BreakerState | undefined {
  const count = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  const time = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const { phase, isolated, opened, openedAt, closedAt, failures, successes } = saved;
  if ((phase !== 'closed' && phase !== 'open') || typeof isolated !== 'boolean' || !count(opened) || !count(failures) || !count(successes)) return undefined;
  if (!time(openedAt) || !time(closedAt)) return undefined;
  const fresh = initialBreaker(settings, now);
  let window = fresh.window;
  if (window !== null && saved.window !== null && saved.window !== undefined) {
    const restored = restoreWindow(saved.window, settings.windowMs, BUCKETS, 2, now);
    if (restored === undefined) return undefined;
    window = restored;
  }
  return { phase, isolated, opened, openedAt: Math.min(openedAt, now), closedAt: Math.min(closedAt, now), failures, window, probes: [], successes };
}
