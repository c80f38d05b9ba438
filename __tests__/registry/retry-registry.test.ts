import { retry } from '../../src/api/retry';
import { withRetry } from '../../src/api/with-retry';
import { PermanentError } from '../../src/errors/permanent-error';
import { TransientError } from '../../src/errors/transient-error';
import { RetryRegistry } from '../../src/registry/retry-registry';
import type { RegistryEvent, RetryStatistics } from '../../src/registry/types';
import { ManualClock, flushMicrotasks } from '../../src/testing/manual-clock';

/** A function for `retry()` that fails with a TransientError until attempt `k`, then returns 'ok'. */
const succeedAt = (k: number) => ({ attempt }: { attempt: number }): string => {
  if (attempt < k) throw new TransientError(`attempt ${attempt} failed`);
  return 'ok';
};
const alwaysTransient = (): never => {
  throw new TransientError('still down');
};
const permanent = (): never => {
  throw new PermanentError('no such thing');
};

const ZERO_TOTALS = {
  totalOperations: 0, calls: 0, inFlight: 0, successes: 0, failures: 0, attempts: 0, retries: 0,
  successesAfterRetry: 0, averageAttempts: 0, successRate: 0, totalDelayMs: 0, hedges: 0, hedgesWon: 0, cancelledAttempts: 0, fallbacks: 0, giveUpReasons: {}, operations: {},
};

