/**
 * Tests written against the mutants Stryker left undetected in the call paths of the core-loop
 * area (src/core/{loop,lean-loop,lean-call,call-end,wrapper,decide}.ts, see
 * reports/mutation/areas/core-loop.verdicts.txt), through the public API:
 *
 * - the clock is read only when something records time, and a clock failing at the start or as
 *   a first attempt succeeds ends the call with its own error, counted as 'non-retryable';
 * - a hook that was not given is not called (nothing reaches onHookError);
 * - onRetry on the full path: its event, its name for onHookError, its promise awaited;
 * - the full path's delays: none through a timer when 0, summed for the registry;
 * - a caller's abort that lands while the call decides, in onRetry or as the rate limiter's
 *   wait ends: no onRetry, no budget, no send slot, and the call rejects with signal.reason;
 * - the onGiveUp event of a call aborted after its last attempt fulfilled;
 * - the lean loop settles when a retryIf decision fails or reporting onRetry's rejection fails,
 *   and runs the attempt from the delay's own timer with the built-in clock;
 * - retry()'s lean first attempt returning a promise whose `constructor` getter throws;
 * - withRetry without a registry calls the function straight from the wrapper.
 */
import { retry } from '../../src/api/retry.js';
import { Retryable } from '../../src/api/retryable.js';
import { withRetry } from '../../src/api/with-retry.js';
import type { RetryOptions } from '../../src/engine/options.js';
import type { RateLimiterLike, RetryBudgetLike } from '../../src/engine/seams.js';
import type { GiveUpEvent, RetryEvent } from '../../src/engine/types.js';
import { RetryTimeoutError } from '../../src/errors/retry-timeout-error.js';
import { RetryRegistry } from '../../src/registry/retry-registry.js';
import { flushMicrotasks, ManualClock } from '../../src/testing/manual-clock.js';
import { drive, networkError } from '../helpers/drive.js';

/** A ManualClock that counts its `now()` reads and throws `error` on read number `failAt` (1-based; 0: never). */
class CountingClock extends ManualClock {
  reads = 0;
  readonly sleeps: number[] = [];
  constructor(private readonly failAt = 0, private readonly error: unknown = undefined, start = 0) {
    super(start);
  }

  override now(): number {
    if (++this.reads === this.failAt) throw this.error;
    return super.now();
  }

  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return super.sleep(ms, signal);
  }
}

/** The statistics of operation `op` alone. */
function statsOf(registry: RetryRegistry, op: string) {
  const stats = registry.getStatistics(op).operations[op];
  if (stats === undefined) throw new Error(`no statistics for ${op}`);
  return stats;
}

/** A rate limiter that answers `waits` in turn (then 0: a slot taken) and counts what it is asked. */
function fakeLimiter(waits: number[] = []): RateLimiterLike & { acquired: number } {
  const limiter = {
    acquired: 0,
    acquire: () => { limiter.acquired++; return waits.shift() ?? 0; },
    onResult: () => undefined,
  };
  return limiter;
}

const boom = new Error('the clock broke');

describe('the clock is read only when something records time', () => {
  it('a first-time success with no registry, hook, retryIf, retryOnResult, wrapError or deadline never reads the clock', async () => {
    const clock = new CountingClock();
    await expect(retry(async () => 'lean', { clock, registry: false })).resolves.toBe('lean');
    await expect(withRetry(async (x: string) => x, { clock, registry: false })('wrapped')).resolves.toBe('wrapped');
    await expect(retry(async () => 'full', { clock, registry: false, signal: new AbortController().signal })).resolves.toBe('full');
    expect(clock.reads).toBe(0);
  });

  it('retryOnResult reads the start time (a RetryExhaustedError would report elapsedMs), and nothing more on a success', async () => {
    const clock = new CountingClock();
    await expect(retry(async () => 'judged', { clock, registry: false, retryOnResult: () => false })).resolves.toBe('judged');
    await expect(withRetry(async (x: string) => x, { clock, registry: false, retryOnResult: () => false })('wrapped')).resolves.toBe('wrapped');
    expect(clock.reads).toBe(2);
  });
});

