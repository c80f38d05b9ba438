import { readOptions, positiveNumber } from '../strategies/validate.js';
import { describe } from '../observers/safe.js';
import type { CellOwner, StateCell, StateStore } from '../state/store.js';
import { bounded, runSync, ServerTime, type RedisClientLike, type RedisSubscriberLike, type SyncCall } from './client.js';
import { RedisCell, type CellContext } from './redis-cell.js';
import { readMessage, type SyncReply } from './sync-script.js';

/** Options of {@link redisStore}. Every one is optional; `undefined` means the default. */
export interface RedisStoreOptions {
  /** The first part of every key: `<prefix>:{<policy name>}:<policy kind>`. No braces. @default 'maestro-retry' */
  readonly prefix?: string;
  /**
   * The longest any call waits on Redis, in ms: a decision (a half-open trial slot, a retry's
   * grant) not answered by then is answered by the per-process fallback state. @default 50
   */
  readonly timeoutMs?: number;
  /** The oldest a process's view of a policy's state may be before it reads it again, in ms. @default 500 */
  readonly maxStalenessMs?: number;
  /** How long outcomes (successes, failures, calls) wait to be sent together, in ms. @default 250 */
  readonly flushIntervalMs?: number;
  /** While fallen back, how often to try Redis again, in ms. @default 1000 */
  readonly retryIntervalMs?: number;
  /** How long a half-open trial slot stays taken when its prober never reports (it crashed), in ms. @default 10000 */
  readonly leaseMs?: number;
  /** A policy's key expires after this long without being read or written, in ms. @default 3600000 */
  readonly keyTtlMs?: number;
  /**
   * The connection change notifications arrive on (it may do nothing else). By default the
   * store makes one with `client.duplicate()` and closes it in {@link RedisStore.close};
   * `false`: none, the views are refreshed by reading only.
   */
  readonly subscriber?: RedisSubscriberLike | false;
}

/** A state store in Redis, shared by every process that uses the same keys. */
export interface RedisStore extends StateStore {
  readonly shared: true;
  /** The settings in force. */
  readonly options: Readonly<Required<Omit<RedisStoreOptions, 'subscriber'>>>;
  /** Sends the outcomes still waiting, stops every timer and closes the connection the store made. The client stays open. */
  close(): Promise<void>;
}

const OWNER = 'redisStore';

/**
 * A state store in Redis: pass it as the `store` option of `CircuitBreaker`,
 * `RetryBudget.ratio`, `RetryBudget.tokenBucket` or `AdaptiveRateLimiter`, with a `name`;
 * every policy of that kind and name, in every process, then shares one state. Works with
 * any client that has ioredis's `evalsha`/`eval` (and `duplicate()` for notifications).
 *
 * @example
 * import Redis from 'ioredis';
 * import { redisStore } from 'maestro-retry/redis';
 * const store = redisStore(new Redis(process.env.REDIS_URL), { prefix: 'shop' });
 * const breaker = new CircuitBreaker({ name: 'payments', failureRateThreshold: 0.5, store });
 */
export function redisStore(client: RedisClientLike, options?: RedisStoreOptions): RedisStore {
  if (typeof client !== 'object' || client === null || typeof client.evalsha !== 'function' || typeof client.eval !== 'function') {
    throw new TypeError(`maestro-retry: ${OWNER} needs a Redis client with evalsha() and eval() (ioredis), got ${describe(client)}`);
  }
  const o = readOptions(OWNER, options);
  const prefix = o.prefix ?? 'maestro-retry';
  if (typeof prefix !== 'string' || prefix.length === 0 || /[{}]/.test(prefix)) {
    throw new TypeError(`maestro-retry: ${OWNER} option \`prefix\` must be a non-empty string without braces, got ${describe(prefix)}`);
  }
  const settings = {
    prefix,
    timeoutMs: positiveNumber(OWNER, 'timeoutMs', o.timeoutMs, 50),
    maxStalenessMs: positiveNumber(OWNER, 'maxStalenessMs', o.maxStalenessMs, 500),
    flushIntervalMs: positiveNumber(OWNER, 'flushIntervalMs', o.flushIntervalMs, 250),
    retryIntervalMs: positiveNumber(OWNER, 'retryIntervalMs', o.retryIntervalMs, 1000),
    leaseMs: positiveNumber(OWNER, 'leaseMs', o.leaseMs, 10_000),
    keyTtlMs: Math.ceil(positiveNumber(OWNER, 'keyTtlMs', o.keyTtlMs, 3_600_000)),
  };
  const subscriber = o.subscriber;
  if (subscriber !== undefined && subscriber !== false && (typeof subscriber !== 'object' || subscriber === null || typeof subscriber.subscribe !== 'function' || typeof subscriber.on !== 'function')) {
    throw new TypeError(`maestro-retry: ${OWNER} option \`subscriber\` must be a Redis connection with subscribe() and on(), or false, got ${describe(subscriber)}`);
  }
  return new SharedStore(client, Object.freeze(settings), subscriber);
}