describe('RetryRegistry counters', () => {
  it('counts calls, attempts, retries, delays, reasons and errors exactly, per operation and in total', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const opts = { registry, clock, operationName: 'op', maxRetries: 2 }; // delays 1000, 2000
    const calls = [
      retry(succeedAt(2), opts), // 2 attempts, waited 1000
      retry(alwaysTransient, opts), // 3 attempts, waited 3000, exhausted
      retry(permanent, opts), // 1 attempt, non-retryable
      retry(() => 'ok', opts), // 1 attempt
    ];
    const settled = Promise.allSettled(calls);
    // Every call is counted (and in flight) as soon as it starts.
    expect(registry.getStatistics()).toMatchObject({ calls: 4, inFlight: 4, successes: 0, failures: 0 });
    await flushMicrotasks();
    // The first attempts have ended: two calls finished, two are waiting on the clock.
    expect(registry.getStatistics('op').operations.op).toMatchObject({
      calls: 4, inFlight: 2, successes: 1, failures: 1, attempts: 4, retries: 0, averageAttempts: 1, successRate: 0.5,
    });
    await clock.runAll();
    await settled;

    const op = registry.getStatistics().operations.op!;
    expect(op).toEqual({
      operationName: 'op',
      calls: 4,
      inFlight: 0,
      successes: 2,
      failures: 2,
      attempts: 7,
      retries: 3,
      successesAfterRetry: 1,
      averageAttempts: 7 / 4,
      successRate: 0.5,
      totalDelayMs: 4000, hedges: 0, hedgesWon: 0, cancelledAttempts: 0, fallbacks: 0,
      giveUpReasons: { exhausted: 1, 'non-retryable': 1 },
      errorCounts: { TransientError: 4, PermanentError: 1 },
      hookErrors: 0,
      lastError: { name: 'TransientError', message: 'still down' },
      lastCallAt: 0,
    });
    const totals = registry.getStatistics();
    expect(totals).toEqual({
      totalOperations: 1,
      calls: 4,
      inFlight: 0,
      successes: 2,
      failures: 2,
      attempts: 7,
      retries: 3,
      successesAfterRetry: 1,
      averageAttempts: 7 / 4,
      successRate: 0.5,
      totalDelayMs: 4000, hedges: 0, hedgesWon: 0, cancelledAttempts: 0, fallbacks: 0,
      giveUpReasons: { exhausted: 1, 'non-retryable': 1 },
      evictedOperations: 0,
      operations: { op },
    });
  });

  it('reports averageAttempts and successRate as 0 while no call has finished', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const call = retry(succeedAt(2), { registry, clock, operationName: 'slow' });
    await flushMicrotasks();
    const stats = registry.getStatistics();
    expect(stats).toMatchObject({ calls: 1, inFlight: 1, attempts: 1, successes: 0, failures: 0, averageAttempts: 0, successRate: 0 });
    expect(stats.operations.slow).toMatchObject({ inFlight: 1, averageAttempts: 0, successRate: 0, errorCounts: { TransientError: 1 } });
    await clock.runAll();
    await expect(call).resolves.toBe('ok');
    expect(registry.getStatistics()).toMatchObject({ inFlight: 0, successes: 1, successesAfterRetry: 1, averageAttempts: 2, successRate: 1 });
  });

  it('starts at zero', () => {
    expect(new RetryRegistry().getStatistics()).toEqual({ ...ZERO_TOTALS, evictedOperations: 0 });
    expect(new RetryRegistry().getHistory()).toEqual({});
  });

  it('adds per-operation figures up to the totals', async () => {
    const registry = new RetryRegistry();
    const opts = { registry, initialDelay: 0, maxRetries: 3 };
    await Promise.allSettled([
      retry(succeedAt(3), { ...opts, operationName: 'a' }),
      retry(alwaysTransient, { ...opts, operationName: 'a' }),
      retry(permanent, { ...opts, operationName: 'b' }),
      retry(succeedAt(1), { ...opts, operationName: 'c' }),
      retry(succeedAt(4), { ...opts, operationName: 'c' }),
    ]);
    const stats = registry.getStatistics();
    const ops = Object.values(stats.operations);
    expect(ops.map((o) => o.operationName).sort()).toEqual(['a', 'b', 'c']);
    for (const key of ['calls', 'successes', 'failures', 'attempts', 'retries', 'successesAfterRetry', 'totalDelayMs'] as const) {
      expect(ops.reduce((sum, o) => sum + o[key], 0)).toBe(stats[key]);
    }
    expect(stats).toMatchObject({ calls: 5, successes: 3, failures: 2, attempts: 3 + 4 + 1 + 1 + 4, retries: 2 + 3 + 0 + 0 + 3, successesAfterRetry: 2 });
    expect(stats.operations.c).toMatchObject({ calls: 2, attempts: 5, successesAfterRetry: 1, averageAttempts: 2.5, successRate: 1, giveUpReasons: {} });
    expect(stats.giveUpReasons).toEqual({ exhausted: 1, 'non-retryable': 1 });
  });

  it('counts a thrown non-error under its type and a result rejected by retryOnResult under no error name', async () => {
    const registry = new RetryRegistry();
    await expect(retry(() => { throw 'plain string'; }, { registry, operationName: 's' })).rejects.toBe('plain string');
    let n = 0;
    await expect(retry(() => ++n, { registry, operationName: 'r', initialDelay: 0, retryOnResult: (v) => v < 3 })).resolves.toBe(3);
    const stats = registry.getStatistics();
    expect(stats.operations.s).toMatchObject({ attempts: 1, errorCounts: { string: 1 }, lastError: { name: 'string', message: 'plain string' } });
    expect(stats.operations.r).toMatchObject({ attempts: 3, retries: 2, successes: 1, errorCounts: {} });
    expect(stats.operations.r!.lastError).toBeUndefined();
    const history = registry.getHistory('r').r!;
    expect(history.map((a) => [a.attemptNumber, a.success, 'error' in a])).toEqual([[1, false, false], [2, false, false], [3, true, false]]);
  });
});

describe('RetryRegistry counters at the edges', () => {
  it('counts a call cancelled before its first attempt as a failure with no attempt', async () => {
    const registry = new RetryRegistry();
    const fn = jest.fn(() => 1);
    await expect(retry(fn, { registry, operationName: 'x', signal: AbortSignal.abort(new Error('stop')) })).rejects.toThrow('stop');
    expect(fn).not.toHaveBeenCalled();
    expect(registry.getStatistics()).toMatchObject({
      calls: 1, inFlight: 0, failures: 1, attempts: 0, averageAttempts: 0, successRate: 0, giveUpReasons: { aborted: 1 },
    });
    expect(registry.getHistory('x')).toEqual({ x: [] });
  });

  // The recorder is told the outcome ('error' | 'result'), so a thrown `undefined` is an error.
  test('counts a thrown undefined under its type, like other thrown non-errors', async () => {
    const registry = new RetryRegistry();
    await retry(() => { throw undefined; }, { registry, operationName: 'u' }).catch(() => undefined);
    expect(registry.getStatistics().operations.u!.errorCounts).toEqual({ undefined: 1 });
  });
});

