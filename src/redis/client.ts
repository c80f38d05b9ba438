/**
 * What the Redis store needs of a client, and how it talks to one: the state script by SHA
 * (falling back to the script's text on `NOSCRIPT`), every answer awaited no longer than a
 * bound, and the server's time estimated from the answers. Any client with `evalsha` and
 * `eval` in ioredis's calling form works (ioredis is what the tests use).
 */
import { StoreTimeoutError } from '../errors/store-timeout-error.js';
import { SYNC_SCRIPT, SYNC_SHA, readReply, type SyncReply } from './sync-script.js';

/** The commands the store sends. ioredis's `Redis` and `Cluster` have them. */
export interface RedisClientLike {
  /** `EVALSHA`: runs a script the server has cached, by its SHA1. */
  evalsha(sha: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  /** `EVAL`: runs a script from its text (sent when the server answers `NOSCRIPT`). */
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  /** A second connection for change notifications (a connection that subscribes can do nothing else). */
  duplicate?(): RedisSubscriberLike;
}

/** A connection that receives change notifications (ioredis: `client.duplicate()`). */
export interface RedisSubscriberLike {
  /** `SUBSCRIBE`: starts receiving the messages of `channel`. */
  subscribe(channel: string): Promise<unknown>;
  /** `UNSUBSCRIBE`: stops receiving the messages of `channel`. */
  unsubscribe(channel: string): Promise<unknown>;
  /** Registers the listener of the messages received. */
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  /** Closes the connection (called only on a subscriber the store made itself with `duplicate()`). */
  quit?(): Promise<unknown>;
}

/** The arguments of one run of the state script. */
export interface SyncCall {
  readonly key: string;
  readonly channel: string;
  readonly epoch: string;
  /** -1: only read. */
  readonly version: number;
  /** '' writes nothing. */
  readonly state: string;
  /** The caller's estimate of the server's time. */
  readonly now: number;
}

/** Runs the state script: `EVALSHA`, then `EVAL` when the server has lost the script. */
export function runSync(client: RedisClientLike, call: SyncCall, toleranceMs: number, ttlMs: number): Promise<SyncReply> {
  const args = [call.key, call.epoch, call.version, call.state, Math.round(call.now), toleranceMs, ttlMs, call.channel, newEpoch()];
  return client.evalsha(SYNC_SHA, 1, ...args).then(readReply, (error: unknown) => {
    if (!isNoScript(error)) throw error;
    return client.eval(SYNC_SCRIPT, 1, ...args).then(readReply);
  });
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

function newEpoch(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** `promise`, or a {@link StoreTimeoutError} after `ms`. The promise's own later failure is handled. */
export function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreTimeoutError(ms)), ms);
    timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** How fast two clocks may drift apart (100 ppm): older bounds widen by this much per ms. */
const DRIFT = 1e-4;

/**
 * The server's time as this process estimates it: its own monotonic clock plus an offset.
 * Each answer bounds the offset: the server read its `TIME` between the moment the script was
 * sent and the moment its answer came back, so the offset lies between `server - received`
 * and `server + 1 - sent` (`TIME` is given in whole ms here). The estimate keeps the
 * intersection of those bounds (widened by the clocks' possible drift as they age) and stays
 * where it is while it lies inside them, starting from the local wall clock. So a slow answer
 * (one queued while the connection opened, or read late by a busy event loop) moves the
 * estimate no further than it proves, and on a host whose clock agrees with the server's the
 * estimate is that clock.
 */
export class ServerTime {
  #offset = Date.now() - performance.now();
  #low = -Infinity;
  #high = Infinity;
  /** When (monotonic ms) the bounds were last narrowed. */
  #at = 0;

  now(): number {
    return performance.now() + this.#offset;
  }

  /**
   * An answer sent at `sent` and received at `received` (monotonic ms) said the server's time
   * was `server`. `reset`: the server said the estimate was off, so bounds that contradict
   * this answer are dropped rather than kept.
   */
  sample(sent: number, received: number, server: number, reset = false): void {
    const widen = (received - this.#at) * DRIFT;
    let low = Math.max(this.#low - widen, server - received);
    let high = Math.min(this.#high + widen, server + 1 - sent);
    if (reset || low > high) {
      low = server - received;
      high = server + 1 - sent;
    }
    this.#low = low;
    this.#high = high;
    this.#at = received;
    this.#offset = Math.min(Math.max(this.#offset, low), high);
  }
}
