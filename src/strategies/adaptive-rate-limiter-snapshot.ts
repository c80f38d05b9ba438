/** What an adaptive rate limiter stores and snapshots, and how a snapshot is read back. */
import { isFiniteNumber, snapshotField } from './validate.js';

/** The cut a limiter keeps in its store: whether a throttle has been seen, the rate then, and when. */
export interface RateCut {
  enabled: boolean;
  lastMaxRate: number;
  lastThrottle: number;
}

/** A plain snapshot of an `AdaptiveRateLimiter`, from `AdaptiveRateLimiter.toJSON`. */
export interface AdaptiveRateLimiterSnapshot {
  /** What the snapshot is of: an adaptive rate limiter. */
  readonly kind: 'adaptive-rate-limiter';
  /** The limiter's `name`. */
  readonly name: string;
  /** The store's time when it was taken. */
  readonly takenAt: number;
  /** The stored cut, with the rates this process had measured and was sending at. */
  readonly state: Readonly<RateCut> & {
    /** The rate attempts were let through at, in attempts per second. */
    readonly fillRate: number;
    /** The smoothed rate attempts had been ending at, in attempts per second. */
    readonly measuredTxRate: number;
  };
}

/** The fields of an `initialState` snapshot, checked; `undefined` when none was given. */
export function restoreLimiter(owner: string, saved: Record<string, unknown> | undefined): { cut: RateCut; fillRate: number; measuredTxRate: number } | undefined {
  if (saved === undefined) return undefined;
  const rate = (v: unknown): boolean => isFiniteNumber(v) && v >= 0;
  const field = <T>(name: string, rule: string, check: (v: unknown) => boolean): T => snapshotField<T>(owner, saved, name, rule, check);
  const cut: RateCut = {
    enabled: field<boolean>('enabled', 'a boolean', (v) => typeof v === 'boolean'),
    lastMaxRate: field<number>('lastMaxRate', 'a non-negative finite number', rate),
    lastThrottle: field<number>('lastThrottle', 'a finite number', isFiniteNumber),
  };
  const fillRate = field<number>('fillRate', 'a non-negative finite number', rate);
  const measuredTxRate = field<number>('measuredTxRate', 'a non-negative finite number', rate);
  return { cut, fillRate, measuredTxRate };
}