describe('RetryRegistry history', () => {
  it('keeps each attempt with its number, delay, error, outcome, start time and duration', async () => {
    const clock = new ManualClock(5_000);
    const registry = new RetryRegistry();
    const fn = async ({ attempt }: { attempt: number }): Promise<string> => {
      await clock.sleep(10); // each attempt takes 10 ms of clock time
      if (attempt < 3) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
      return 'done';
    };
    const call = retry(fn, { registry, clock, operationName: 'h' });
    await clock.runAll();
    await expect(call).resolves.toBe('done');
    expect(registry.getHistory('h')).toEqual({
      h: [
        { operationName: 'h', attemptNumber: 1, delay: 0, success: false, timestamp: 5_000, durationMs: 10, error: { name: 'Error', message: 'reset', code: 'ECONNRESET' } },
        { operationName: 'h', attemptNumber: 2, delay: 1000, success: false, timestamp: 6_010, durationMs: 10, error: { name: 'Error', message: 'reset', code: 'ECONNRESET' } },
        { operationName: 'h', attemptNumber: 3, delay: 2000, success: true, timestamp: 8_020, durationMs: 10 },
      ],
    });
    expect(registry.getStatistics('h').operations.h).toMatchObject({ totalDelayMs: 3000, lastCallAt: 5_000 });
  });

  it('keeps at most maxHistoryPerOperation attempts, dropping the oldest, while counters stay exact', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry({ maxHistoryPerOperation: 20 });
    // 50 calls, one attempt each, at distinct times: the ring grows (8, 16, 20) and wraps.
    for (let i = 0; i < 50; i++) {
      await retry(() => i, { registry, clock, operationName: 'many' });
      await clock.advance(1);
    }
    const history = registry.getHistory('many').many!;
    expect(history).toHaveLength(20);
    expect(history.map((a) => a.timestamp)).toEqual(Array.from({ length: 20 }, (_, k) => 30 + k));
    expect(registry.getStatistics('many')).toMatchObject({ calls: 50, attempts: 50, successes: 50 });
  });

  it('keeps no history with maxHistoryPerOperation 0 but still counts', async () => {
    const registry = new RetryRegistry({ maxHistoryPerOperation: 0 });
    await retry(succeedAt(2), { registry, operationName: 'x', initialDelay: 0 });
    expect(registry.getHistory()).toEqual({ x: [] });
    expect(registry.getStatistics()).toMatchObject({ calls: 1, attempts: 2, retries: 1, successesAfterRetry: 1 });
  });

  it('keeps one attempt with maxHistoryPerOperation 1: the latest', async () => {
    const registry = new RetryRegistry({ maxHistoryPerOperation: 1 });
    await retry(succeedAt(3), { registry, operationName: 'one', initialDelay: 0 });
    expect(registry.getHistory('one').one!.map((a) => [a.attemptNumber, a.success])).toEqual([[3, true]]);
  });

  it('caps an error message kept in history (and lastError) at 1,024 characters', async () => {
    const registry = new RetryRegistry();
    const huge = 'x'.repeat(100_000);
    await expect(retry(() => { throw new Error(huge); }, { registry, operationName: 'big' })).rejects.toThrow(huge);
    const kept = registry.getHistory('big').big![0]!.error!;
    expect(kept.message).toHaveLength(1024);
    expect(kept.message.startsWith('x'.repeat(1023))).toBe(true);
    expect(kept.message.endsWith('\u2026')).toBe(true);
    expect(registry.getStatistics('big').operations.big!.lastError!.message).toBe(kept.message);
  });

  it('keeps a message of exactly 1,024 characters whole', async () => {
    const registry = new RetryRegistry();
    const exact = 'y'.repeat(1024);
    await retry(() => { throw new Error(exact); }, { registry, operationName: 'edge' }).catch(() => undefined);
    expect(registry.getHistory('edge').edge![0]!.error!.message).toBe(exact);
  });
});

