/**
 * Each policy's own event stream (`subscribe`): what it emits, with which fields, and the
 * store's events relayed as the policy's.
 */
import type { PolicyEvent } from '../../src/observers/observer';
import { AdaptiveRateLimiter } from '../../src/strategies/adaptive-rate-limiter';
import { CircuitBreaker } from '../../src/strategies/circuit-breaker';
import { RetryBudget } from '../../src/strategies/retry-budget';
import { ManualClock } from '../../src/testing/manual-clock';
import { sharedMemoryStore } from '../helpers/test-stores';

const ctx = { operationName: 'op', attempt: 1 };
const failed = { verdict: 'failure' as const, throttled: false, timedOut: false, durationMs: 1 };

function listen(policy: { subscribe(l: (e: PolicyEvent) => void): () => void }): PolicyEvent[] {
  const events: PolicyEvent[] = [];
  policy.subscribe((e) => events.push(e));
  return events;
}

describe('policy events', () => {
  it('a breaker emits each state change with from, to, its name and the time of the change', async () => {
    const clock = new ManualClock(1_000);
    const b = new CircuitBreaker({ name: 'payments', failureThreshold: 1, resetTimeout: 500, clock });
    const events = listen(b);
    b.beforeAttempt(ctx);
    b.afterAttempt(ctx, failed);
    await clock.advance(700);
    b.beforeAttempt(ctx);
    b.onSuccess();
    expect(events).toEqual([
      { policy: 'circuit-breaker', name: 'payments', type: 'state-change', from: 'closed', to: 'open', timestamp: 1_000 },
      { policy: 'circuit-breaker', name: 'payments', type: 'state-change', from: 'open', to: 'half-open', timestamp: 1_500 },
      { policy: 'circuit-breaker', name: 'payments', type: 'state-change', from: 'half-open', to: 'closed', timestamp: 1_700 },
    ]);
    expect(Object.isFrozen(events[0])).toBe(true);
  });

  it('onStateChange still works beside subscribe, and each can be unsubscribed alone', () => {
    const b = new CircuitBreaker({ failureThreshold: 1, clock: new ManualClock() });
    const changes: string[] = [];
    const off = b.onStateChange((e) => changes.push(e.to));
    const events: string[] = [];
    const unsubscribe = b.subscribe((e) => events.push(String(e.to)));
    unsubscribe();
    b.isolate();
    off();
    b.reset();
    expect([changes, events]).toEqual([['open'], []]);
  });

  it('budgets emit refused, named by default after their kind', () => {
    const ratio = RetryBudget.ratio({ ratio: 0, minRetriesPerSecond: 0, clock: new ManualClock(5) });
    const bucket = RetryBudget.tokenBucket({ capacity: 3, name: 'aws', clock: new ManualClock(9) });
    const events = [...[ratio, bucket].map(listen)];
    ratio.allowRetry(ctx, failed);
    expect(ratio.tryRetry()).toBe(false);
    bucket.allowRetry(ctx, failed);
    expect(events[0]).toEqual([
      { policy: 'retry-budget', name: 'retry-budget', type: 'refused', timestamp: 5 },
      { policy: 'retry-budget', name: 'retry-budget', type: 'refused', timestamp: 5 },
    ]);
    expect(events[1]).toEqual([{ policy: 'retry-budget', name: 'aws', type: 'refused', timestamp: 9, tokens: 3 }]);
  });

  it('a limiter emits throttled with its new rate, and wait with the time it asks to wait', () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ beta: 0.5, clock });
    const events = listen(l);
    l.afterAttempt(ctx, { ...failed, throttled: true }); // 1 result over 50 ms: 20/s, halved
    expect(l.beforeAttempt()).toEqual({ waitMs: 100 });
    expect(events).toEqual([
      { policy: 'rate-limiter', name: 'rate-limiter', type: 'throttled', timestamp: 0, rate: 10 },
      { policy: 'rate-limiter', name: 'rate-limiter', type: 'wait', timestamp: 0, waitMs: 100 },
    ]);
  });

  it('limiters sharing a store: a throttle seen by one is a rate change for the other', () => {
    const clock = new ManualClock();
    const store = sharedMemoryStore();
    const a = new AdaptiveRateLimiter({ name: 'api', beta: 0.5, clock, store });
    const b = new AdaptiveRateLimiter({ name: 'api', beta: 0.5, clock, store });
    const events = listen(b);
    a.onResult(true);
    expect(b.enabled).toBe(true);
    expect(b.stats).toMatchObject({ lastMaxRate: 20, tokens: 0 });
    expect(events).toEqual([{ policy: 'rate-limiter', name: 'api', type: 'rate-change', timestamp: 0, rate: 0.5 }]); // b has sent nothing: its floor
  });

  it("a store's fallback and return are the policy's events", () => {
    const store = sharedMemoryStore();
    const clock = new ManualClock(42);
    const b = new CircuitBreaker({ name: 'db', clock, store });
    const events = listen(b);
    const error = new Error('ECONNREFUSED');
    store.emit('store-fallback', { error });
    store.emit('store-restored');
    expect(events).toEqual([
      { policy: 'circuit-breaker', name: 'db', type: 'store-fallback', timestamp: 42, error },
      { policy: 'circuit-breaker', name: 'db', type: 'store-restored', timestamp: 42 },
    ]);
  });

  it('a throttled listener throwing is a warning naming the policy, and the policy goes on', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const b = RetryBudget.tokenBucket({ capacity: 1 });
      b.subscribe(() => {
        throw new Error('listener bug');
      });
      expect(b.allowRetry(ctx, failed)).not.toBe(true);
      expect(String(warn.mock.calls[0]![0])).toMatch(/^maestro-retry: a RetryBudget.tokenBucket subscribe listener threw: Error: listener bug/);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('breakers sharing a store', () => {
  it('open together, and let exactly halfOpenMaxCalls trials through between them', async () => {
    const clock = new ManualClock();
    const store = sharedMemoryStore(60_000);
    const [a, b, c] = [1, 2, 3].map(() => new CircuitBreaker({ name: 'svc', failureThreshold: 3, resetTimeout: 100, halfOpenMaxCalls: 2, clock, store }));
    const seen = [a, b, c].map((x) => listen(x!));
    for (const x of [a, b, c]) {
      x!.beforeAttempt(ctx);
      x!.afterAttempt(ctx, failed);
    }
    expect(seen.map((events) => events.map((e) => `${e.from}>${e.to}`))).toEqual([['closed>open'], ['closed>open'], ['closed>open']]);
    await clock.advance(100);
    const answers = [a, b, c, a, b, c].map((x) => x!.beforeAttempt(ctx) === true);
    expect(answers.filter(Boolean)).toHaveLength(2);
  });
});