describe('a clock that fails at the start or as a first attempt succeeds', () => {
  it('failing at the start time: the call rejects with its error, even with no registry to tell', async () => {
    const onGiveUp = jest.fn();
    await expect(retry(async () => 1, { clock: new CountingClock(1, boom), registry: false, onGiveUp })).rejects.toBe(boom);
    await expect(retry(async () => 1, { clock: new CountingClock(1, boom), registry: false, onGiveUp, signal: new AbortController().signal }))
      .rejects.toBe(boom);
  });

  it('failing at the start time on the full path: no attempt, counted once as a non-retryable failure', async () => {
    const registry = new RetryRegistry();
    let calls = 0;
    const call = retry(async () => { calls++; return 1; }, {
      clock: new CountingClock(1, boom), registry, operationName: 'start', signal: new AbortController().signal,
    });
    await expect(call).rejects.toBe(boom);
    expect(calls).toBe(0);
    expect(statsOf(registry, 'start')).toMatchObject({ calls: 1, inFlight: 0, failures: 1, giveUpReasons: { 'non-retryable': 1 } });
    expect(statsOf(registry, 'start').giveUpReasons).toEqual({ 'non-retryable': 1 });
  });

  it('failing as a lean first attempt succeeds: rejects with its error, counted as non-retryable', async () => {
    const onSuccess = jest.fn();
    // Read 1: the start time (onSuccess makes the call timed); read 2: the success's.
    await expect(retry(async () => 1, { clock: new CountingClock(2, boom), registry: false, onSuccess })).rejects.toBe(boom);
    expect(onSuccess).not.toHaveBeenCalled();
    const registry = new RetryRegistry();
    await expect(retry(async () => 1, { clock: new CountingClock(2, boom), registry, operationName: 'first' })).rejects.toBe(boom);
    expect(statsOf(registry, 'first')).toMatchObject({ calls: 1, inFlight: 0, successes: 0, failures: 1 });
    expect(statsOf(registry, 'first').giveUpReasons).toEqual({ 'non-retryable': 1 });
  });
});

describe('a hook that was not given is not called', () => {
  it('onHookError hears nothing from calls that succeed, retry or give up without hooks', async () => {
    const onHookError = jest.fn();
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    // Lean first-time success, recorded (so the success is timed).
    await expect(retry(async () => 1, { clock, registry, operationName: 'h', onHookError })).resolves.toBe(1);
    // A call that gives up (a non-transient error).
    const plain = new Error('not transient');
    await expect(retry(async () => { throw plain; }, { clock, registry, operationName: 'h', onHookError })).rejects.toBe(plain);
    // A call on the full path that retries once, then succeeds.
    let n = 0;
    const out = await drive(clock, retry(async () => { if (++n === 1) throw networkError(); return 'ok'; }, {
      clock, registry, operationName: 'h', onHookError, initialDelay: 10, signal: new AbortController().signal,
    }));
    expect(out).toMatchObject({ ok: true, value: 'ok' });
    expect(onHookError).not.toHaveBeenCalled();
  });
});

describe('full path: onRetry', () => {
  it('gets the event of the failed attempt, and its promise is awaited before the delay', async () => {
    const clock = new ManualClock(1000);
    const first = networkError('first');
    const starts: number[] = [];
    const events: RetryEvent<string>[] = [];
    const call = retry(async () => {
      starts.push(clock.now());
      await clock.sleep(5);
      if (starts.length === 1) throw first;
      return 'ok';
    }, {
      clock, registry: false, operationName: 'op', maxRetries: 2, initialDelay: 10, jitter: 'none', signal: new AbortController().signal,
      onRetry: async (e) => { events.push(e); await clock.sleep(50); },
    });
    const out = await drive(clock, call);
    expect(out).toEqual({ ok: true, value: 'ok', at: 1070 });
    // Attempt 1 ends at 1005; onRetry takes 50 ms, then the 10 ms delay.
    expect(starts).toEqual([1000, 1065]);
    expect(events).toStrictEqual([{ operationName: 'op', attempt: 1, error: first, delay: 10, retriesLeft: 2, elapsedMs: 5 }]);
  });

  it('a throwing onRetry is reported under its name, and the call goes on', async () => {
    const clock = new ManualClock();
    const hookError = new Error('onRetry broke');
    const onHookError = jest.fn();
    let n = 0;
    const out = await drive(clock, retry(async () => { if (++n === 1) throw networkError(); return 'ok'; }, {
      clock, registry: false, initialDelay: 10, signal: new AbortController().signal, onHookError,
      onRetry: () => { throw hookError; },
    }));
    expect(out).toEqual({ ok: true, value: 'ok', at: 10 });
    expect(onHookError.mock.calls).toEqual([[hookError, 'onRetry']]);
  });
});