describe('RetryRegistry bounds on operations', () => {
  it('evicts the least recently used operation past maxOperations, counting it, and keeps the totals exact', async () => {
    const registry = new RetryRegistry({ maxOperations: 2 });
    const call = (name: string): Promise<string> => retry(() => name, { registry, operationName: name });
    await call('a');
    await call('b');
    await call('a'); // 'a' is now the most recently used
    await call('c'); // evicts 'b'
    let stats = registry.getStatistics();
    expect(Object.keys(stats.operations).sort()).toEqual(['a', 'c']);
    expect(stats).toMatchObject({ totalOperations: 2, evictedOperations: 1, calls: 4, successes: 4, attempts: 4 });
    expect(stats.operations.a!.calls).toBe(2);
    expect(registry.getHistory()).toEqual({ a: expect.any(Array), c: expect.any(Array) });
    await call('b'); // back as a new operation; evicts 'a'
    stats = registry.getStatistics();
    expect(Object.keys(stats.operations).sort()).toEqual(['b', 'c']);
    expect(stats.operations.b!.calls).toBe(1);
    expect(stats).toMatchObject({ totalOperations: 2, evictedOperations: 2, calls: 5 });
  });

  it('refreshes an operation held by a withRetry wrapper after it was evicted', async () => {
    const registry = new RetryRegistry({ maxOperations: 1 });
    const a = withRetry(async () => 'a', { registry, operationName: 'a' });
    await a();
    await retry(() => 'b', { registry, operationName: 'b' }); // evicts 'a'
    await a();
    await a();
    const stats = registry.getStatistics();
    expect(Object.keys(stats.operations)).toEqual(['a']);
    expect(stats.operations.a!.calls).toBe(2);
    expect(stats).toMatchObject({ calls: 4, evictedOperations: 2 });
  });

  it('never evicts an operation with a call in flight, and trims back to the bound as calls end', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry({ maxOperations: 1 });
    const pending = retry(succeedAt(2), { registry, clock, operationName: 'busy' });
    await flushMicrotasks();
    const quick = retry(() => 1, { registry, clock, operationName: 'quick' });
    // Both held while both are in flight: more than maxOperations for now.
    expect(Object.keys(registry.getStatistics().operations).sort()).toEqual(['busy', 'quick']);
    await quick;
    // 'quick' ended and the registry trimmed back to the bound; 'busy' (still in flight) stayed.
    let stats = registry.getStatistics();
    expect(Object.keys(stats.operations)).toEqual(['busy']);
    expect(stats).toMatchObject({ evictedOperations: 1, totalOperations: 1, calls: 2, inFlight: 1 });
    await clock.runAll();
    await pending;
    stats = registry.getStatistics();
    expect(stats.operations.busy).toMatchObject({ calls: 1, attempts: 2, successes: 1, inFlight: 0 });
    expect(stats).toMatchObject({ calls: 2, attempts: 3, inFlight: 0, evictedOperations: 1 });
  });

  it('returns within maxOperations once in-flight calls have ended', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry({ maxOperations: 2 });
    const pending = ['p1', 'p2', 'p3'].map((name) => retry(succeedAt(2), { registry, clock, operationName: name }));
    await flushMicrotasks();
    expect(registry.getStatistics().totalOperations).toBe(3);
    await clock.runAll();
    await Promise.all(pending);
    expect(Object.keys(registry.getStatistics().operations).sort()).toEqual(['p2', 'p3']);
    await retry(() => 1, { registry, operationName: 'next' });
    const stats = registry.getStatistics();
    expect(stats.totalOperations).toBe(2);
    expect(Object.keys(stats.operations).sort()).toEqual(['next', 'p3']);
    expect(stats).toMatchObject({ evictedOperations: 2, calls: 4, attempts: 7 });
  });

  it('with maxOperations 0 holds an operation only while it has a call in flight, and keeps the totals', async () => {
    const registry = new RetryRegistry({ maxOperations: 0 });
    const a = retry(() => 1, { registry, operationName: 'a' });
    expect(Object.keys(registry.getStatistics().operations)).toEqual(['a']);
    await a;
    await retry(() => 1, { registry, operationName: 'b' });
    const stats = registry.getStatistics();
    expect(stats).toMatchObject({ calls: 2, successes: 2, evictedOperations: 2, totalOperations: 0, operations: {} });
  });

  it('rejects invalid bounds, naming the option', () => {
    expect(() => new RetryRegistry({ maxOperations: -1 })).toThrow(RangeError);
    expect(() => new RetryRegistry({ maxOperations: 1.5 })).toThrow(/maxOperations/);
    expect(() => new RetryRegistry({ maxHistoryPerOperation: Number.NaN })).toThrow(/maxHistoryPerOperation/);
    expect(() => new RetryRegistry({ maxHistoryPerOperation: '5' as unknown as number })).toThrow(TypeError);
    expect(() => new RetryRegistry(null as unknown as object)).toThrow(TypeError);
    expect(() => new RetryRegistry({ onHookError: 'log' as unknown as () => void })).toThrow(/onHookError/);
    const registry = new RetryRegistry({ maxOperations: undefined });
    expect([registry.maxOperations, registry.maxHistoryPerOperation]).toEqual([1000, 100]);
  });
});

