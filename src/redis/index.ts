/**
 * `maestro-retry/redis`: policies whose state is shared across processes through Redis.
 * Never loaded by `import 'maestro-retry'`; the Redis client (ioredis) is the user's.
 *
 * @example
 * import Redis from 'ioredis';
 * import { CircuitBreaker } from 'maestro-retry';
 * import { redisStore } from 'maestro-retry/redis';
 * const store = redisStore(new Redis(), { prefix: 'shop' });
 * const breaker = new CircuitBreaker({ name: 'payments', store });
 */
export { redisStore, type RedisStore, type RedisStoreOptions } from './redis-store.js';
export type { RedisClientLike, RedisSubscriberLike } from './client.js';
export { StoreTimeoutError, isStoreTimeoutError } from '../errors/store-timeout-error.js';
