/**
 * The registry's bounds and figures: the history ring as it grows and wraps, the derived
 * figures, clearing and eviction, and the registry's options and listeners. Driven through the
 * public `retry()` on a `ManualClock`. The last block covers the bounds as calls start, end and
 * are cleared, what listeners hear of a cleared or rejected-result attempt, which keys a
 * statistics object leaves out, and the memory a history holds (with `gc`).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { retry } from '../../src/api/retry.js';
import type { GiveUpReason } from '../../src/engine/types.js';
import { RetryRegistry } from '../../src/registry/retry-registry.js';
import type { RegistryEvent } from '../../src/registry/types.js';
import { flushMicrotasks, ManualClock } from '../../src/testing/manual-clock.js';
import { drive, networkError } from '../helpers/drive.js';

/** Runs one call of `op` that fails `failures` times (transient) and then succeeds, or gives up. */
async function call(registry: RetryRegistry, clock: ManualClock, op: string, failures: number, maxRetries = 10): Promise<void> {
  let n = 0;
  await drive(clock, retry(async () => {
    if (n++ < failures) throw networkError(`fail ${n}`);
    return n;
  }, { registry, clock, operationName: op, maxRetries, initialDelay: 10, backoffBase: 1 }).catch(() => undefined));
}

describe('RetryRegistry history ring', () => {
  it('keeps every attempt, in order, while growing past its initial 8 slots', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry({ maxHistoryPerOperation: 20 });
    await call(registry, clock, 'op', 11, 11); // 12 attempts
    const history = registry.getHistory('op').op!;
    expect(history.map((a) => a.attemptNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(history.map((a) => a.success)).toEqual([...Array(11).fill(false), true]);
    expect(history.map((a) => a.delay)).toEqual([0, ...Array(11).fill(10)]);
    expect(history.map((a) => a.timestamp)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
    expect(history[0]).toEqual({ operationName: 'op', attemptNumber: 1, delay: 0, success: false, timestamp: 0, durationMs: 0, error: { name: 'Error', message: 'fail 1', code: 'ECONNRESET' } });
    expect(history[11]).toEqual({ operationName: 'op', attemptNumber: 12, delay: 10, success: true, timestamp: 110, durationMs: 0 });
    expect('error' in history[11]!).toBe(false);
  });

  it('keeps the newest maxHistoryPerOperation attempts, oldest first, after wrapping', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry({ maxHistoryPerOperation: 10 });
    await call(registry, clock, 'op', 11, 11); // attempts 1..12
    await call(registry, clock, 'op', 12, 12); // attempts 1..13
    const numbers = registry.getHistory('op').op!.map((a) => a.attemptNumber);
    expect(numbers).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('with a bound below 8 keeps exactly that many; with 0 keeps none but still counts', async () => {
    const clock = new ManualClock();
    const three = new RetryRegistry({ maxHistoryPerOperation: 3 });
    await call(three, clock, 'op', 4);
    expect(three.getHistory('op').op!.map((a) => a.attemptNumber)).toEqual([3, 4, 5]);
    const one = new RetryRegistry({ maxHistoryPerOperation: 1 });
    await call(one, clock, 'op', 2);
    expect(one.getHistory('op').op!.map((a) => a.attemptNumber)).toEqual([3]);
    const none = new RetryRegistry({ maxHistoryPerOperation: 0 });
    await call(none, clock, 'op', 2);
    expect(none.getHistory('op')).toEqual({ op: [] });
    expect(none.getStatistics('op').attempts).toBe(3);
  });
});

describe('RetryRegistry figures', () => {
  it('derives averages, rates, retries and delays over finished calls', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    await call(registry, clock, 'op', 0); // 1 attempt, success
    await call(registry, clock, 'op', 2); // 3 attempts, success after retry, 20 ms delay
    await call(registry, clock, 'op', 5, 1); // 2 attempts, exhausted, 10 ms
    const s = registry.getStatistics('op');
    expect(s).toMatchObject({
      totalOperations: 1, calls: 3, inFlight: 0, successes: 2, failures: 1, attempts: 6, retries: 3,
      successesAfterRetry: 1, averageAttempts: 2, successRate: 2 / 3, totalDelayMs: 30, giveUpReasons: { exhausted: 1 },
    });
    expect(s.operations.op).toMatchObject({ operationName: 'op', errorCounts: { Error: 4 }, lastError: { message: 'fail 2' }, lastCallAt: 20 });
    expect(registry.getStatistics()).toMatchObject({ calls: 3, averageAttempts: 2, successRate: 2 / 3, evictedOperations: 0 });
  });

  it('keys its operations and history as ordinary properties (a `__proto__` operation included)', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    await call(registry, clock, '__proto__', 0);
    for (const record of [registry.getStatistics().operations, registry.getHistory()] as Array<Record<string, unknown>>) {
      expect(Object.getOwnPropertyDescriptor(record, '__proto__')).toMatchObject({ enumerable: true, writable: true, configurable: true });
      expect(delete record['__proto__']).toBe(true);
      expect(Object.keys(record)).toEqual([]);
    }
  });

  it('reports zeros for an operation it does not know, and no NaN before any call ends', () => {
    const registry = new RetryRegistry();
    expect(registry.getStatistics('nope')).toEqual({
      totalOperations: 0, calls: 0, inFlight: 0, successes: 0, failures: 0, attempts: 0, retries: 0, successesAfterRetry: 0,
      averageAttempts: 0, successRate: 0, totalDelayMs: 0, giveUpReasons: {}, evictedOperations: 0, operations: {},
      hedges: 0, hedgesWon: 0, cancelledAttempts: 0, fallbacks: 0,
    });
    expect(registry.getHistory('nope')).toEqual({ nope: [] });
  });

  it('a success on the first attempt does not count as a success after retry; lastCallAt is the first attempt of the latest call', async () => {
    const clock = new ManualClock(500);
    const registry = new RetryRegistry();
    await call(registry, clock, 'op', 0);
    await clock.advance(100);
    await call(registry, clock, 'op', 1);
    const op = registry.getStatistics('op').operations.op!;
    expect(op.successesAfterRetry).toBe(1);
    expect(op.lastCallAt).toBe(600);
  });
});

describe('RetryRegistry clear and eviction', () => {
  it("clearing one operation takes its figures, give-up reasons included, out of the totals", async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    await call(registry, clock, 'a', 5, 0); // exhausted
    await call(registry, clock, 'b', 5, 0); // exhausted
    await call(registry, clock, 'b', 0);
    registry.clear('a');
    expect(registry.getStatistics()).toMatchObject({ totalOperations: 1, calls: 2, failures: 1, successes: 1, giveUpReasons: { exhausted: 1 } });
    registry.clear('b');
    const empty = registry.getStatistics();
    expect(empty).toMatchObject({ totalOperations: 0, calls: 0, attempts: 0, giveUpReasons: {} });
    expect(Object.keys(empty.giveUpReasons)).toEqual([]);
    registry.clear('unknown'); // nothing to do
    expect(registry.getStatistics().calls).toBe(0);
    // A cleared operation starts afresh when used again.
    await call(registry, clock, 'a', 0);
    expect(registry.getStatistics('a')).toMatchObject({ calls: 1, successes: 1 });
  });

  it('evicts the least recently used operation, counts it, keeps its figures in the totals; clear() forgets all', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry({ maxOperations: 2 });
    await call(registry, clock, 'a', 0);
    await call(registry, clock, 'b', 0);
    await call(registry, clock, 'a', 0); // a is now the most recent
    await call(registry, clock, 'c', 0); // evicts b
    const s = registry.getStatistics();
    expect(Object.keys(s.operations).sort()).toEqual(['a', 'c']);
    expect(s).toMatchObject({ totalOperations: 2, evictedOperations: 1, calls: 4 });
    await call(registry, clock, 'b', 0); // evicts a
    expect(Object.keys(registry.getStatistics().operations).sort()).toEqual(['b', 'c']);
    expect(registry.getStatistics().evictedOperations).toBe(2);
    registry.clear();
    expect(registry.getStatistics()).toMatchObject({ totalOperations: 0, evictedOperations: 0, calls: 0 });
  });

  it('never evicts an operation with a call in flight; trims back to the bound as calls end', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry({ maxOperations: 1 });
    let release!: () => void;
    const slow = retry(() => new Promise<void>((resolve) => { release = resolve; }), { registry, clock, operationName: 'slow' });
    await clock.advance(0);
    let seenDuringFast = 0;
    const fast = retry(async () => {
      seenDuringFast = registry.getStatistics().totalOperations;
    }, { registry, clock, operationName: 'fast' });
    await fast;
    // Both were held while both had a call in flight; when 'fast' ended it was the only one
    // free to go, so the registry is back to one operation: 'slow'.
    expect(seenDuringFast).toBe(2);
    expect(Object.keys(registry.getStatistics().operations)).toEqual(['slow']);
    expect(registry.getStatistics()).toMatchObject({ totalOperations: 1, evictedOperations: 1, calls: 2, inFlight: 1 });
    release();
    await slow;
    expect(registry.getStatistics()).toMatchObject({ totalOperations: 1, evictedOperations: 1, calls: 2, successes: 2, inFlight: 0 });
  });

  it('a call in flight when its operation is cleared is not counted afterwards', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    let release!: () => void;
    const slow = retry(() => new Promise<void>((resolve) => { release = resolve; }), { registry, clock, operationName: 'x' });
    await clock.advance(0);
    registry.clear('x');
    release();
    await slow;
    expect(registry.getStatistics()).toMatchObject({ calls: 0, successes: 0, attempts: 0, inFlight: 0 });
  });
});