class SharedStore implements RedisStore {
  readonly shared = true;
  readonly options: RedisStore['options'];
  readonly #client: RedisClientLike;
  readonly #time = new ServerTime();
  readonly #context: CellContext;
  readonly #cells = new Map<string, Set<RedisCell<unknown>>>();
  readonly #subscriberOption: RedisSubscriberLike | false | undefined;
  #subscriber: RedisSubscriberLike | undefined;
  #ownSubscriber = false;
  #flushes: Array<() => void> = [];
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * How far off a process's estimate of Redis's time may be when it writes: a write computed
   * on a time further off (a clock estimate gone wrong, or a write that waited far longer
   * than any caller) is refused and computed again.
   */
  readonly #clockToleranceMs: number;

  constructor(client: RedisClientLike, options: RedisStore['options'], subscriber: RedisSubscriberLike | false | undefined) {
    this.#client = client;
    this.options = options;
    this.#subscriberOption = subscriber;
    this.#clockToleranceMs = Math.max(1_000, 4 * options.timeoutMs);
    this.#context = {
      ...options,
      flushSoon: (flush) => this.#flushSoon(flush),
      now: () => this.#time.now(),
      sync: (call) => this.#sync(call),
      bounded,
    };
  }

  cell<S>(owner: CellOwner<S>): StateCell<S> {
    if (/[{}]/.test(owner.name)) {
      throw new TypeError(`maestro-retry: a policy whose state is in Redis needs a name without braces (its key's hash tag), got ${describe(owner.name)}`);
    }
    const key = `${this.options.prefix}:{${owner.name}}:${owner.kind}`;
    const channel = `${key}:changes`;
    const cell = new RedisCell(this.#context, owner, key, channel);
    let cells = this.#cells.get(channel);
    if (cells === undefined) {
      this.#cells.set(channel, (cells = new Set()));
      this.#listen(channel);
    }
    cells.add(cell as RedisCell<unknown>);
    return cell;
  }

  async close(): Promise<void> {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const cells = [...this.#cells.values()].flatMap((set) => [...set]);
    const channels = [...this.#cells.keys()];
    this.#cells.clear();
    await Promise.all(cells.map((cell) => cell.close()));
    const subscriber = this.#subscriber;
    if (subscriber === undefined) return;
    await Promise.all(channels.map((channel) => subscriber.unsubscribe(channel).catch(() => undefined)));
    if (this.#ownSubscriber) await subscriber.quit?.().catch(() => undefined);
  }

  /** One timer sends the outcomes of every cell: fewer wake-ups, and the cells' scripts leave together. */
  #flushSoon(flush: () => void): void {
    this.#flushes.push(flush);
    if (this.#flushTimer !== undefined) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      const flushes = this.#flushes;
      this.#flushes = [];
      for (const f of flushes) f();
    }, this.options.flushIntervalMs);
    this.#flushTimer.unref?.();
  }

  /** Runs the state script, learning the server's time from its answer. Never throws synchronously. */
  #sync(call: SyncCall): Promise<SyncReply> {
    const sent = performance.now();
    let promise: Promise<SyncReply>;
    try {
      promise = runSync(this.#client, call, this.#clockToleranceMs, this.options.keyTtlMs);
    } catch (error) {
      promise = Promise.reject(error);
    }
    const result = promise.then((reply) => {
      // An answer that says this process's estimate was off (status 2) replaces the bounds that contradict it.
      this.#time.sample(sent, performance.now(), reply.now, reply.status === 2);
      return reply;
    });
    result.catch(() => undefined); // awaited (bounded) by the cell; a late failure is not unhandled
    return result;
  }

  #listen(channel: string): void {
    const subscriber = this.#subscriberFor();
    subscriber?.subscribe(channel).catch(() => undefined); // without notifications, views refresh by reading
  }

  #subscriberFor(): RedisSubscriberLike | undefined {
    if (this.#subscriber !== undefined || this.#subscriberOption === false) return this.#subscriber;
    const subscriber = this.#subscriberOption ?? this.#client.duplicate?.();
    if (subscriber === undefined) return undefined;
    this.#ownSubscriber = this.#subscriberOption === undefined;
    this.#subscriber = subscriber;
    subscriber.on('message', (channel, message) => {
      const change = readMessage(message);
      if (change === undefined) return;
      for (const cell of this.#cells.get(channel) ?? []) {
        try {
          cell.message(change.epoch, change.version, change.state);
        } catch {
          // A message that is not a state: the next read corrects the view.
        }
      }
    });
    return subscriber;
  }
}