describe('full path: delays', () => {
  it('a delay of 0 does not go through the clock: the call settles without time moving', async () => {
    const clock = new CountingClock();
    let n = 0;
    let settled: unknown;
    void retry(async () => { if (++n < 3) throw networkError(); return n; }, {
      clock, registry: false, initialDelay: 0, signal: new AbortController().signal,
    }).then((v) => { settled = v; });
    await flushMicrotasks();
    expect(settled).toBe(3);
    expect(clock.sleeps).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('the delays waited add up in the registry\'s totalDelayMs', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    let n = 0;
    const out = await drive(clock, retry(async () => { if (++n < 3) throw networkError(); return 'ok'; }, {
      clock, registry, operationName: 'delays', initialDelay: 10, backoffBase: 2, jitter: 'none', signal: new AbortController().signal,
    }));
    expect(out).toEqual({ ok: true, value: 'ok', at: 30 });
    expect(statsOf(registry, 'delays')).toMatchObject({ calls: 1, successes: 1, attempts: 3, totalDelayMs: 30 });
  });
});

describe('full path: the caller aborts while the call decides or waits', () => {
  it('an abort while the next delay is computed: no onRetry, rejects with signal.reason', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const reason = new Error('caller left');
    const onRetry = jest.fn();
    let n = 0;
    // `random` is user code that runs while the delay is computed (full jitter).
    const out = await drive(clock, retry(async () => { n++; throw networkError(); }, {
      clock, registry: false, signal: controller.signal, jitter: 'full', initialDelay: 100, onRetry,
      random: () => { controller.abort(reason); return 0.5; },
    }));
    expect(out).toEqual({ ok: false, error: reason, at: 0 });
    expect(onRetry).not.toHaveBeenCalled();
    expect(n).toBe(1);
  });

  it('an abort while retryIf decides rejects with signal.reason, even when the next delay would pass the deadline', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const reason = new Error('caller left');
    const giveUps: GiveUpEvent<never>[] = [];
    const out = await drive(clock, retry<never>(async () => { throw networkError(); }, {
      clock, registry: false, signal: controller.signal, timeout: 1000, initialDelay: 2000,
      retryIf: async () => { controller.abort(reason); return true; },
      onGiveUp: (e) => { giveUps.push(e); },
    }));
    expect(out).toEqual({ ok: false, error: reason, at: 0 });
    expect(out.ok ? undefined : out.error).not.toBeInstanceOf(RetryTimeoutError);
    expect(giveUps.map((e) => e.reason)).toEqual(['aborted']);
  });

  it('an abort while retryIf decides asks the budget for no retry', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const reason = new Error('caller left');
    const asked: boolean[] = [];
    const budget: RetryBudgetLike = { onCall: () => undefined, tryRetry: (t) => { asked.push(t); return true; }, onSuccess: () => undefined };
    const out = await drive(clock, retry(async () => { throw networkError(); }, {
      clock, registry: false, signal: controller.signal, budget, initialDelay: 10,
      retryIf: async () => { controller.abort(reason); return true; },
    }));
    expect(out).toEqual({ ok: false, error: reason, at: 0 });
    expect(asked).toEqual([]);
  });

  it('an abort in onRetry before a zero delay starts no attempt and takes no send slot', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const reason = new Error('caller left');
    const rateLimiter = fakeLimiter();
    let n = 0;
    const out = await drive(clock, retry(async () => { n++; throw networkError(); }, {
      clock, registry: false, signal: controller.signal, rateLimiter, initialDelay: 0,
      onRetry: () => { controller.abort(reason); },
    }));
    expect(out).toEqual({ ok: false, error: reason, at: 0 });
    expect(n).toBe(1);
    expect(rateLimiter.acquired).toBe(1);
  });

  it('an abort landing as the rate limiter\'s wait ends takes no send slot', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const reason = new Error('caller left');
    // Due at the same time as the limiter's wait, and armed first: the abort runs right after
    // that wait has resolved, before the attempt goes on.
    void clock.sleep(10).then(() => controller.abort(reason));
    const rateLimiter = fakeLimiter([10]);
    let n = 0;
    const out = await drive(clock, retry(async () => { n++; return 'ok'; }, { clock, registry: false, signal: controller.signal, rateLimiter }));
    expect(out).toEqual({ ok: false, error: reason, at: 10 });
    expect(n).toBe(0);
    expect(rateLimiter.acquired).toBe(1);
  });

  it('an abort while a result is judged: onGiveUp gets that result, and no error', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const reason = new Error('caller left');
    const giveUps: GiveUpEvent<string>[] = [];
    const out = await drive(clock, retry(async () => 'v', {
      clock, registry: false, operationName: 'judged', signal: controller.signal,
      retryOnResult: () => { controller.abort(reason); return false; },
      onGiveUp: (e) => { giveUps.push(e); },
    }));
    expect(out).toEqual({ ok: false, error: reason, at: 0 });
    expect(giveUps).toStrictEqual([{ operationName: 'judged', attempt: 1, result: 'v', delay: 0, retriesLeft: 3, elapsedMs: 0, reason: 'aborted' }]);
  });
});

