import { reportHookError } from '../observers/hook-errors.js';
import type { AttemptRecorder } from '../engine/seams.js';
import type { HookName } from '../engine/types.js';
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
export class RetryRegistry implements AttemptRecorder, RecordHost {
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
   * Calls `listener` with every attempt and every call's end, until the returned function is
   * called. A listener that throws is reported (to the registry's `onHookError` option, else as
   * a process warning) and never breaks a call: a listener belongs to the registry, not to any
   * one call, so a call's own `onHookError` option is not told.
   */
  subscribe(listener: (event: RegistryEvent) => void): () => void {
    if (typeof listener !== 'function') {
      throw new TypeError('maestro-retry: RetryRegistry.subscribe needs a function');
    }
    const wrapped = (event: RegistryEvent): void => listener(event);
    this.#listeners.add(wrapped);
    return () => {
      this.#listeners.delete(wrapped);
    };
  }
}
