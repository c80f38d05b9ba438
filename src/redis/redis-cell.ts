/**
 * One policy's state in Redis, as one process sees it. Reads come from a local view, which
 * change notifications keep fresh and which is re-read when older than `maxStalenessMs`.
 * Changes are sent in rounds, one round in flight per cell: each round applies every change
 * waiting (outcomes batched for up to `flushIntervalMs`, decisions at once) to the newest state
 * it knows and writes the result with the compare-and-set script, running them again on the
 * newer state when another process wrote first.
 *
 * When Redis fails or does not answer a decision within `timeoutMs`, the cell falls back to a
 * per-process state that starts from its view, answers everything at once, and tries Redis
 * again every `retryIntervalMs`; when Redis answers, the cell shares again (and writes its
 * state back if Redis lost the policy's).
 */
import { StoreTimeoutError } from '../errors/store-timeout-error.js';
import type { CellOwner, Change, StateCell } from '../state/store.js';
import type { SyncCall } from './client.js';
import { answer, attempt, type Op, type Result } from './pending.js';
import type { SyncReply } from './sync-script.js';

/** What a cell needs of its store. */
export interface CellContext {
  readonly timeoutMs: number;
  readonly maxStalenessMs: number;
  /** Calls `flush` within `flushIntervalMs` (one timer for every cell of the store). */
  flushSoon(flush: () => void): void;
  readonly retryIntervalMs: number;
  readonly leaseMs: number;
  now(): number;
  /** Runs the state script; the promise is the script's, unbounded (it never rejects unhandled). */
  sync(call: SyncCall): Promise<SyncReply>;
  /** `promise`, or a rejection once `ms` have passed. */
  bounded<T>(promise: Promise<T>, ms: number): Promise<T>;
}

/** More changes than this wait for the next round. */
const MAX_BATCH = 500;
/** Compare-and-set tries per round before the changes wait for the next one. */
const MAX_TRIES = 50;

export class RedisCell<S> implements StateCell<S> {
  readonly synchronous = false;
  readonly leaseMs: number;
  readonly #ctx: CellContext;
  readonly #owner: CellOwner<S>;
  readonly #key: string;
  readonly #channel: string;
  #epoch = '';
  #version = 0;
  #view: S;
  #viewJson: string;
  /** When (monotonic ms) the view was last confirmed by Redis. */
  #confirmedAt = -Infinity;
  /** The per-process state while fallen back. */
  #local: S | undefined;
  #queue: Array<Op<S>> = [];
  #sending: Array<Op<S>> = [];
  #busy = false;
  #wantRead = false;
  #flushArmed = false;
  #probeTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** How long a round (or a probe) may take: nobody waits on it, but Redis must answer some time. */
  readonly #backgroundMs: number;

  constructor(ctx: CellContext, owner: CellOwner<S>, key: string, channel: string) {
    this.#ctx = ctx;
    this.#owner = owner;
    this.#key = key;
    this.#channel = channel;
    this.leaseMs = ctx.leaseMs;
    this.#backgroundMs = Math.max(ctx.timeoutMs, ctx.retryIntervalMs);
    this.#view = owner.initial(ctx.now());
    this.#viewJson = JSON.stringify(this.#view);
    this.#kick(true);
  }

  now(): number {
    return this.#ctx.now();
  }