describe('lean loop: a failure on the way to the next attempt still settles the call', () => {
  it('the clock failing while the delay after retryIf is computed: rejects with its error, counted once', async () => {
    const manual = new ManualClock();
    let broken = false;
    const clock = { now: () => { if (broken) throw boom; return manual.now(); }, sleep: (ms: number, s?: AbortSignal) => manual.sleep(ms, s) };
    const registry = new RetryRegistry();
    // The decision reads the clock only for an overall timeout or a Retry-After date: a date it is.
    const dated = Object.assign(networkError(), { headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' } });
    const out = await drive(manual, retry(async () => { throw dated; }, {
      clock, registry, operationName: 'decide', initialDelay: 10,
      retryIf: () => { broken = true; return true; },
    }));
    expect(out).toEqual({ ok: false, error: boom, at: 0 });
    expect(statsOf(registry, 'decide')).toMatchObject({ calls: 1, inFlight: 0, failures: 1 });
  });

  it('reporting onRetry\'s rejection failing: the call rejects with that failure, on both paths', async () => {
    const broke = new Error('the warning channel broke');
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => { throw broke; });
    try {
      for (const signal of [undefined, new AbortController().signal]) {
        const clock = new ManualClock();
        let n = 0;
        const out = await drive(clock, retry(async () => { n++; throw networkError(); }, {
          clock, registry: false, initialDelay: 10, signal, onRetry: () => Promise.reject(new Error('onRetry rejected')),
        }));
        expect(out).toEqual({ ok: false, error: broke, at: 0 });
        expect(n).toBe(1);
      }
    } finally {
      spy.mockRestore();
    }
  });
});

describe('lean loop: the built-in clock runs the next attempt from the delay\'s own timer', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  test.each([
    ['100 ms', 100],
    ['2^31-1 ms, the longest single timer', 2 ** 31 - 1],
  ])('a delay of %s: advancing fake timers past it runs the attempt synchronously', async (_label, delay) => {
    jest.useFakeTimers();
    const start = Date.now();
    const times: number[] = [];
    const call = withRetry(async () => {
      times.push(Date.now() - start);
      if (times.length === 1) throw networkError();
      return 'ok';
    }, { registry: false, initialDelay: delay, maxDelay: delay, jitter: 'none' })();
    await flushMicrotasks();
    expect(times).toEqual([0]);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(delay);
    // No promise job has run since the timer fired: the attempt was called from it.
    expect(times).toEqual([0, delay]);
    await expect(call).resolves.toBe('ok');
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('retry(): a first attempt whose promise has a throwing constructor getter', () => {
  it('fails that attempt with the getter\'s error, which is retried', async () => {
    const clock = new ManualClock();
    const thrown = networkError('constructor getter');
    const events: RetryEvent<string>[] = [];
    let calls = 0;
    const out = await drive(clock, retry(() => {
      if (++calls > 1) return Promise.resolve('second');
      const promise = Promise.resolve('never seen');
      Object.defineProperty(promise, 'constructor', { get() { throw thrown; } });
      return promise;
    }, { clock, registry: false, initialDelay: 10, onRetry: (e) => { events.push(e); } }));
    expect(out).toEqual({ ok: true, value: 'second', at: 10 });
    expect(calls).toBe(2);
    expect(events).toHaveLength(1);
    expect(events[0]!.error).toBe(thrown);
    expect(events[0]).not.toHaveProperty('result');
  });
});

describe('withRetry with no registry: the function is called straight from the wrapper', () => {
  test.each([0, 1, 2, 3])('with %i arguments', async (n) => {
    let caller = '';
    let seen: number[] = [];
    const fn = withRetry(function target(...args: number[]) {
      caller = new Error().stack!.split('\n')[2] ?? '';
      seen = args;
      return Promise.resolve(args.length);
    }, { registry: false });
    const args = [1, 2, 3].slice(0, n);
    await expect(fn(...args)).resolves.toBe(n);
    expect(seen).toEqual(args);
    expect(caller).not.toMatch(/leanCall|runCall/);
    expect(caller).toMatch(/wrapper\.ts/);
  });
});

describe('the wrapper before the decorator knows its operation (a TC39 static method\'s first call)', () => {
  /** `Orders.purge` decorated as TypeScript's TC39 emit does for a static method: it settles on its first call. */
  function decoratedStatic(options: RetryOptions<string>, body: () => Promise<string>): { purge: () => Promise<string> } {
    class Orders {
      static purge(): Promise<string> {
        return body();
      }
    }
    const context = {
      kind: 'method', name: 'purge', static: true, private: false, metadata: {},
      addInitializer: () => undefined,
      access: { has: (o: object) => 'purge' in o, get: (o: { purge: unknown }) => o.purge },
    };
    const decorate = Retryable(options) as unknown as (value: unknown, ctx: unknown) => unknown;
    Object.defineProperty(Orders, 'purge', { value: decorate(Orders.purge, context), writable: true, configurable: true });
    return Orders;
  }

  test('the lean wrapper: a first call that fails and retries names its operation', async () => {
    const clock = new ManualClock();
    const events: RetryEvent<string>[] = [];
    let n = 0;
    const Orders = decoratedStatic({ clock, registry: false, initialDelay: 10, onRetry: (e) => { events.push(e); } }, async () => {
      if (++n === 1) throw networkError();
      return 'purged';
    });
    expect(await drive(clock, Orders.purge())).toEqual({ ok: true, value: 'purged', at: 10 });
    expect(events.map((e) => e.operationName)).toEqual(['Orders.purge']);
  });

  test('the full path (a signal): a first call names its operation', async () => {
    const clock = new ManualClock();
    const names: string[] = [];
    const Orders = decoratedStatic({ clock, registry: false, signal: new AbortController().signal, onSuccess: (e) => { names.push(e.operationName); } },
      async () => 'purged');
    expect(await drive(clock, Orders.purge())).toEqual({ ok: true, value: 'purged', at: 0 });
    expect(names).toEqual(['Orders.purge']);
  });
});
