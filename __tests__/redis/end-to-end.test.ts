/**
 * Calls through the engine (`retry`) with policies whose state is in Redis: two "processes"
 * (stores on separate connections) share one breaker and one budget.
 */
import { retry } from '../../src/api/retry';
import { CircuitOpenError } from '../../src/errors/circuit-open-error';
import { redisStore, type RedisStore } from '../../src/redis/index';
import { CircuitBreaker } from '../../src/strategies/circuit-breaker';
import { RetryBudget } from '../../src/strategies/retry-budget';
import { awayFromBucketEnd, connect, deleteKeys, disconnectAll, uniquePrefix } from '../helpers/redis';
import { describeWithService, redis } from '../helpers/services';

const unavailable = () => Object.assign(new Error('503 Service Unavailable'), { status: 503 });
const until = async (check: () => boolean): Promise<void> => {
  const end = Date.now() + 3_000;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describeWithService(redis, 'retry() with policies in Redis', () => {
  let prefix: string;
  let stores: RedisStore[];
  beforeEach(async () => {
    prefix = uniquePrefix('e2e');
    stores = await Promise.all([0, 1].map(async () => {
      const client = connect();
      await client.ping();
      return redisStore(client, { prefix, timeoutMs: 2_000, flushIntervalMs: 5 });
    }));
  });
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await deleteKeys(connect(), prefix);
    await disconnectAll();
  });

  it('failures through one process open the breaker for the other, whose calls then fail fast', async () => {
    const [a, b] = stores.map((store) => new CircuitBreaker({ name: 'inventory', failureThreshold: 3, resetTimeout: 60_000, store }));
    let calls = 0;
    const failing = async () => {
      calls++;
      throw unavailable();
    };
    await expect(retry(failing, { circuitBreaker: a!, maxRetries: 2, initialDelay: 0, registry: false })).rejects.toThrow('503');
    expect(calls).toBe(3);
    await until(() => b!.state === 'open');
    const refused = retry(failing, { circuitBreaker: b!, maxRetries: 2, initialDelay: 0, registry: false, operationName: 'stock' });
    await expect(refused).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(refused).rejects.toThrow('Circuit breaker is open: stock was not attempted');
    expect(calls).toBe(3);
  });

  it('a shared budget holds the retries of both processes to its ratio of their calls', async () => {
    const [a, b] = stores.map((store) => RetryBudget.ratio({ name: 'orders', ratio: 0.5, minRetriesPerSecond: 0, windowMs: 600_000, store }));
    await awayFromBucketEnd(() => a!.toJSON().takenAt, 60_000, 3_000);
    let attempts = 0;
    const failing = async () => {
      attempts++;
      throw unavailable();
    };
    const calls = Array.from({ length: 10 }, (_, i) => retry(failing, { budget: i % 2 ? a! : b!, maxRetries: 3, initialDelay: 0, registry: false }).catch((e: unknown) => e));
    await Promise.all(calls);
    // 10 calls earn 5 retries between them, whichever process asks: 15 attempts in all.
    expect(attempts).toBe(15);
    await until(() => a!.stats.windowRetries === 5 && b!.stats.windowCalls === 10);
  });
});
