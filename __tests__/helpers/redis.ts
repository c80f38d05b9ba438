/**
 * Redis for tests: clients on the machine's shared Redis (each test under its own key prefix,
 * its keys deleted afterwards). The fault tests kill, pause or restart private `redis-server`
 * children instead (`./redis-server.ts`), never the shared one.
 */
import Redis, { type RedisOptions } from 'ioredis';
import { redisUrl } from './services';

const clients = new Set<Redis>();

/** A client that reconnects fast and never logs its connection errors (the tests look at the store's events). */
export function connect(url = redisUrl, options: RedisOptions = {}): Redis {
  const client = new Redis(url, { retryStrategy: () => 20, maxRetriesPerRequest: 1, ...options });
  client.on('error', () => undefined);
  clients.add(client);
  return client;
}

/** Closes every client made by {@link connect}. */
export async function disconnectAll(): Promise<void> {
  await Promise.all([...clients].map((c) => c.quit().catch(() => c.disconnect())));
  clients.clear();
}

let counter = 0;
/** A key prefix no other test (or test run) uses. */
export function uniquePrefix(label: string): string {
  return `test-${label}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  const keys = await client.keys(`${prefix}:*`);
  if (keys.length > 0) await client.del(...keys);
}

/**
 * Waits, when the store's time (`now()`, e.g. a policy's `toJSON().takenAt`) is within `marginMs`
 * of the end of its bucket of `bucketMs`, until the next bucket has begun: a ratio budget's
 * retries must fit the calls of the current bucket alone too, so a short test whose calls and
 * retries straddle a bucket's end would be refused retries it expects.
 */
export async function awayFromBucketEnd(now: () => number, bucketMs: number, marginMs: number): Promise<void> {
  const left = bucketMs - (now() % bucketMs);
  if (left <= marginMs) await new Promise((r) => setTimeout(r, left + 20));
}