describe('RetryRegistry options and listeners', () => {
  it.each([
    [{ maxHistoryPerOperation: '5' }, TypeError, 'maestro-retry: RetryRegistry option `maxHistoryPerOperation` must be a number, got string'],
    [{ maxOperations: -1 }, RangeError, 'maestro-retry: RetryRegistry option `maxOperations` must be a non-negative integer, got -1'],
    [{ maxOperations: 1.5 }, RangeError, 'maestro-retry: RetryRegistry option `maxOperations` must be a non-negative integer, got 1.5'],
    [{ maxOperations: Infinity }, RangeError, 'maestro-retry: RetryRegistry option `maxOperations` must be a non-negative integer, got Infinity'],
    [{ onHookError: 5 }, TypeError, 'maestro-retry: RetryRegistry option `onHookError` must be a function, got number'],
  ])('refuses %p', (options, Kind, message) => {
    expect(() => new RetryRegistry(options as never)).toThrow(new Kind(message));
  });

  it('accepts 0 bounds and uses the documented defaults', () => {
    expect(new RetryRegistry({ maxOperations: 0, maxHistoryPerOperation: 0 })).toMatchObject({ maxOperations: 0, maxHistoryPerOperation: 0 });
    expect(new RetryRegistry()).toMatchObject({ maxOperations: 1000, maxHistoryPerOperation: 100 });
    expect(() => new RetryRegistry(null as never)).toThrow(new TypeError('maestro-retry: RetryRegistry options must be an object'));
  });

  it('tells listeners every attempt and call end until unsubscribed; a throwing listener goes to onHookError', async () => {
    const clock = new ManualClock();
    const hookErrors: unknown[] = [];
    const registry = new RetryRegistry({ onHookError: (error, hook) => hookErrors.push([hook, (error as Error).message]) });
    const events: RegistryEvent[] = [];
    const off = registry.subscribe((e) => events.push(e));
    registry.subscribe(() => {
      throw new Error('listener bug');
    });
    await call(registry, clock, 'op', 1, 0); // one failed attempt, gives up
    expect(events).toEqual([
      { type: 'attempt', attempt: { operationName: 'op', attemptNumber: 1, delay: 0, success: false, timestamp: 0, durationMs: 0, error: { name: 'Error', message: 'fail 1', code: 'ECONNRESET' } } },
      { type: 'call', operationName: 'op', success: false, attempts: 1, totalDelayMs: 0, elapsedMs: 0, reason: 'exhausted' satisfies GiveUpReason },
    ]);
    expect(hookErrors).toEqual([['subscribe', 'listener bug'], ['subscribe', 'listener bug']]);
    off();
    await call(registry, clock, 'op', 0);
    expect(events).toHaveLength(2);
    expect(() => registry.subscribe(5 as never)).toThrow(new TypeError('maestro-retry: RetryRegistry.subscribe needs a function or an observer object'));
  });

  it('reports a successful attempt and call to listeners', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const events: RegistryEvent[] = [];
    registry.subscribe((e) => events.push(e));
    await call(registry, clock, 'op', 0);
    expect(events).toEqual([
      { type: 'attempt', attempt: { operationName: 'op', attemptNumber: 1, delay: 0, success: true, timestamp: 0, durationMs: 0 } },
      { type: 'call', operationName: 'op', success: true, attempts: 1, totalDelayMs: 0, elapsedMs: 0 },
    ]);
  });
});

