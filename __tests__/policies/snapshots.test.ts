/**
 * Snapshots (`toJSON`) and `initialState`: a policy built from another's snapshot, even one
 * that went through JSON, starts where the other was; and the new options are validated.
 */
import { AdaptiveRateLimiter } from '../../src/strategies/adaptive-rate-limiter';
import { CircuitBreaker } from '../../src/strategies/circuit-breaker';
import { RetryBudget } from '../../src/strategies/retry-budget';
import { ManualClock } from '../../src/testing/manual-clock';
import { promiseStore, sharedMemoryStore } from '../helpers/test-stores';

const viaJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('snapshot and restore', () => {
  it('a breaker restored from an open one is open for the rest of its resetTimeout, with its counts', async () => {
    const clock = new ManualClock(10_000);
    const b = new CircuitBreaker({ failureThreshold: 2, resetTimeout: 1_000, clock });
    b.onFailure();
    b.onFailure();
    await clock.advance(400);
    const snapshot = viaJson(b.toJSON());
    expect(snapshot).toMatchObject({ kind: 'circuit-breaker', name: 'circuit-breaker', takenAt: 10_400, state: { phase: 'open', openedAt: 10_000, failures: 2 } });
    const restored = new CircuitBreaker({ failureThreshold: 2, resetTimeout: 1_000, clock, initialState: snapshot });
    expect(restored.stats).toMatchObject({ state: 'open', consecutiveFailures: 2, retryAfterMs: 600 });
    await clock.advance(600);
    expect(restored.state).toBe('half-open');
  });

  it('a failure-rate breaker keeps its window; an isolated one stays isolated', () => {
    const clock = new ManualClock(0);
    const b = new CircuitBreaker({ failureRateThreshold: 0.5, minimumCalls: 10, windowMs: 1_000, clock });
    for (const ok of [true, true, false]) (ok ? b.onSuccess() : b.onFailure());
    const restored = new CircuitBreaker({ failureRateThreshold: 0.5, minimumCalls: 10, windowMs: 1_000, clock, initialState: viaJson(b.toJSON()) });
    expect(restored.stats).toMatchObject({ windowCalls: 3, windowFailures: 1 });
    b.isolate();
    expect(new CircuitBreaker({ clock, initialState: viaJson(b.toJSON()) }).stats).toMatchObject({ state: 'open', isolated: true });
  });

  it('trial slots are not restored, and times from a clock ahead of this one become now', () => {
    const ahead = new ManualClock(1_000_000);
    const b = new CircuitBreaker({ failureThreshold: 1, resetTimeout: 100, failureRateThreshold: 1, minimumCalls: 1, windowMs: 1_000, clock: ahead });
    b.onFailure();
    const clock = new ManualClock(500);
    const restored = new CircuitBreaker({ failureThreshold: 1, resetTimeout: 100, failureRateThreshold: 1, minimumCalls: 1, windowMs: 1_000, clock, initialState: b.toJSON() });
    expect(restored.stats).toMatchObject({ state: 'open', retryAfterMs: 100, windowFailures: 1, windowCalls: 1 });
    expect(restored.toJSON().state).toMatchObject({ openedAt: 500, probes: [] });
  });

  it('budgets restore their window and their tokens (clamped to the capacity)', async () => {
    const clock = new ManualClock();
    const ratio = RetryBudget.ratio({ ratio: 0.5, minRetriesPerSecond: 0, windowMs: 10_000, clock });
    for (let i = 0; i < 10; i++) ratio.onCall();
    ratio.tryRetry();
    await clock.advance(3_000);
    const again = RetryBudget.ratio({ ratio: 0.5, minRetriesPerSecond: 0, windowMs: 10_000, clock, initialState: viaJson(ratio.toJSON()) });
    expect(again.stats).toEqual({ windowCalls: 10, windowRetries: 1, available: 0 }); // nothing deposited in the newest bucket
    expect(again.stats).toEqual(ratio.stats);
    await clock.advance(7_000); // the calls and the retry leave both windows at once
    expect([again.stats, ratio.stats]).toEqual([{ windowCalls: 0, windowRetries: 0, available: 0 }, { windowCalls: 0, windowRetries: 0, available: 0 }]);
    const bucket = RetryBudget.tokenBucket({ capacity: 50 });
    bucket.tryRetry(true);
    expect(RetryBudget.tokenBucket({ capacity: 50, initialState: viaJson(bucket.toJSON()) }).tokens).toBe(40);
    expect(RetryBudget.tokenBucket({ capacity: 20, initialState: bucket.toJSON() }).tokens).toBe(20);
  });

  it('a limiter restores its cut and its rates: it paces from the first attempt', () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ beta: 0.5, clock });
    l.onResult(true);
    const snapshot = viaJson(l.toJSON());
    expect(snapshot.state).toEqual({ enabled: true, lastMaxRate: 20, lastThrottle: 0, fillRate: 10, measuredTxRate: 20 });
    const restored = new AdaptiveRateLimiter({ beta: 0.5, clock, initialState: snapshot });
    expect(restored.stats).toMatchObject({ enabled: true, fillRate: 10, lastMaxRate: 20, measuredTxRate: 20 });
    expect(restored.acquire()).toBe(100);
  });

  it('a shared store starts from the snapshot when it holds nothing yet', () => {
    const store = sharedMemoryStore();
    const first = RetryBudget.tokenBucket({ name: 'x', store, initialState: { kind: 'token-bucket-retry-budget', name: 'x', takenAt: 0, state: { tokens: 7 } } });
    const second = RetryBudget.tokenBucket({ name: 'x', store, initialState: { kind: 'token-bucket-retry-budget', name: 'x', takenAt: 0, state: { tokens: 100 } } });
    expect([first.tokens, second.tokens]).toEqual([7, 7]);
  });
});

