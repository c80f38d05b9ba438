import { ManualClock, Retryable, RetryManager, RetryRegistry, currentAttempt, retry, withRetry, type RetryOptions } from 'maestro-retry';
import { drive } from '../helpers/drive';

/**
 * A lookup whose first attempt takes 500 ms and the others 20 ms, reading its attempt from
 * `currentAttempt()` (a wrapped function has no context parameter); logs each attempt's signal.
 */
function lookup(clock: ManualClock) {
  const signals: AbortSignal[] = [];
  const fn = async (key: string): Promise<string> => {
    const ctx = currentAttempt()!;
    signals.push(ctx.signal);
    await clock.sleep(ctx.attempt === 1 ? 500 : 20, ctx.signal);
    return `${key} from attempt ${ctx.attempt}`;
  };
  return { fn, signals };
}

function options<T = string>(clock: ManualClock, registry: RetryRegistry): RetryOptions<T> {
  return { clock, registry, operationName: 'lookup', hedging: { delay: 50 } };
}

describe('hedging on every entry point', () => {
  it('withRetry: the wrapped function reads its attempt from currentAttempt(); the loser is aborted', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const { fn, signals } = lookup(clock);
    const out = await drive(clock, withRetry(fn, options(clock, registry))('k'));
    expect(out).toEqual({ ok: true, value: 'k from attempt 2', at: 70 });
    expect(signals.map((s) => s.aborted)).toEqual([true, false]);
    expect(registry.getStatistics('lookup').hedgesWon).toBe(1);
  });

  it('@Retryable: the same, with `this` kept', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const { fn, signals } = lookup(clock);
    class Catalog {
      prefix = 'sku-';
      @Retryable(options(clock, registry))
      async find(key: string): Promise<string> {
        return fn(this.prefix + key);
      }
    }
    const out = await drive(clock, new Catalog().find('9'));
    expect(out).toEqual({ ok: true, value: 'sku-9 from attempt 2', at: 70 });
    expect(signals.map((s) => s.aborted)).toEqual([true, false]);
  });

  it('RetryManager.executeWithRetry: the same', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const { fn, signals } = lookup(clock);
    const manager = new RetryManager(options<unknown>(clock, registry));
    const out = await drive(clock, manager.executeWithRetry(fn, { operationName: 'lookup' }, 'k'));
    expect(out).toEqual({ ok: true, value: 'k from attempt 2', at: 70 });
    expect(signals.map((s) => s.aborted)).toEqual([true, false]);
  });

  it('retry: the context is the function\'s argument; currentAttempt() is undefined outside a hedged wrapper', async () => {
    const clock = new ManualClock();
    const seen: unknown[] = [];
    await drive(clock, retry(async (ctx) => {
      seen.push(currentAttempt(), ctx.attempt);
      return 'x';
    }, { clock, registry: false, hedging: { delay: 50 } }));
    await drive(clock, withRetry(async () => {
      seen.push(currentAttempt());
      return 'y';
    }, { clock, registry: false })());
    expect(seen).toEqual([undefined, 1, undefined]);
    expect(currentAttempt()).toBeUndefined();
  });
});

describe('hedging option validation', () => {
  const bad: Array<[unknown, RegExp]> = [
    ['p95', /`hedging` must be an object/],
    [{}, /`hedging\.delay` must be a number of ms, a function, or a percentile such as 'p95', got undefined/],
    [{ delay: -1 }, /`hedging\.delay` must be a number >= 0, got -1/],
    [{ delay: 'p0' }, /`hedging\.delay`.*got "p0"/],
    [{ delay: 'p101' }, /`hedging\.delay`.*got "p101"/],
    [{ delay: '95%' }, /`hedging\.delay`.*got "95%"/],
    [{ delay: 10, maxHedges: 0 }, /`hedging\.maxHedges` must be an integer >= 1, got 0/],
    [{ delay: 10, maxHedges: 1.5 }, /`hedging\.maxHedges` must be an integer >= 1, got 1\.5/],
    [{ delay: 'p90', minSamples: 0 }, /`hedging\.minSamples` must be an integer >= 1, got 0/],
    [{ delay: 'p90', latencies: new Map() }, /`hedging\.latencies` must be a LatencyStore/],
  ];
  it.each(bad)('rejects %p with an error naming the option and the value', async (hedging, message) => {
    await expect(retry(async () => 'x', { hedging: hedging as never })).rejects.toThrow(message);
    expect(() => withRetry(async () => 'x', { hedging: hedging as never })).toThrow(message);
  });

  it('rejects a delay function that returns a bad delay, failing the call with a RangeError', async () => {
    const clock = new ManualClock();
    const call = retry(async () => {
      await clock.sleep(100);
      return 'x';
    }, { clock, registry: false, hedging: { delay: () => Number.NaN } });
    const out = await drive(clock, call);
    expect(out.ok).toBe(false);
    expect(String((out as { error: unknown }).error)).toMatch(/`hedging\.delay` must be a function returning a number >= 0, got NaN/);
  });
});
