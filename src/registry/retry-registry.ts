import { reportHookError } from '../observers/hook-errors.js';
import type { HookName } from '../engine/types.js';
import { notify } from '../observers/notify.js';
import type { AttemptEndedEvent, CallEndedEvent, CallObserver, CallStartedEvent, PolicyEvent, RetryScheduledEvent } from '../observers/observer.js';
import { Counters } from './counters.js';
import { OperationRecord, type RecordHost } from './operation-record.js';
import { setOwn } from './own-keys.js';
import type { RegistryEvent, RetryHistory, RetryRegistryOptions, RetryStatistics } from './types.js';

function checkBound(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') {
    throw new TypeError(`maestro-retry: RetryRegistry option \`${option}\` must be a number, got ${typeof value}`);
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`maestro-retry: RetryRegistry option \`${option}\` must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/**
 * The history registry every call reports into: exact counters per operation and in total,
 * and the latest attempts per operation. Memory is bounded: at most `maxHistoryPerOperation`
 * attempts per operation and `maxOperations` operations (the least recently used one is
 * evicted, counted in `evictedOperations`; its figures stay in the totals). An operation with
 * a call in flight is never evicted: while every held operation has one, the registry holds
 * more than `maxOperations` rather than lose a count, and evicts down to the bound as those
 * calls end.
 *
 * @example
 * const registry = new RetryRegistry({ maxHistoryPerOperation: 20 });
 * await retry(fetchUser, { registry, operationName: 'users.get' });
 * registry.getStatistics('users.get').operations['users.get']?.successRate; // 1
 */
export class RetryRegistry implements CallObserver, RecordHost {
  /** Attempts kept per operation (`maxHistoryPerOperation` option, default 100). */
  readonly maxHistoryPerOperation: number;
  /** Operations kept before the least recently used is evicted (`maxOperations` option, default 1000). */
  readonly maxOperations: number;
  /** The figures of evicted operations, which stay in the totals. */
  readonly #retired = new Counters();
  #records = new Map<string, OperationRecord>();
  #mostRecent: OperationRecord | undefined;
  #evicted = 0;
  #listeners = new Set<(event: RegistryEvent) => void>();
  #observers: readonly CallObserver[] = [];
  readonly #onHookError: ((error: unknown, hook: HookName) => void) | undefined;

  constructor(options: RetryRegistryOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('maestro-retry: RetryRegistry options must be an object');
    }
    this.maxHistoryPerOperation = checkBound('maxHistoryPerOperation', options.maxHistoryPerOperation, 100);
    this.maxOperations = checkBound('maxOperations', options.maxOperations, 1000);
    const onHookError: unknown = options.onHookError;
    if (onHookError !== undefined && typeof onHookError !== 'function') {
      throw new TypeError(`maestro-retry: RetryRegistry option \`onHookError\` must be a function, got ${typeof onHookError}`);
    }
    this.#onHookError = onHookError as RetryRegistryOptions['onHookError'];
  }

  /** @internal the loop's handle on an operation, created on first use. */
  operation(name: string): OperationRecord {
    let record = this.#records.get(name);
    if (record === undefined) {
      while (this.#records.size >= this.maxOperations && this.#evictOne());
      record = new OperationRecord(name, this, this.maxHistoryPerOperation);
      this.#records.set(name, record);
      this.#mostRecent = record;
      // Every held operation had a call in flight: hold more for now, and trim as calls end.
      if (this.#records.size > this.maxOperations) this.overBound = true;
    }
    return record;
  }

  /** @internal */
  touch(record: OperationRecord): void {
    if (this.#mostRecent === record) return;
    this.#records.delete(record.name);
    this.#records.set(record.name, record);
    this.#mostRecent = record;
  }

  /** @internal set while more than `maxOperations` are held; the records then call `trim()` as calls end. */
  overBound = false;

  /** @internal */
  trim(): void {
    while (this.#records.size > this.maxOperations && this.#evictOne());
    this.overBound = this.#records.size > this.maxOperations;
  }

  /** @internal */
  get listening(): boolean {
    return this.#listeners.size > 0;
  }

  /** @internal */
  emit(event: RegistryEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        reportHookError(error, 'subscribe', this.#onHookError);
      }
    }
  }

  /** Evicts the least recently used operation with no call in flight; `false` when there is none. */
  #evictOne(): boolean {
    for (const record of this.#records.values()) {
      if (record.counters.inFlight === 0) {
        this.#records.delete(record.name);
        record.retire();
        this.#retired.add(record.counters);
        if (this.#mostRecent === record) this.#mostRecent = undefined;
        this.#evicted++;
        return true;
      }
    }
    return false;
  }

  /** A call has started: counted in `calls` and `inFlight`. */
  callStarted(event: CallStartedEvent): void {
    this.operation(event.operationName).callStarted();
    this.#relay('callStarted', event);
  }

  /** An attempt has ended: counted, and kept in the operation's history. */
  attemptEnded(event: AttemptEndedEvent): void {
    this.#live(event.operationName)?.attemptEnded(event.attempt, event.delay, event.outcome, event.error, event.timestamp, event.durationMs,
      event.hedge === true, event.cancelled === true);
    this.#relay('attemptEnded', event);
  }

  /** A retry is scheduled: relayed to subscribers (the counts come from the attempts). */
  retryScheduled(event: RetryScheduledEvent): void {
    this.#relay('retryScheduled', event);
  }

  /** A call has ended: counted by outcome and give-up reason. */
  callEnded(event: CallEndedEvent): void {
    this.#live(event.operationName)?.callEnded(event.attempts, event.totalDelayMs, event.reason, event.elapsedMs);
    this.#relay('callEnded', event);
  }

  /**
   * A policy's event: relayed to subscribers. A call's fallback, which comes just after the
   * call ended, is counted in `fallbacks`.
   */
  policyEvent(event: PolicyEvent): void {
    if (event.policy === 'fallback' && event.type === 'used' && event.operationName !== undefined) {
      const record = this.#records.get(event.operationName);
      if (record !== undefined) record.counters.fallbacks++;
    }
    for (const observer of this.#observers) {
      try {
        observer.policyEvent?.(event);
      } catch (error) {
        reportHookError(error, 'subscribe', this.#onHookError, event.name);
      }
    }
  }

  /** Counts a hook or observer that threw during a call of `operationName`. */
  hookFailed(operationName: string): void {
    const record = this.#records.get(operationName);
    if (record !== undefined) record.hookErrors++;
  }

  /**
   * The record of `name` while it has a call in flight. A record cleared while one of its calls
   * was in flight is gone; that call's remaining events are dropped rather than counted in a
   * new record that never saw it start.
   */
  #live(name: string): OperationRecord | undefined {
    const record = this.#records.get(name);
    return record !== undefined && record.counters.inFlight > 0 ? record : undefined;
  }

  #relay<M extends 'callStarted' | 'attemptEnded' | 'retryScheduled' | 'callEnded'>(method: M, event: Parameters<NonNullable<CallObserver[M]>>[0]): void {
    if (this.#observers.length === 0) return;
    notify(this.#observers, method, event, (error, _hook, name) => reportHookError(error, 'subscribe', this.#onHookError, name));
  }

  /**
   * Statistics of every operation, or of `operationName` alone (its totals and a one-key
   * `operations`, or zeros and `{}` when unknown). `evictedOperations` is the registry's.
   */
  getStatistics(operationName?: string): RetryStatistics {
    if (operationName !== undefined) {
      const record = this.#records.get(operationName);
      const operations: RetryStatistics['operations'] = {};
      if (record !== undefined) setOwn(operations, operationName, record.statistics());
      return {
        totalOperations: record === undefined ? 0 : 1,
        ...(record?.counters ?? new Counters()).summary(),
        evictedOperations: this.#evicted,
        operations,
      };
    }
    const operations: RetryStatistics['operations'] = {};
    for (const record of this.#records.values()) setOwn(operations, record.name, record.statistics());
    return { totalOperations: this.#records.size, ...this.#totals().summary(), evictedOperations: this.#evicted, operations };
  }

  /** Lifetime totals: the live operations' counters plus those of evicted ones. */
  #totals(): Counters {
    const totals = new Counters();
    totals.add(this.#retired);
    for (const record of this.#records.values()) totals.add(record.counters);
    return totals;
  }

  /** The kept attempts of every operation, or of `operationName` alone (one key, `[]` when unknown). */
  getHistory(operationName?: string): RetryHistory {
    const history: RetryHistory = {};
    if (operationName !== undefined) {
      setOwn(history, operationName, this.#records.get(operationName)?.history() ?? []);
      return history;
    }
    for (const record of this.#records.values()) setOwn(history, record.name, record.history());
    return history;
  }

  /**
   * Forgets `operationName` (its figures leave the totals), or everything (totals and the
   * eviction count too). A call in flight at that moment is not counted afterwards.
   */
  clear(operationName?: string): void {
    if (operationName !== undefined) {
      const record = this.#records.get(operationName);
      if (record === undefined) return;
      this.#records.delete(operationName);
      record.retire();
      if (this.#mostRecent === record) this.#mostRecent = undefined;
      this.overBound = this.#records.size > this.maxOperations;
      return;
    }
    for (const record of this.#records.values()) record.retire();
    this.#records.clear();
    this.#mostRecent = undefined;
    this.overBound = false;
    this.#retired.reset();
    this.#evicted = 0;
  }

  /**
   * Subscribes to what this registry receives. An observer (an object with any of
   * `callStarted`, `attemptEnded`, `retryScheduled`, `callEnded`, `policyEvent`) gets every
   * event as it comes, from every call that records here; a function gets the older
   * `RegistryEvent`s (an attempt, or a call's end). Returns the function that unsubscribes.
   * A subscriber that throws is reported (`onHookError`, else one warning) and the rest go on.
   *
   * @example
   * const stop = defaultRegistry.subscribe({ callEnded: (e) => log.info(e, 'call ended') });
   */
  subscribe(listener: ((event: RegistryEvent) => void) | CallObserver): () => void {
    if (typeof listener === 'object' && listener !== null) {
      const observer = listener;
      this.#observers = [...this.#observers, observer];
      return () => {
        this.#observers = this.#observers.filter((o) => o !== observer);
      };
    }
    if (typeof listener !== 'function') {
      throw new TypeError('maestro-retry: RetryRegistry.subscribe needs a function or an observer object');
    }
    const wrapped = (event: RegistryEvent): void => listener(event);
    this.#listeners.add(wrapped);
    return () => {
      this.#listeners.delete(wrapped);
    };
  }

}