describe('RetryRegistry with names that are Object.prototype keys', () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

  it.each(names)('treats %s as an ordinary operation', async (name) => {
    const registry = new RetryRegistry();
    await retry(succeedAt(2), { registry, operationName: name, initialDelay: 0 });
    await retry(() => 1, { registry, operationName: name });
    const stats = registry.getStatistics();
    expect(Object.getPrototypeOf(stats.operations)).toBe(Object.prototype);
    expect(Object.keys(stats.operations)).toEqual([name]);
    expect(Object.prototype.hasOwnProperty.call(stats.operations, name)).toBe(true);
    const op = Object.getOwnPropertyDescriptor(stats.operations, name)!.value as RetryStatistics['operations'][string];
    expect(op).toMatchObject({ operationName: name, calls: 2, attempts: 3, retries: 1, successes: 2 });
    expect(stats).toMatchObject({ totalOperations: 1, calls: 2, attempts: 3 });

    const one = registry.getStatistics(name);
    expect(Object.keys(one.operations)).toEqual([name]);
    expect(one).toMatchObject({ totalOperations: 1, calls: 2 });

    for (const history of [registry.getHistory(), registry.getHistory(name)]) {
      expect(Object.keys(history)).toEqual([name]);
      const attempts = Object.getOwnPropertyDescriptor(history, name)!.value as unknown[];
      expect(attempts).toHaveLength(3);
    }
    // Nothing leaked onto Object.prototype.
    expect(typeof ({} as Record<string, unknown>).toString).toBe('function');
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'calls')).toBe(false);
    expect(({} as Record<string, unknown>).calls).toBeUndefined();
  });

  it('keeps unknown prototype-key names at zero, and errors named __proto__ as ordinary counts', async () => {
    const registry = new RetryRegistry();
    expect(registry.getStatistics('constructor')).toMatchObject({ totalOperations: 0, calls: 0, operations: {} });
    expect(Object.keys(registry.getHistory('__proto__'))).toEqual(['__proto__']);
    const odd = Object.assign(new Error('odd'), { name: '__proto__' });
    await retry(() => { throw odd; }, { registry, operationName: 'o' }).catch(() => undefined);
    const counts = registry.getStatistics().operations.o!.errorCounts;
    expect(Object.keys(counts)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(counts, '__proto__')!.value).toBe(1);
  });
});

describe('RetryRegistry.getStatistics(op) and getHistory(op)', () => {
  it('covers that operation alone with the same shape as the whole registry', async () => {
    const registry = new RetryRegistry({ maxOperations: 2 });
    const opts = { registry, initialDelay: 0 };
    await retry(succeedAt(2), { ...opts, operationName: 'gone' });
    await retry(succeedAt(2), { ...opts, operationName: 'a' });
    await retry(alwaysTransient, { ...opts, operationName: 'b', maxRetries: 1 }).catch(() => undefined); // evicts 'gone'
    const all = registry.getStatistics();
    const one = registry.getStatistics('b');
    expect(Object.keys(one).sort()).toEqual(Object.keys(all).sort());
    expect(one).toEqual({
      totalOperations: 1, calls: 1, inFlight: 0, successes: 0, failures: 1, attempts: 2, retries: 1, successesAfterRetry: 0,
      averageAttempts: 2, successRate: 0, totalDelayMs: 0, hedges: 0, hedgesWon: 0, cancelledAttempts: 0, fallbacks: 0, giveUpReasons: { exhausted: 1 },
      evictedOperations: 1, // registry-wide, even in a per-operation query
      operations: { b: all.operations.b },
    });
    expect(registry.getHistory('a')).toEqual({ a: registry.getHistory().a });
    expect(Object.keys(registry.getHistory('a'))).toEqual(['a']);
  });

  it('answers zeros and an empty list for an unknown (or evicted) operation', () => {
    const registry = new RetryRegistry();
    expect(registry.getStatistics('nope')).toEqual({ ...ZERO_TOTALS, evictedOperations: 0 });
    expect(registry.getHistory('nope')).toEqual({ nope: [] });
  });

  it('hands out copies: changing a result does not change the registry', async () => {
    const registry = new RetryRegistry();
    await retry(() => { throw new PermanentError('p'); }, { registry, operationName: 'c' }).catch(() => undefined);
    const stats = registry.getStatistics();
    (stats.giveUpReasons as Record<string, number>)['non-retryable'] = 99;
    (stats.operations.c!.errorCounts as Record<string, number>).PermanentError = 99;
    registry.getHistory().c!.pop();
    expect(registry.getStatistics().giveUpReasons).toEqual({ 'non-retryable': 1 });
    expect(registry.getStatistics().operations.c!.errorCounts).toEqual({ PermanentError: 1 });
    expect(registry.getHistory().c).toHaveLength(1);
  });
});