  read(): S {
    if (this.#local !== undefined) return this.#local;
    if (!this.#busy && performance.now() - this.#confirmedAt > this.#ctx.maxStalenessMs) this.#kick(true);
    return this.#view;
  }

  record(change: Change<S, unknown>): void {
    if (this.#local !== undefined) return void this.#runHere(change);
    this.#queue.push({ change, at: this.#ctx.now() });
    this.#armFlush();
  }

  apply<R>(change: Change<S, R>): R | Promise<R> {
    if (this.#local !== undefined) return this.#runHere(change) as R;
    return new Promise<R>((resolve, reject) => {
      const op: Op<S> = { change, answer: resolve as (value: unknown) => void, fail: reject };
      op.timer = setTimeout(() => this.#fallBack(new StoreTimeoutError(this.#ctx.timeoutMs)), this.#ctx.timeoutMs);
      op.timer.unref?.();
      this.#queue.push(op);
      this.#kick(false);
    });
  }

  /** A change notification from the policy's channel. */
  message(epoch: string, version: number, state: string): void {
    if (this.#local === undefined) this.#adopt(epoch, version, state);
  }

  /** Sends what waits (bounded), then stops every timer. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#probeTimer);
    if (this.#local === undefined && this.#queue.length > 0 && !this.#busy) await this.#round();
  }

  #sync(epoch: string, version: number, state: string, now: number): Promise<SyncReply> {
    return this.#ctx.sync({ key: this.#key, channel: this.#channel, epoch, version, state, now });
  }

  /** Outcomes wait at most `flushIntervalMs` for the round that sends them. */
  #armFlush(): void {
    if (this.#flushArmed || this.#busy || this.#closed) return;
    this.#flushArmed = true;
    this.#ctx.flushSoon(() => {
      this.#flushArmed = false;
      this.#kick(false);
    });
  }

  /** Starts a round unless one is running (`read`: even with nothing to send). */
  #kick(read: boolean): void {
    if (read) this.#wantRead = true;
    if (this.#busy || this.#closed || this.#local !== undefined) return;
    if (this.#queue.length === 0 && !this.#wantRead) return;
    void this.#round();
  }

  async #round(): Promise<void> {
    this.#busy = true;
    this.#wantRead = false;
    const ops = (this.#sending = this.#queue.splice(0, MAX_BATCH));
    let call: Promise<SyncReply> | undefined;
    try {
      for (let tries = 0; tries < MAX_TRIES; tries++) {
        const now = this.#ctx.now();
        const state = JSON.parse(this.#viewJson) as S;
        const results = ops.map((op) => attempt(op, state, now));
        const json = JSON.stringify(state);
        const write = ops.length > 0 && (this.#version === 0 || json !== this.#viewJson) ? json : '';
        call = this.#sync(this.#epoch, ops.length === 0 ? -1 : this.#version, write, now);
        // Nobody waits on a round itself (a decision has its own bound), so it may take longer.
        const reply = await this.#ctx.bounded(call, this.#backgroundMs);
        this.#adopt(reply.epoch, reply.version, reply.state);
        if (this.#local !== undefined) {
          // Fell back while waiting (a decision's bound ran out): the decisions were answered
          // locally; outcomes that did not land count in the local state.
          if (reply.status !== 1) this.#toLocal(ops);
          return;
        }
        if (reply.status === 1 || ops.length === 0) return this.#settle(ops, results);
      }
      this.#queue.unshift(...ops); // contended: the next round tries again
    } catch (error) {
      this.#fallBack(error);
      if (call === undefined) this.#toLocal(ops);
      else this.#inDoubt(ops, call);
    } finally {
      this.#sending = [];
      this.#busy = false;
      this.#next();
    }
  }

  /** After a round: decisions and reads go at once, outcomes at the next flush. */
  #next(): void {
    if (this.#closed || this.#local !== undefined) return;
    if (this.#wantRead || this.#queue.some((op) => op.answer !== undefined)) this.#kick(false);
    else if (this.#queue.length > 0) this.#armFlush();
  }

  #settle(ops: Array<Op<S>>, results: Array<Result>): void {
    ops.forEach((op, i) => answer(op, results[i]!));
  }

  /** Takes a newer state from Redis; version 0 (Redis holds none) keeps the view, to write it back. */
  #adopt(epoch: string, version: number, json: string): void {
    this.#confirmedAt = performance.now();
    if (version === 0) {
      this.#epoch = '';
      this.#version = 0;
      return;
    }
    if (epoch === this.#epoch && version <= this.#version) return;
    this.#epoch = epoch;
    this.#version = version;
    if (json === this.#viewJson) return;
    this.#view = JSON.parse(json) as S;
    this.#viewJson = json;
    if (this.#local === undefined) this.#owner.changed();
  }

  /** Fallen back: runs `change` on the per-process state at once, as the in-memory store does. */
  #runHere(change: Change<S, unknown>): unknown {
    const r = this.#runLocal({ change });
    if ('error' in r) throw r.error;
    return r.value;
  }

  /** Runs `op` on the per-process state, answering it if it is a decision. */
  #runLocal(op: Op<S>): Result {
    const r = attempt(op, this.#local!, this.#ctx.now());
    this.#owner.changed();
    answer(op, r);
    return r;
  }

  /** Redis failed or is too slow: every change from now on, and every decision waiting, runs on a local copy. */
  #fallBack(error: unknown): void {
    if (this.#local !== undefined || this.#closed) return;
    this.#local = JSON.parse(this.#viewJson) as S;
    const waiting = this.#queue;
    this.#queue = [];
    for (const op of this.#sending) if (op.answer !== undefined) this.#runLocal(op);
    for (const op of waiting) this.#runLocal(op);
    this.#owner.storeEvent('store-fallback', { error });
    this.#owner.changed();
    this.#probeLater();
  }

  /** Outcomes whose round failed may or may not have landed: they count locally unless Redis says they did. */
  #inDoubt(ops: Array<Op<S>>, call: Promise<SyncReply>): void {
    call.then(
      (reply) => (reply.status === 1 ? undefined : this.#toLocal(ops)),
      () => this.#toLocal(ops),
    );
  }

  #toLocal(ops: Array<Op<S>>): void {
    const outcomes = ops.filter((op) => op.answer === undefined);
    if (this.#local !== undefined) for (const op of outcomes) this.#runLocal(op);
    else this.#queue.unshift(...outcomes);
  }

  #probeLater(): void {
    if (this.#closed) return;
    this.#probeTimer = setTimeout(() => void this.#probe(), this.#ctx.retryIntervalMs);
    this.#probeTimer.unref?.();
  }

  /** While fallen back: reads Redis; when it answers, shares again (seeding it when it holds nothing). */
  async #probe(): Promise<void> {
    if (this.#closed || this.#local === undefined) return;
    try {
      const read = await this.#ctx.bounded(this.#sync('', -1, '', this.#ctx.now()), this.#backgroundMs);
      this.#adopt(read.epoch, read.version, read.state);
      if (read.version === 0) {
        const json = JSON.stringify(this.#local);
        const seeded = await this.#ctx.bounded(this.#sync('', 0, json, this.#ctx.now()), this.#backgroundMs);
        this.#adopt(seeded.epoch, seeded.version, seeded.state);
      }
    } catch {
      return this.#probeLater();
    }
    this.#local = undefined;
    this.#owner.storeEvent('store-restored', {});
    this.#owner.changed();
    this.#next();
  }
}