describe('validation of name, store and initialState', () => {
  it.each([
    [() => new CircuitBreaker({ name: 5 as never }), TypeError, 'maestro-retry: CircuitBreaker option `name` must be a non-empty string, got 5'],
    [() => RetryBudget.ratio({ name: '' }), RangeError, 'maestro-retry: RetryBudget.ratio option `name` must be a non-empty string, got ""'],
    [() => new AdaptiveRateLimiter({ store: {} as never }), TypeError, 'maestro-retry: AdaptiveRateLimiter option `store` must be a state store (an object with a cell() method and a boolean `shared`), got an object'],
    [() => RetryBudget.tokenBucket({ store: sharedMemoryStore() }), TypeError, 'maestro-retry: RetryBudget.tokenBucket option `name` must be given when the store is shared (policies of one name share their state), got undefined'],
    [() => new CircuitBreaker({ initialState: 'open' as never }), TypeError, 'maestro-retry: CircuitBreaker option `initialState` must be a snapshot from the toJSON() of a circuit-breaker, got "open"'],
    [() => new CircuitBreaker({ initialState: { kind: 'ratio-retry-budget' } as never }), TypeError, 'CircuitBreaker option `initialState` must be a snapshot from the toJSON() of a circuit-breaker (its kind is "ratio-retry-budget")'],
    [() => new CircuitBreaker({ initialState: { kind: 'circuit-breaker', takenAt: 'now' } as never }), TypeError, 'CircuitBreaker option `initialState.takenAt` must be a finite number, got "now"'],
    [() => new CircuitBreaker({ initialState: { kind: 'circuit-breaker', takenAt: 0, state: { phase: 'ajar' } } as never }), TypeError, 'CircuitBreaker option `initialState` must be a snapshot from the toJSON() of a circuit breaker, got a state it cannot read'],
    [() => RetryBudget.ratio({ initialState: { kind: 'ratio-retry-budget', takenAt: 0, state: { window: { head: 0, counts: [1] } } } as never }), TypeError, 'RetryBudget.ratio option `initialState.state.window`'],
    [() => RetryBudget.tokenBucket({ initialState: { kind: 'token-bucket-retry-budget', takenAt: 0, state: { tokens: NaN } } as never }), TypeError, 'RetryBudget.tokenBucket option `initialState.state.tokens` must be a finite number, got NaN'],
    [() => new AdaptiveRateLimiter({ initialState: { kind: 'adaptive-rate-limiter', takenAt: 0, state: { enabled: 1 } } as never }), TypeError, 'AdaptiveRateLimiter option `initialState.state.enabled` must be a boolean, got 1'],
  ])('%#: rejects a bad option with a message naming it', (make, Kind, message) => {
    expect(make).toThrow(Kind);
    expect(make).toThrow(message);
  });

  it('a shared store takes named policies; an asynchronous one is accepted as a store', () => {
    expect(new CircuitBreaker({ name: 'a', store: sharedMemoryStore() }).name).toBe('a');
    expect(new CircuitBreaker({ store: promiseStore() }).name).toBe('circuit-breaker');
  });
});