describe('RetryRegistry.clear', () => {
  it('clear(op) forgets the operation and takes its figures out of the totals', async () => {
    const registry = new RetryRegistry({ maxOperations: 1 });
    const opts = { registry, initialDelay: 0 };
    await retry(() => 1, { ...opts, operationName: 'old' });
    await retry(succeedAt(2), { ...opts, operationName: 'a' }); // evicts 'old'
    await retry(permanent, { ...opts, operationName: 'a' }).catch(() => undefined);
    registry.clear('a');
    expect(registry.getStatistics()).toMatchObject({
      totalOperations: 0, calls: 1, successes: 1, failures: 0, attempts: 1, giveUpReasons: {}, evictedOperations: 1, operations: {},
    });
    expect(registry.getHistory()).toEqual({});
    registry.clear('not-there'); // no-op
    expect(registry.getStatistics().calls).toBe(1);
  });

  it('clear() forgets everything, the eviction count included', async () => {
    const registry = new RetryRegistry({ maxOperations: 1 });
    await retry(() => 1, { registry, operationName: 'a' });
    await retry(() => 1, { registry, operationName: 'b' });
    registry.clear();
    expect(registry.getStatistics()).toEqual({ ...ZERO_TOTALS, evictedOperations: 0 });
    expect(registry.getHistory()).toEqual({});
  });

  it('does not count afterwards a call that was in flight when its operation was cleared', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const inFlight = retry(succeedAt(2), { registry, clock, operationName: 'op' });
    await flushMicrotasks();
    registry.clear('op');
    expect(registry.getStatistics()).toMatchObject({ calls: 0, inFlight: 0, attempts: 0, totalOperations: 0 });
    const fresh = retry(() => 'fresh', { registry, clock, operationName: 'op' });
    await clock.runAll();
    await Promise.all([inFlight, fresh]);
    expect(registry.getStatistics()).toMatchObject({ calls: 1, inFlight: 0, successes: 1, attempts: 1, totalOperations: 1 });
    expect(registry.getHistory('op').op).toHaveLength(1);
  });

  it('does not count afterwards a call that was in flight at clear()', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const events: RegistryEvent[] = [];
    registry.subscribe((e) => events.push(e));
    const inFlight = retry(succeedAt(2), { registry, clock, operationName: 'op' });
    await flushMicrotasks();
    registry.clear();
    events.length = 0;
    await clock.runAll();
    await inFlight;
    expect(registry.getStatistics()).toEqual({ ...ZERO_TOTALS, evictedOperations: 0 });
    expect(events).toEqual([]); // a forgotten call's end is not announced either
  });
});

