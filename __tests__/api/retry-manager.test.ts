import { ErrorHandler } from '../../src/api/error-handler';
import { RetryManager } from '../../src/api/retry-manager';
import { retry } from '../../src/api/retry';
import { getRetryHistory, getRetryStatistics } from '../../src/api/statistics';
import { withRetry } from '../../src/api/with-retry';
import { PermanentError } from '../../src/errors/permanent-error';
import { TransientError } from '../../src/errors/transient-error';
import { defaultRegistry } from '../../src/registry/default-registry';
import { RetryRegistry } from '../../src/registry/retry-registry';
import { ManualClock, flushMicrotasks } from '../../src/testing/manual-clock';

class DatabaseError extends Error {
  override name = 'DatabaseError';
}
class FatalDbError extends DatabaseError {
  override name = 'FatalDbError';
}

/** Fails with `error` on the first `failures` calls, then returns `value`. */
function flaky<T>(failures: number, value: T, error: () => unknown = () => new TransientError('flaky')): () => T {
  let n = 0;
  return () => {
    if (n++ < failures) throw error();
    return value;
  };
}

describe('RetryManager.calculateDelay', () => {
  it('follows the seed schedule with the defaults: 1000, 2000, 4000', () => {
    const manager = new RetryManager();
    expect([1, 2, 3, 4].map((k) => manager.calculateDelay(k))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('uses the configured initialDelay and backoffBase and caps at maxDelay', () => {
    const manager = new RetryManager({ initialDelay: 500, backoffBase: 3, maxDelay: 10_000 });
    expect([1, 2, 3, 4, 5, 40].map((k) => manager.calculateDelay(k))).toEqual([500, 1500, 4500, 10_000, 10_000, 10_000]);
    expect(new RetryManager().calculateDelay(30)).toBe(30_000);
  });

  it('applies jitter with the configured random', () => {
    const manager = new RetryManager({ jitter: 'full', random: () => 0.25 });
    expect(manager.calculateDelay(3)).toBe(1000);
    expect(new RetryManager({ jitter: 'equal', random: () => 0.5 }).calculateDelay(1)).toBe(750);
  });

  it('rejects a retry number that is not a positive integer', () => {
    const manager = new RetryManager();
    expect(() => manager.calculateDelay(0)).toThrow(RangeError);
    expect(() => manager.calculateDelay(1.5)).toThrow(RangeError);
    expect(() => manager.calculateDelay('1' as unknown as number)).toThrow(TypeError);
  });
});

describe('RetryManager.isTransientError', () => {
  it('recognises transient errors and refuses permanent ones by default', () => {
    const manager = new RetryManager();
    expect(manager.isTransientError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    expect(manager.isTransientError(new Error('connection timed out'))).toBe(true);
    expect(manager.isTransientError(Object.assign(new Error('busy'), { status: 503 }))).toBe(true);
    expect(manager.isTransientError(new Error('bad input'))).toBe(false);
    expect(manager.isTransientError(new PermanentError('request timed out'))).toBe(false);
    expect(manager.isTransientError('timeout')).toBe(false);
  });

  it('adds retryOn classes and lets abortOn win over everything', () => {
    const manager = new RetryManager({ retryOn: [DatabaseError], abortOn: [FatalDbError] });
    expect(manager.isTransientError(new DatabaseError('locked'))).toBe(true);
    expect(manager.isTransientError(new FatalDbError('corrupt'))).toBe(false);
    expect(new RetryManager({ abortOn: [TransientError] }).isTransientError(new TransientError('x'))).toBe(false);
  });

  it('lets a synchronous retryIf alone decide, after abortOn', () => {
    const seen: unknown[] = [];
    const manager = new RetryManager({
      operationName: 'q', abortOn: [FatalDbError],
      retryIf: (error, info) => {
        seen.push(info);
        return (error as Error).message === 'yes';
      },
    });
    expect(manager.isTransientError(new Error('yes'))).toBe(true);
    expect(manager.isTransientError(new TransientError('no'))).toBe(false);
    expect(manager.isTransientError(new FatalDbError('yes'))).toBe(false);
    expect(seen).toEqual([
      { operationName: 'q', attempt: 1, retriesLeft: 3, elapsedMs: 0 },
      { operationName: 'q', attempt: 1, retriesLeft: 3, elapsedMs: 0 },
    ]);
  });

  it('refuses to guess with an asynchronous retryIf', () => {
    const manager = new RetryManager({ retryIf: async () => true });
    expect(() => manager.isTransientError(new Error('x'))).toThrow(/retryIf.*promise/);
  });
});

describe('RetryManager.executeWithRetry', () => {
  it('passes the arguments, names the operation from the context and records every attempt', async () => {
    const registry = new RetryRegistry();
    const manager = new RetryManager({ registry, initialDelay: 0 });
    const received: unknown[][] = [];
    const add = (a: number, b: number): number => {
      received.push([a, b]);
      if (received.length < 3) throw new TransientError('not yet');
      return a + b;
    };
    await expect(manager.executeWithRetry(add, { operationName: 'math.add' }, 2, 3)).resolves.toBe(5);
    expect(received).toEqual([[2, 3], [2, 3], [2, 3]]);
    expect(manager.getRetryStatistics('math.add').operations['math.add']).toMatchObject({ calls: 1, attempts: 3, retries: 2, successesAfterRetry: 1 });
    expect(manager.getRetryHistory('math.add')['math.add']!.map((a) => [a.attemptNumber, a.success])).toEqual([[1, false], [2, false], [3, true]]);
  });

  it('names the operation after the manager config, else the function, else anonymous', async () => {
    const registry = new RetryRegistry();
    async function fetchUser(): Promise<string> {
      return 'u';
    }
    await new RetryManager({ registry }).executeWithRetry(fetchUser);
    await new RetryManager({ registry, operationName: 'configured' }).executeWithRetry(fetchUser);
    await new RetryManager({ registry }).executeWithRetry(fetchUser, {});
    await new RetryManager({ registry }).executeWithRetry((() => async () => 1)());
    expect(Object.keys(registry.getStatistics().operations).sort()).toEqual(['anonymous', 'configured', 'fetchUser']);
    expect(registry.getStatistics().operations.fetchUser!.calls).toBe(2);
  });

  it('lets the context override options for one call only', async () => {
    const registry = new RetryRegistry();
    const manager = new RetryManager({ registry, maxRetries: 0, initialDelay: 0 });
    await expect(manager.executeWithRetry(flaky(2, 'ok'), { operationName: 'a', maxRetries: 2 })).resolves.toBe('ok');
    await expect(manager.executeWithRetry(flaky(2, 'ok'), { operationName: 'b' })).rejects.toThrow('flaky');
    await expect(manager.executeWithRetry(flaky(1, 'ok', () => new DatabaseError('locked')), { operationName: 'c', maxRetries: 1, retryOn: [DatabaseError] }))
      .resolves.toBe('ok');
    const ops = registry.getStatistics().operations;
    expect(ops.a).toMatchObject({ attempts: 3, successes: 1 });
    expect(ops.b).toMatchObject({ attempts: 1, failures: 1, giveUpReasons: { exhausted: 1 } });
    expect(ops.c).toMatchObject({ attempts: 2, successes: 1 });
    expect(manager.config.maxRetries).toBe(0);
  });

  it('waits the backoff schedule between attempts on the configured clock', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const manager = new RetryManager({ registry, clock });
    const call = manager.executeWithRetry(flaky(3, 'ok'), { operationName: 'slow' });
    await flushMicrotasks();
    expect(registry.getStatistics().inFlight).toBe(1);
    await clock.advance(999);
    expect(registry.getStatistics().attempts).toBe(1);
    await clock.advance(1);
    expect(registry.getStatistics().attempts).toBe(2);
    await clock.runAll();
    await expect(call).resolves.toBe('ok');
    expect(clock.now()).toBe(7000);
    expect(registry.getHistory('slow').slow!.map((a) => a.delay)).toEqual([0, 1000, 2000, 4000]);
    expect(registry.getStatistics()).toMatchObject({ totalDelayMs: 7000, inFlight: 0 });
  });

  it('rejects with the last error unchanged after maxRetries, and at once on a permanent error', async () => {
    const registry = new RetryRegistry();
    const manager = new RetryManager({ registry, maxRetries: 2, initialDelay: 0 });
    const last = new TransientError('third');
    let n = 0;
    await expect(manager.executeWithRetry(() => {
      n++;
      throw n === 3 ? last : new TransientError('early');
    }, { operationName: 'x' })).rejects.toBe(last);
    expect(n).toBe(3);
    const permanent = new PermanentError('nope');
    await expect(manager.executeWithRetry(() => { throw permanent; }, { operationName: 'y' })).rejects.toBe(permanent);
    expect(registry.getStatistics()).toMatchObject({ attempts: 4, giveUpReasons: { exhausted: 1, 'non-retryable': 1 } });
  });

  it('rejects (never throws) on a bad function or a bad context', async () => {
    const manager = new RetryManager({ registry: false });
    await expect(manager.executeWithRetry(42 as unknown as () => void)).rejects.toThrow(TypeError);
    await expect(manager.executeWithRetry(() => 1, { maxRetries: -1 })).rejects.toThrow(/maxRetries/);
    await expect(manager.executeWithRetry(() => 1, null as unknown as {})).rejects.toThrow(TypeError);
    await expect(manager.executeWithRetry(() => 1, { operationName: '' })).rejects.toThrow(/operationName/);
  });

  it('records into a registry given in the context, while the manager reads its own', async () => {
    const own = new RetryRegistry();
    const other = new RetryRegistry();
    const manager = new RetryManager({ registry: own });
    await manager.executeWithRetry(() => 1, { operationName: 'elsewhere', registry: other });
    expect(other.getStatistics().calls).toBe(1);
    expect(manager.getRetryStatistics().calls).toBe(0);
  });
});

describe('RetryManager statistics and history', () => {
  it('reads, and clears, its registry per operation or entirely', async () => {
    const registry = new RetryRegistry();
    const manager = new RetryManager({ registry, initialDelay: 0 });
    await manager.executeWithRetry(flaky(1, 1), { operationName: 'a' });
    await manager.executeWithRetry(flaky(0, 1), { operationName: 'b' });
    expect(manager.getRetryStatistics()).toMatchObject({ totalOperations: 2, calls: 2, attempts: 3, retries: 1 });
    expect(manager.getRetryStatistics('a')).toMatchObject({ totalOperations: 1, calls: 1, attempts: 2 });
    expect(Object.keys(manager.getRetryHistory())).toEqual(['a', 'b']);
    expect(manager.getRetryHistory('b')).toEqual({ b: [expect.objectContaining({ attemptNumber: 1, success: true })] });
    manager.clearHistory('a');
    expect(manager.getRetryStatistics()).toMatchObject({ totalOperations: 1, calls: 1, attempts: 1 });
    expect(manager.getRetryHistory()).toEqual({ b: expect.any(Array) });
    manager.clearHistory();
    expect(manager.getRetryStatistics()).toMatchObject({ totalOperations: 0, calls: 0, attempts: 0, operations: {} });
    expect(manager.getRetryHistory()).toEqual({});
  });

  it('records nothing with registry: false, and reads an empty registry', async () => {
    defaultRegistry.clear();
    const manager = new RetryManager({ registry: false, initialDelay: 0 });
    await manager.executeWithRetry(flaky(1, 1), { operationName: 'quiet' });
    expect(manager.getRetryStatistics()).toMatchObject({ calls: 0, totalOperations: 0, operations: {} });
    expect(manager.getRetryStatistics('quiet')).toMatchObject({ calls: 0, operations: {} });
    expect(manager.getRetryHistory('quiet')).toEqual({ quiet: [] });
    manager.clearHistory(); // harmless
    expect(defaultRegistry.getStatistics().calls).toBe(0);
  });
});

describe('RetryManager configuration', () => {
  it.each([
    [{ maxRetries: -1 }, RangeError, /maxRetries/],
    [{ maxRetries: 1.5 }, RangeError, /maxRetries/],
    [{ maxRetries: Infinity }, RangeError, /maxRetries/],
    [{ initialDelay: Number.NaN }, RangeError, /initialDelay/],
    [{ backoffBase: 0.5 }, RangeError, /backoffBase/],
    [{ initialDelay: 5000, maxDelay: 1000 }, RangeError, /maxDelay/],
    [{ jitter: 'sometimes' }, RangeError, /jitter/],
    [{ retryOn: [42] }, TypeError, /retryOn/],
    [{ abortOn: 'TypeError' }, TypeError, /abortOn/],
    [{ onRetry: 'log' }, TypeError, /onRetry/],
    [{ registry: {} }, TypeError, /registry/],
  ])('throws at construction on %p', (config, kind, message) => {
    expect(() => new RetryManager(config as never)).toThrow(kind);
    expect(() => new RetryManager(config as never)).toThrow(message);
  });

  it('throws on a config that is not an object', () => {
    expect(() => new RetryManager(7 as never)).toThrow(TypeError);
  });

  it('keeps a frozen copy of the config without undefined values, leaving the caller object alone', () => {
    const config = { maxRetries: 5, initialDelay: undefined, registry: false as const };
    const manager = new RetryManager(config);
    expect(Object.isFrozen(manager.config)).toBe(true);
    expect(manager.config).toEqual({ maxRetries: 5, registry: false });
    expect(config).toEqual({ maxRetries: 5, initialDelay: undefined, registry: false });
    expect(manager.calculateDelay(1)).toBe(1000);
  });
});

describe('Every entry point reports every attempt', () => {
  beforeEach(() => defaultRegistry.clear());

  it('retry, withRetry, RetryManager and ErrorHandler all record three attempts of a call that succeeds on the third', async () => {
    const opts = { initialDelay: 0 };
    await retry(flaky(2, 'r'), { ...opts, operationName: 'via.retry' });
    await withRetry(flaky(2, 'w'), { ...opts, operationName: 'via.withRetry' })();
    await new RetryManager(opts).executeWithRetry(flaky(2, 'm'), { operationName: 'via.manager' });
    await new ErrorHandler(opts).executeWithRetry(flaky(2, 'h'), { operationName: 'via.handler' });
    const stats = getRetryStatistics();
    expect(stats).toMatchObject({ totalOperations: 4, calls: 4, attempts: 12, retries: 8, successesAfterRetry: 4 });
    const history = getRetryHistory();
    for (const name of ['via.retry', 'via.withRetry', 'via.manager', 'via.handler']) {
      expect(stats.operations[name]).toMatchObject({ calls: 1, attempts: 3, successes: 1 });
      expect(history[name]!.map((a) => a.attemptNumber)).toEqual([1, 2, 3]);
    }
  });

  it('no entry point records anything with registry: false', async () => {
    const opts = { initialDelay: 0, registry: false as const };
    await retry(flaky(1, 'r'), { ...opts, operationName: 'q1' });
    await withRetry(flaky(1, 'w'), { ...opts, operationName: 'q2' })();
    await new RetryManager(opts).executeWithRetry(flaky(1, 'm'), { operationName: 'q3' });
    await new ErrorHandler(opts).executeWithRetry(flaky(1, 'h'), { operationName: 'q4' });
    await new RetryManager().executeWithRetry(flaky(1, 'm'), { operationName: 'q5', registry: false });
    expect(getRetryStatistics()).toMatchObject({ calls: 0, attempts: 0, totalOperations: 0 });
    expect(getRetryHistory()).toEqual({});
  });

  it('getRetryStatistics(op) and getRetryHistory(op) read the default registry for one operation', async () => {
    await retry(() => 1, { operationName: 'one' });
    await retry(() => 1, { operationName: 'two' });
    expect(getRetryStatistics('one')).toMatchObject({ totalOperations: 1, calls: 1, operations: { one: expect.objectContaining({ calls: 1 }) } });
    expect(Object.keys(getRetryStatistics('one').operations)).toEqual(['one']);
    expect(Object.keys(getRetryHistory('two'))).toEqual(['two']);
    expect(getRetryHistory('three')).toEqual({ three: [] });
  });
});

describe('RetryManager.config is a frozen copy, lists included', () => {
  class Flaky extends Error {}

  test('changing the caller\'s retryOn array afterwards changes nothing, with or without a context', async () => {
    const retryOn: Array<new (...args: never[]) => Error> = [];
    const registry = new RetryRegistry();
    const clock = new ManualClock();
    const manager = new RetryManager({ retryOn, registry, clock, maxRetries: 1, initialDelay: 0 });
    retryOn.push(Flaky);
    expect(manager.config.retryOn).toEqual([]);
    expect(Object.isFrozen(manager.config.retryOn)).toBe(true);
    expect(manager.isTransientError(new Flaky())).toBe(false);
    for (const context of [undefined, { operationName: 'with-context' }]) {
      let calls = 0;
      const failing = async (): Promise<never> => {
        calls++;
        throw new Flaky('not listed when the manager was built');
      };
      await expect(manager.executeWithRetry(failing, context)).rejects.toBeInstanceOf(Flaky);
      expect(calls).toBe(1);
    }
  });
});
