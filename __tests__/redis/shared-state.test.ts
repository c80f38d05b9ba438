/**
 * Fleet semantics against the machine's Redis: policies of one name, each on its own
 * connection (as in separate processes), share one state.
 */
import type Redis from 'ioredis';
import type { PolicyEvent } from '../../src/observers/observer';
import { redisStore, type RedisStore, type RedisStoreOptions } from '../../src/redis/index';
import { AdaptiveRateLimiter } from '../../src/strategies/adaptive-rate-limiter';
import { CircuitBreaker } from '../../src/strategies/circuit-breaker';
import { RetryBudget } from '../../src/strategies/retry-budget';
import type { AttemptReport } from '../../src/strategies/strategy';
import { awayFromBucketEnd, connect, deleteKeys, disconnectAll, uniquePrefix } from '../helpers/redis';
import { describeWithService, redis } from '../helpers/services';

const ctx = { operationName: 'op', attempt: 1 };
const outcome = (verdict: AttemptReport['verdict'], extra: Partial<AttemptReport> = {}): AttemptReport => ({ verdict, throttled: false, timedOut: false, durationMs: 1, ...extra });
const until = async (check: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describeWithService(redis, 'policies sharing their state through Redis', () => {
  let admin: Redis;
  let prefix: string;
  const stores: RedisStore[] = [];
  /** A store on a connection of its own, as another process would have. */
  const store = (options: RedisStoreOptions = {}): RedisStore => {
    const s = redisStore(connect(), { prefix, flushIntervalMs: 10, keyTtlMs: 60_000, timeoutMs: 2_000, ...options }); // bounds are the fault tests' concern
    stores.push(s);
    return s;
  };

  beforeEach(() => {
    admin = connect();
    prefix = uniquePrefix('shared');
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await deleteKeys(admin, prefix);
    await disconnectAll();
  });

  it('breakers count failures together and open in every process', async () => {
    const [a, b, c] = [store(), store(), store()].map((s) => new CircuitBreaker({ name: 'payments', failureThreshold: 6, resetTimeout: 60_000, store: s }));
    const seen = [a, b, c].map((x) => {
      const events: string[] = [];
      x!.subscribe((e) => events.push(`${e.type} ${e.from}>${e.to}`));
      return events;
    });
    for (const x of [a, b, c]) for (let i = 0; i < 2; i++) {
      expect(x!.beforeAttempt(ctx)).toBe(true);
      x!.afterAttempt(ctx, outcome('failure'));
    }
    await until(() => [a, b, c].every((x) => x!.state === 'open'));
    expect(seen).toEqual([0, 1, 2].map(() => ['state-change closed>open']));
    expect((await b!.beforeAttempt(ctx) as { reason: string }).reason).toBe('circuit-open');
    expect(a!.stats.consecutiveFailures).toBe(6);
  });

  it('a failure-rate breaker keeps one window for the fleet', async () => {
    const [a, b] = [store(), store()].map((s) => new CircuitBreaker({ name: 'db', failureRateThreshold: 0.5, minimumCalls: 10, windowMs: 60_000, store: s }));
    for (let i = 0; i < 5; i++) a!.afterAttempt(ctx, outcome('success'));
    for (let i = 0; i < 4; i++) b!.afterAttempt(ctx, outcome('failure'));
    await until(() => a!.stats.windowCalls === 9 && b!.stats.windowCalls === 9);
    expect(a!.state).toBe('closed');
    b!.afterAttempt(ctx, outcome('failure')); // 5 of 10
    await until(() => a!.state === 'open');
    expect(b!.stats).toMatchObject({ state: 'open', windowCalls: 10, windowFailures: 5 });
  });

  it('half-open lets exactly halfOpenMaxCalls trials through, fleet-wide, and a lease frees a vanished prober', async () => {
    const make = () => new CircuitBreaker({ name: 'search', failureThreshold: 1, resetTimeout: 100, halfOpenMaxCalls: 2, store: store({ leaseMs: 600 }) });
    const breakers = [make(), make(), make(), make()];
    breakers[0]!.afterAttempt(ctx, outcome('failure'));
    await until(() => breakers.every((b) => b.state === 'open'));
    await new Promise((r) => setTimeout(r, 250)); // past resetTimeout by more than any process's estimate of Redis's time may be off
    const answers = await Promise.all(breakers.flatMap((b) => [b.beforeAttempt(ctx), b.beforeAttempt(ctx)]));
    expect(answers.filter((a) => a === true)).toHaveLength(2);
    // The two probers vanish without reporting: after leaseMs their slots are free again.
    await new Promise((r) => setTimeout(r, 620));
    const fresh = make();
    await until(() => fresh.state === 'half-open');
    expect(await fresh.beforeAttempt(ctx)).toBe(true);
    fresh.afterAttempt(ctx, outcome('success'));
    expect(await fresh.beforeAttempt(ctx)).toBe(true);
    fresh.afterAttempt(ctx, outcome('success'));
    await until(() => breakers.every((b) => b.state === 'closed'));
  });

  it('a ratio budget grants against the fleet\'s calls, and a token bucket is one bucket', async () => {
    const [a, b] = [store(), store()].map((s) => RetryBudget.ratio({ name: 'api', ratio: 0.1, minRetriesPerSecond: 0, windowMs: 600_000, store: s }));
    await awayFromBucketEnd(() => a!.toJSON().takenAt, 60_000, 3_000);
    for (let i = 0; i < 30; i++) a!.callStarted();
    for (let i = 0; i < 20; i++) b!.callStarted();
    const grants = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a! : b!).allowRetry(ctx, outcome('failure'))));
    expect(grants.filter((g) => g === true)).toHaveLength(5);
    await until(() => a!.stats.windowCalls === 50 && b!.stats.windowRetries === 5);
    const [x, y] = [store(), store()].map((s) => RetryBudget.tokenBucket({ name: 'aws', capacity: 20, retryCost: 5, store: s }));
    const taken = await Promise.all([x, y, x, y, x].map((t) => t!.allowRetry(ctx, outcome('failure'))));
    expect(taken.filter((g) => g === true)).toHaveLength(4);
    y!.callEnded(ctx, { success: true, attempts: 2, lastRetryAfterTimeout: false });
    await until(() => x!.tokens === 5);
  });

  it('a call sent in a later batch counts in the bucket of when it was made', async () => {
    // Buckets of 100 ms, outcomes sent every 450 ms: without the time of each call, a batch
    // would count its calls in the bucket of the moment it reached Redis.
    const budget = RetryBudget.ratio({ name: 'late', windowMs: 1_000, store: store({ flushIntervalMs: 450 }) });
    const before = budget.toJSON().takenAt;
    for (let i = 0; i < 7; i++) budget.callStarted();
    const after = budget.toJSON().takenAt;
    await until(() => budget.stats.windowCalls === 7);
    const { window } = budget.toJSON().state;
    const buckets = new Set([Math.floor(before / 100), Math.floor(after / 100)]);
    const counted = [...buckets].reduce((n, b) => n + window.counts[(b % 11) * 2]!, 0);
    expect(window.head).toBeGreaterThan(Math.floor(after / 100)); // the batch landed buckets later
    expect(counted).toBe(7);
  });

  it("limiters share their cuts: one process's throttle cuts the others' rate", async () => {
    const [a, b] = [store(), store()].map((s) => new AdaptiveRateLimiter({ name: 's3', store: s }));
    const events: PolicyEvent[] = [];
    b!.subscribe((e) => events.push(e));
    // The limiters learn of each other's cuts through pub/sub only: wait until both listen.
    for (const end = Date.now() + 5_000; Date.now() < end;) {
      const channels = (await admin.pubsub('CHANNELS', `${prefix}*`)) as string[];
      const counts = channels.length === 0 ? [] : ((await admin.pubsub('NUMSUB', ...channels)) as Array<string | number>).filter((_, i) => i % 2 === 1);
      if (counts.some((n) => Number(n) >= 2)) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    a!.afterAttempt(ctx, outcome('failure', { throttled: true }));
    await until(() => b!.enabled);
    expect(events.map((e) => e.type)).toEqual(['rate-change']);
    expect(b!.stats.lastMaxRate).toBe(a!.stats.lastMaxRate);
  });

  it('keeps each policy in one hash under its hash tag, expiring when unused', async () => {
    const b = new CircuitBreaker({ name: 'orders', store: store({ keyTtlMs: 5_000 }) });
    b.afterAttempt(ctx, outcome('failure'));
    const key = `${prefix}:{orders}:circuit-breaker`;
    await until(() => false === false && b.stats.consecutiveFailures === 1);
    expect(await admin.hgetall(key)).toMatchObject({ v: '1', s: expect.stringContaining('"failures":1') });
    const ttl = await admin.pttl(key);
    expect(ttl).toBeGreaterThan(4_000);
    expect(ttl).toBeLessThanOrEqual(5_000);
  });

  it('without notifications, a view is read again once older than maxStalenessMs', async () => {
    const quiet = { subscriber: false as const, maxStalenessMs: 50 };
    const [a, b] = [store(quiet), store(quiet)].map((s) => RetryBudget.tokenBucket({ name: 'slow', capacity: 10, retryCost: 1, store: s }));
    await a!.allowRetry(ctx, outcome('failure'));
    await new Promise((r) => setTimeout(r, 60));
    b!.tokens; // a read older than the bound starts a refresh
    await until(() => b!.tokens === 9, 500);
  });

  it('refuses a name with braces, which would break the hash tag, and a bad client', () => {
    expect(() => new CircuitBreaker({ name: 'a{b}', store: store() })).toThrow(/needs a name without braces/);
    expect(() => redisStore({} as never)).toThrow(new TypeError('maestro-retry: redisStore needs a Redis client with evalsha() and eval() (ioredis), got an object'));
    expect(() => redisStore(admin, { timeoutMs: 0 })).toThrow(RangeError);
    expect(() => redisStore(admin, { prefix: 'x{' })).toThrow(/`prefix` must be a non-empty string without braces/);
    expect(() => new CircuitBreaker({ store: store() })).toThrow(/`name` must be given when the store is shared/);
  });
});