describe('RetryRegistry.subscribe', () => {
  it('announces every attempt and every call end, until unsubscribed', async () => {
    const registry = new RetryRegistry();
    const events: RegistryEvent[] = [];
    const off = registry.subscribe((e) => events.push(e));
    await retry(succeedAt(2), { registry, operationName: 's', initialDelay: 0 });
    expect(events).toEqual([
      { type: 'attempt', attempt: expect.objectContaining({ operationName: 's', attemptNumber: 1, success: false, error: { name: 'TransientError', message: 'attempt 1 failed' } }) },
      { type: 'attempt', attempt: expect.objectContaining({ operationName: 's', attemptNumber: 2, success: true }) },
      { type: 'call', operationName: 's', success: true, attempts: 2, totalDelayMs: 0, elapsedMs: expect.any(Number) },
    ]);
    events.length = 0;
    await retry(permanent, { registry, operationName: 's' }).catch(() => undefined);
    expect(events.at(-1)).toEqual({ type: 'call', operationName: 's', success: false, attempts: 1, totalDelayMs: 0, elapsedMs: expect.any(Number), reason: 'non-retryable' });
    off();
    off(); // twice is harmless
    events.length = 0;
    await retry(() => 1, { registry, operationName: 's' });
    expect(events).toEqual([]);
    expect(registry.getStatistics().calls).toBe(3);
  });

  it('a listener that throws breaks neither the call, the registry, nor the other listeners; the error becomes a warning', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const registry = new RetryRegistry();
      const seen: string[] = [];
      registry.subscribe(() => {
        throw new Error('listener exploded');
      });
      registry.subscribe((e) => seen.push(e.type));
      await expect(retry(succeedAt(2), { registry, operationName: 'l', initialDelay: 0 })).resolves.toBe('ok');
      expect(seen).toEqual(['attempt', 'attempt', 'call']);
      expect(registry.getStatistics()).toMatchObject({ calls: 1, successes: 1, attempts: 2, inFlight: 0 });
      expect(warn).toHaveBeenCalledTimes(1); // once per hook and operation; the rest are counted
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('listener exploded'), expect.objectContaining({ type: 'MaestroRetryWarning' }));
    } finally {
      warn.mockRestore();
    }
  });

  it('sends a listener error to the registry onHookError option when given', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const reported: Array<[unknown, string]> = [];
      const registry = new RetryRegistry({ onHookError: (error, hook) => reported.push([error, hook]) });
      const boom = new Error('boom');
      registry.subscribe(() => {
        throw boom;
      });
      await retry(() => 1, { registry, operationName: 'x' });
      expect(reported).toEqual([[boom, 'subscribe'], [boom, 'subscribe']]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('needs a function', () => {
    expect(() => new RetryRegistry().subscribe(42 as unknown as () => void)).toThrow(TypeError);
  });
});

describe('Hooks that throw', () => {
  it('onRetry, onSuccess and onGiveUp errors go to onHookError and the calls and counts are unaffected', async () => {
    const registry = new RetryRegistry();
    const reported: string[] = [];
    const opts = {
      registry, initialDelay: 0, maxRetries: 1,
      onRetry: () => { throw new Error('r'); },
      onSuccess: () => { throw new Error('s'); },
      onGiveUp: () => { throw new Error('g'); },
      onHookError: (error: unknown, hook: string) => reported.push(`${hook}:${(error as Error).message}`),
    };
    await expect(retry(succeedAt(2), { ...opts, operationName: 'ok' })).resolves.toBe('ok');
    await expect(retry(alwaysTransient, { ...opts, operationName: 'ko' })).rejects.toThrow('still down');
    expect(reported).toEqual(['onRetry:r', 'onSuccess:s', 'onRetry:r', 'onGiveUp:g']);
    expect(registry.getStatistics()).toMatchObject({ calls: 2, successes: 1, failures: 1, attempts: 4, retries: 2, inFlight: 0 });
  });

  it('an async onRetry that rejects is reported as a process warning and the call goes on', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const registry = new RetryRegistry();
      const call = retry(succeedAt(3), { registry, operationName: 'a', initialDelay: 0, onRetry: async () => { throw new Error('async hook failed'); } });
      await expect(call).resolves.toBe('ok');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('async hook failed'), expect.objectContaining({ code: 'MAESTRO_RETRY_HOOK_ERROR' }));
      expect(registry.getStatistics()).toMatchObject({ calls: 1, attempts: 3, successes: 1 });
    } finally {
      warn.mockRestore();
    }
  });

  it('an onSuccess that throws on the first-attempt path does not turn a success into a failure', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const registry = new RetryRegistry();
      await expect(retry(() => 7, { registry, operationName: 'f', onSuccess: () => { throw new Error('nope'); } })).resolves.toBe(7);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(registry.getStatistics()).toMatchObject({ successes: 1, failures: 0 });
    } finally {
      warn.mockRestore();
    }
  });
});