describe('RetryRegistry bounds, listeners and the shape of its figures', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;

  /** A call of `op` whose (single) attempt stays in flight until `release()`. */
  function pending(registry: RetryRegistry, clock: ManualClock, op: string): { release: () => void; done: Promise<void> } {
    let release!: () => void;
    const done = retry(() => new Promise<void>((resolve) => { release = resolve; }), { registry, clock, operationName: op });
    return { release: () => release(), done };
  }

  it('refuses options that are not an object', () => {
    for (const options of [5, 'small', true]) {
      expect(() => new RetryRegistry(options as never)).toThrow(new TypeError('maestro-retry: RetryRegistry options must be an object'));
    }
  });

  it('makes room for a new operation before its first call runs, so the bound holds during that call', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry({ maxOperations: 1 });
    await call(registry, clock, 'a', 0);
    let during: ReturnType<RetryRegistry['getStatistics']> | undefined;
    await drive(clock, retry(async () => {
      during = registry.getStatistics();
    }, { registry, clock, operationName: 'b' }));
    expect(Object.keys(during!.operations)).toEqual(['b']);
    expect(during).toMatchObject({ totalOperations: 1, evictedOperations: 1, calls: 2, inFlight: 1 });
  });

  it('still over its bound after clear(op), it trims back to the bound as the remaining calls end', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry({ maxOperations: 1 });
    const a = pending(registry, clock, 'a');
    const b = pending(registry, clock, 'b');
    const c = pending(registry, clock, 'c');
    await clock.advance(0);
    expect(registry.getStatistics().totalOperations).toBe(3); // all in flight: none can go
    registry.clear('a');
    expect(Object.keys(registry.getStatistics().operations)).toEqual(['b', 'c']);
    b.release();
    await b.done;
    // 'b' has no call in flight any more: it goes, and the registry is back to one operation.
    expect(Object.keys(registry.getStatistics().operations)).toEqual(['c']);
    expect(registry.getStatistics()).toMatchObject({ totalOperations: 1, evictedOperations: 1, calls: 2, successes: 1, inFlight: 1 });
    c.release();
    a.release();
    await Promise.all([a.done, c.done]);
    expect(registry.getStatistics()).toMatchObject({ totalOperations: 1, evictedOperations: 1, calls: 2, successes: 2, inFlight: 0 });
  });

  it('does not announce a call in flight when its operation was cleared, whether its first or a later attempt ends it', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const events: RegistryEvent[] = [];
    registry.subscribe((e) => events.push(e));
    // The first attempt is still running when the operation is cleared, and then succeeds.
    const first = pending(registry, clock, 'x');
    await clock.advance(0);
    registry.clear('x');
    first.release();
    await first.done;
    // The first attempt failed (and was announced); the operation is cleared during the delay.
    let n = 0;
    const later = retry(async () => {
      if (n++ === 0) throw networkError('once');
      return n;
    }, { registry, clock, operationName: 'y', initialDelay: 10 });
    await clock.advance(0);
    expect(events.map((e) => e.type)).toEqual(['attempt']);
    registry.clear('y');
    await drive(clock, later);
    expect(n).toBe(2);
    expect(events.map((e) => e.type)).toEqual(['attempt']);
    expect(registry.getStatistics()).toMatchObject({ totalOperations: 0, calls: 0, attempts: 0 });
  });

  it('announces a result that retryOnResult rejects as a failed attempt, as its history keeps it', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const attempts: unknown[] = [];
    registry.subscribe((e) => {
      if (e.type === 'attempt') attempts.push(e.attempt);
    });
    let n = 0;
    await drive(clock, retry(async () => ++n, { registry, clock, operationName: 'r', retryOnResult: (v) => v < 2, initialDelay: 10, backoffBase: 1 }));
    expect(attempts).toEqual([
      { operationName: 'r', attemptNumber: 1, delay: 0, success: false, timestamp: 0, durationMs: 0 },
      { operationName: 'r', attemptNumber: 2, delay: 10, success: true, timestamp: 10, durationMs: 0 },
    ]);
    expect('error' in (attempts[0] as object)).toBe(false);
    expect(registry.getHistory('r').r).toEqual(attempts);
  });

  it('leaves lastError out of an operation that never failed, and lastCallAt out until a first attempt ended', async () => {
    const clock = new ManualClock(1_000);
    const registry = new RetryRegistry();
    let during: object | undefined;
    await drive(clock, retry(async () => {
      during = registry.getStatistics('op').operations.op;
    }, { registry, clock, operationName: 'op' }));
    expect(during).toMatchObject({ operationName: 'op', calls: 1, inFlight: 1 });
    expect('lastCallAt' in during!).toBe(false);
    expect('lastError' in during!).toBe(false);
    const after = registry.getStatistics('op').operations.op!;
    expect(after.lastCallAt).toBe(1_000);
    expect('lastError' in after).toBe(false);
  });

  it('with maxHistoryPerOperation 0 holds on to no past attempt, not even its error; lastError keeps the latest', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry({ maxHistoryPerOperation: 0 });
    const errors: Array<WeakRef<object>> = [];
    registry.subscribe((e) => {
      if (e.type === 'attempt' && e.attempt.error !== undefined) errors.push(new WeakRef(e.attempt.error));
    });
    await call(registry, clock, 'op', 3); // three failures, then a success
    expect(errors).toHaveLength(3);
    for (let i = 0; i < 3 && errors.slice(0, 2).some((ref) => ref.deref() !== undefined); i++) {
      await flushMicrotasks();
      gc();
    }
    expect(errors.map((ref) => ref.deref() === undefined)).toEqual([true, true, false]);
    expect(registry.getStatistics('op').operations.op!.lastError).toBe(errors[2]!.deref());
    expect(registry.getHistory('op')).toEqual({ op: [] });
  });

  it("grows an operation's history with the attempts it holds, not towards maxHistoryPerOperation", async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry({ maxHistoryPerOperation: 10_000_000 });
    gc();
    const before = process.memoryUsage().arrayBuffers;
    await call(registry, clock, 'op', 14, 14); // 15 attempts
    gc();
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(registry.getHistory('op').op!.map((a) => a.attemptNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    // 16 slots of (4 x 8 + 1) bytes hold 15 attempts; doubling at every attempt would hold 8 x 2^15.
    expect(grown).toBeLessThan(1_000_000);
  });
});
