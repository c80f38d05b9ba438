/**
 * Faults, each against a private `redis-server` of this test (the machine's shared Redis is
 * never stopped or paused): Redis down at start, killed mid-run and restarted empty, paused
 * with CLIENT PAUSE, and its scripts flushed. In each, every call is answered within the
 * store's bound (on the per-process fallback state when needed), no promise rejects
 * unhandled, the policy reports the fallback and the return, and sharing resumes by itself.
 */
import type Redis from 'ioredis';
import type { PolicyEvent } from '../../src/observers/observer';
import { redisStore, type RedisStore } from '../../src/redis/index';
import { CircuitBreaker } from '../../src/strategies/circuit-breaker';
import { RetryBudget } from '../../src/strategies/retry-budget';
import type { TokenBucketRetryBudget } from '../../src/strategies/token-bucket-retry-budget';
import { connect, disconnectAll, uniquePrefix } from '../helpers/redis';
import { PrivateRedis } from '../helpers/redis-server';
import { describeWithService, redisServer } from '../helpers/services';

const ctx = { operationName: 'op', attempt: 1 };
const failed = { verdict: 'failure' as const, throttled: false, timedOut: false, durationMs: 1 };
/** The bound on any wait: the store's default (`timeoutMs`), which these stores keep. */
const TIMEOUT = 50;
/** A timer may fire late on a loaded machine (the whole suite runs on 2 cores); a wait on Redis itself would be unbounded. */
const SLACK = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean, ms = 5_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time: ' + check.toString());
    await sleep(5);
  }
};

describeWithService(redisServer, 'the Redis store under faults', () => {
  let server: PrivateRedis;
  let prefix: string;
  let unhandled: unknown[];
  const stores: RedisStore[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  /** Waits of every decision, in ms. */
  let waits: number[];

  /** A store on a connection of its own (as another process's), connected first when Redis is up. */
  const store = async (up = true): Promise<RedisStore> => {
    const client = connect(server.url);
    if (up) await client.ping();
    const s = redisStore(client, { prefix, retryIntervalMs: 100, flushIntervalMs: 10 });
    stores.push(s);
    return s;
  };
  const bucket = (s: RedisStore): { budget: TokenBucketRetryBudget; events: string[] } => {
    const budget = RetryBudget.tokenBucket({ name: 'bucket', capacity: 100, retryCost: 1, store: s });
    const events: string[] = [];
    budget.subscribe((e: PolicyEvent) => e.type.startsWith('store-') && events.push(e.type));
    return { budget, events };
  };
  /** Asks for a retry, timing the answer. */
  const grant = async (budget: TokenBucketRetryBudget): Promise<boolean> => {
    const start = performance.now();
    const answer = await budget.allowRetry(ctx, failed);
    waits.push(performance.now() - start);
    return answer === true;
  };

  beforeEach(async () => {
    server = await PrivateRedis.reserve();
    prefix = uniquePrefix('faults');
    unhandled = [];
    waits = [];
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await disconnectAll();
    await server.stop();
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
    expect(Math.max(0, ...waits)).toBeLessThan(TIMEOUT + SLACK);
  });

  it('Redis down at start: calls run on the fallback, and sharing starts once Redis answers', async () => {
    const a = bucket(await store(false));
    const breaker = new CircuitBreaker({ name: 'breaker', failureThreshold: 2, store: stores[0]! });
    expect(await grant(a.budget)).toBe(true);
    expect(breaker.beforeAttempt(ctx)).toBe(true);
    breaker.afterAttempt(ctx, failed);
    await until(() => a.events.includes('store-fallback'));
    expect(a.budget.tokens).toBe(99);
    await server.restart();
    await until(() => a.events.includes('store-restored'));
    // Redis held nothing: the fallback state was written back, and another process sees it.
    const b = bucket(await store());
    await until(() => b.budget.tokens === 99);
    expect(await grant(b.budget)).toBe(true);
    await until(() => a.budget.tokens === 98);
    expect(a.events).toEqual(['store-fallback', 'store-restored']);
  });

  it('Redis killed mid-run and restarted empty: no call waits, and sharing resumes from the last state', async () => {
    await server.restart();
    const [a, b] = [bucket(await store()), bucket(await store())];
    for (let i = 0; i < 10; i++) expect(await grant(i % 2 ? a.budget : b.budget)).toBe(true);
    await until(() => a.budget.tokens === 90 && b.budget.tokens === 90);
    await server.kill();
    for (let i = 0; i < 5; i++) expect(await grant(a.budget)).toBe(true); // on a's fallback state
    expect(await grant(b.budget)).toBe(true); // on b's
    expect([a.budget.tokens, b.budget.tokens]).toEqual([85, 89]);
    await until(() => a.events.includes('store-fallback') && b.events.includes('store-fallback'));
    await server.restart();
    await until(() => a.events.includes('store-restored') && b.events.includes('store-restored'));
    expect(await grant(b.budget)).toBe(true);
    await until(() => a.budget.tokens === b.budget.tokens);
    expect([84, 88]).toContain(a.budget.tokens); // whichever process wrote its state back first
    expect([a.events, b.events]).toEqual([['store-fallback', 'store-restored'], ['store-fallback', 'store-restored']]);
  });

  it('Redis paused (CLIENT PAUSE): decisions are answered within the bound, and sharing resumes after', async () => {
    await server.restart();
    const admin: Redis = connect(server.url);
    const a = bucket(await store());
    expect(await grant(a.budget)).toBe(true);
    await admin.call('CLIENT', 'PAUSE', '600', 'ALL');
    const during = [];
    for (let i = 0; i < 3; i++) during.push(await grant(a.budget));
    expect(during).toEqual([true, true, true]);
    expect(a.events).toEqual(['store-fallback']);
    await until(() => a.events.includes('store-restored'), 3_000);
    const b = bucket(await store());
    expect(await grant(b.budget)).toBe(true);
    await until(() => a.budget.tokens === b.budget.tokens);
  });

  it('its scripts flushed (SCRIPT FLUSH): the script is sent again, nothing falls back, nothing is lost', async () => {
    await server.restart();
    const admin: Redis = connect(server.url);
    const [a, b] = [bucket(await store()), bucket(await store())];
    for (let i = 0; i < 4; i++) await grant(a.budget);
    await admin.script('FLUSH');
    expect(await admin.script('EXISTS', '0'.repeat(40))).toEqual([0]);
    for (let i = 0; i < 4; i++) expect(await grant(b.budget)).toBe(true);
    await until(() => a.budget.tokens === 92 && b.budget.tokens === 92);
    expect([a.events, b.events]).toEqual([[], []]);
  });
});
