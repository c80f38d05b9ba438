/**
 * The lean loop (src/core/lean-loop.ts): the retries of a call whose options have no signal,
 * timeout, attemptTimeout, circuit breaker, budget or rate limiter. It is a callback state
 * machine rather than an `async` function, so what an `async` function gave for free must be
 * pinned down here, through the public API only:
 *
 * 1. every internal failure (a clock whose `now()` or `sleep()` fails) settles the call with
 *    that failure and leaves the registry's in-flight count, counting the call once; a `sleep`
 *    that returns a plain value or a thenable still leads to the next attempt;
 * 2. ordering: nothing of the call settles or reaches a hook before the wrapper has returned,
 *    and with zero delays each attempt still runs from a microtask of its own;
 * 3. the built-in clock: the bare `setTimeout` the loop arms (exact times under Jest's fake
 *    timers, no timer left) and delays above 2^31-1 ms (never early);
 * 4. a call waiting in its delay does not keep the last error alive;
 * 5. `retryIf` and `onRetry` returning promises are awaited, in order, and their rejections
 *    handled as API.md says;
 * 6. `retryOnResult` on this path.
 */
import { inspect } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { retry } from '../../src/api/retry.js';
import { withRetry } from '../../src/api/with-retry.js';
import type { RetryOptions } from '../../src/engine/options.js';
import type { Clock } from '../../src/engine/clock.js';
import type { RetryEvent } from '../../src/engine/types.js';
import { isRetryExhaustedError } from '../../src/errors/retry-exhausted-error.js';
import { PermanentError } from '../../src/errors/permanent-error.js';
import { RetryRegistry } from '../../src/registry/retry-registry.js';
import { flushMicrotasks, ManualClock } from '../../src/testing/manual-clock.js';
import { drive, networkError } from '../helpers/drive.js';

/** The statistics of operation `op` alone. */
function statsOf(registry: RetryRegistry, op: string) {
  const stats = registry.getStatistics(op).operations[op];
  if (stats === undefined) throw new Error(`no statistics for ${op}`);
  return stats;
}

/** Asserts the call of `op` was counted exactly once, has ended, and failed. */
function expectCountedOnceFailed(registry: RetryRegistry, op: string): void {
  expect(statsOf(registry, op)).toMatchObject({ calls: 1, inFlight: 0, successes: 0, failures: 1 });
}

/** Whether a native promise is still pending, read synchronously. */
function isPending(promise: Promise<unknown>): boolean {
  return inspect(promise).includes('<pending>');
}

/**
 * A clock over a ManualClock that can be told to fail: `now()` throws `error` on its
 * `nowFailsAt`-th read (1-based), and `sleep` does whatever `sleepImpl` says. Every read and
 * sleep is written to `trace`, which the test's function and hooks also write to, so a test can
 * find which read comes where without hard-coding the count.
 */
class FaultyClock implements Clock {
  reads = 0;
  readonly sleeps: number[] = [];
  constructor(
    readonly manual: ManualClock,
    readonly trace: string[],
    readonly nowFailsAt = 0,
    readonly error: unknown = undefined,
    readonly sleepImpl?: (ms: number) => unknown,
  ) {}

  now(): number {
    this.reads++;
    this.trace.push(`now#${this.reads}`);
    if (this.reads === this.nowFailsAt) throw this.error;
    return this.manual.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    this.trace.push(`sleep(${ms})`);
    return (this.sleepImpl === undefined ? this.manual.sleep(ms, signal) : this.sleepImpl(ms)) as Promise<void>;
  }
}

describe('the loop: an internal failure ends the call, once, never hanging', () => {
  const boom = new Error('the clock broke');

  /**
   * One lean call through withRetry with everything that reads the clock switched on (a
   * registry, onRetry, onSuccess): attempts 1 and 2 reject with a transient error, attempt 3
   * returns 'ok'; 100 ms then 200 ms of delay.
   */
  function scenario(nowFailsAt: number, sleepImpl?: (ms: number) => unknown) {
    const manual = new ManualClock();
    const trace: string[] = [];
    const clock = new FaultyClock(manual, trace, nowFailsAt, boom, sleepImpl);
    const registry = new RetryRegistry();
    let attempts = 0;
    const times: number[] = [];
    const onSuccess = jest.fn();
    const onRetry = jest.fn((e: RetryEvent<string>) => { trace.push(`onRetry(${e.attempt})`); });
    const wrapped = withRetry(async (x: string) => {
      attempts++;
      times.push(manual.now());
      trace.push(`fn#${attempts}`);
      if (attempts < 3) throw networkError(`fail ${attempts}`);
      return x;
    }, { clock, registry, operationName: 'op', initialDelay: 100, backoffBase: 2, jitter: 'none', onRetry, onSuccess });
    return { manual, clock, trace, times, registry, onRetry, onSuccess, attempts: () => attempts, call: () => wrapped('ok') };
  }

  /** The 1-based number of the clock read that comes at `index` in a clean run's trace. */
  function readNumber(trace: string[], index: number): number {
    const entry = trace[index];
    if (entry === undefined || !entry.startsWith('now#')) throw new Error(`no clock read at ${index}: ${trace.join(', ')}`);
    return Number(entry.slice(4));
  }

  /** A clean run: the trace and how many times the clock was read. */
  async function cleanRun() {
    const s = scenario(0);
    const out = await drive(s.manual, s.call());
    expect(out).toEqual({ ok: true, value: 'ok', at: 300 });
    expect(s.clock.sleeps).toEqual([100, 200]);
    return { trace: s.trace, reads: s.clock.reads };
  }

  test('a clean run: the trace the fault tests are located by', async () => {
    const { trace, reads } = await cleanRun();
    // Not the exact read count (an implementation detail), only the order of what matters.
    const order = trace.filter((t) => !t.startsWith('now#'));
    expect(order).toEqual(['fn#1', 'onRetry(1)', 'sleep(100)', 'fn#2', 'onRetry(2)', 'sleep(200)', 'fn#3']);
    expect(reads).toBeGreaterThanOrEqual(6);
  });

  test('now() throwing as attempt 2 starts: attempt 2 never runs, the call rejects with it', async () => {
    const { trace } = await cleanRun();
    // The last clock read before the user's function is called the second time.
    const n = readNumber(trace, trace.indexOf('fn#2') - 1);
    const s = scenario(n);
    const out = await drive(s.manual, s.call());
    expect(out.ok).toBe(false);
    expect(out.ok === false && out.error).toBe(boom);
    expect(out.at).toBe(100);
    expect(s.attempts()).toBe(1);
    expect(s.onRetry).toHaveBeenCalledTimes(1);
    expect(s.onSuccess).not.toHaveBeenCalled();
    expectCountedOnceFailed(s.registry, 'op');
    expect(statsOf(s.registry, 'op').attempts).toBe(1);
    expect(s.manual.pendingTimers).toBe(0);
  });

  test('now() throwing as attempt 2 ends: the call rejects with it, not with the attempt\'s error', async () => {
    const { trace } = await cleanRun();
    // The first clock read after the user's function was called the second time.
    const n = readNumber(trace, trace.indexOf('fn#2') + 1);
    const s = scenario(n);
    const out = await drive(s.manual, s.call());
    expect(out.ok === false && out.error).toBe(boom);
    expect(s.attempts()).toBe(2);
    expect(s.onRetry).toHaveBeenCalledTimes(1);
    expectCountedOnceFailed(s.registry, 'op');
  });

  test('now() throwing while the onRetry event is built: onRetry is not called, no delay is armed', async () => {
    const { trace } = await cleanRun();
    // The last clock read before onRetry is called the first time (its event's elapsedMs).
    const n = readNumber(trace, trace.indexOf('onRetry(1)') - 1);
    const s = scenario(n);
    const out = await drive(s.manual, s.call());
    expect(out).toEqual({ ok: false, error: boom, at: 0 });
    expect(s.attempts()).toBe(1);
    expect(s.onRetry).not.toHaveBeenCalled();
    expect(s.clock.sleeps).toEqual([]);
    expectCountedOnceFailed(s.registry, 'op');
  });


  test('sleep() throwing synchronously: the call rejects with it, attempt 2 never runs', async () => {
    const s = scenario(0, () => { throw boom; });
    const out = await drive(s.manual, s.call());
    expect(out).toEqual({ ok: false, error: boom, at: 0 });
    expect(s.attempts()).toBe(1);
    expect(s.clock.sleeps).toEqual([100]);
    expect(s.onRetry).toHaveBeenCalledTimes(1);
    expectCountedOnceFailed(s.registry, 'op');
    expect(statsOf(s.registry, 'op')).toMatchObject({ attempts: 1, totalDelayMs: 0 });
  });

  test('sleep() throwing synchronously after an onRetry that returned a promise: likewise', async () => {
    const manual = new ManualClock();
    const clock = new FaultyClock(manual, [], 0, boom, () => { throw boom; });
    const registry = new RetryRegistry();
    let n = 0;
    const onRetry = jest.fn(() => Promise.resolve());
    const out = await drive(manual, withRetry(async () => { n++; throw networkError(); }, { clock, registry, operationName: 'op', onRetry })());
    expect(out).toEqual({ ok: false, error: boom, at: 0 });
    expect(n).toBe(1);
    expect(onRetry).toHaveBeenCalledTimes(1);
    expectCountedOnceFailed(registry, 'op');
  });

  test('sleep() returning a rejected promise: the call rejects with its reason', async () => {
    const s = scenario(0, () => Promise.reject(boom));
    const out = await drive(s.manual, s.call());
    expect(out).toEqual({ ok: false, error: boom, at: 0 });
    expect(s.attempts()).toBe(1);
    expectCountedOnceFailed(s.registry, 'op');
    expect(statsOf(s.registry, 'op')).toMatchObject({ attempts: 1, totalDelayMs: 0 });
  });

  test('sleep() failing on the second delay, after a retry went through', async () => {
    let sleeps = 0;
    const s = scenario(0, (ms) => (++sleeps === 2 ? Promise.reject(boom) : s.manual.sleep(ms)));
    const out = await drive(s.manual, s.call());
    expect(out).toEqual({ ok: false, error: boom, at: 100 });
    expect(s.attempts()).toBe(2);
    expectCountedOnceFailed(s.registry, 'op');
    expect(statsOf(s.registry, 'op')).toMatchObject({ attempts: 2, retries: 1 });
  });

  test('sleep() returning a plain value: the next attempt still runs and the call fulfils', async () => {
    const s = scenario(0, () => undefined);
    const call = s.call();
    await flushMicrotasks();
    expect(s.attempts()).toBe(3);
    await expect(call).resolves.toBe('ok');
    expect(s.clock.sleeps).toEqual([100, 200]);
    expect(s.onSuccess).toHaveBeenCalledTimes(1);
    expect(statsOf(s.registry, 'op')).toMatchObject({ calls: 1, inFlight: 0, successes: 1, failures: 0, attempts: 3, retries: 2 });
  });

  test('sleep() returning a thenable: the next attempt waits for it, then runs', async () => {
    const s = scenario(0, (ms) => ({ then: (ok: () => void, fail: (e: unknown) => void) => { void s.manual.sleep(ms).then(ok, fail); } }));
    const call = s.call();
    await s.manual.advance(99);
    expect(s.attempts()).toBe(1);
    const out = await drive(s.manual, call);
    expect(out).toEqual({ ok: true, value: 'ok', at: 300 });
    expect(s.times).toEqual([0, 100, 300]);
    expect(statsOf(s.registry, 'op')).toMatchObject({ calls: 1, inFlight: 0, successes: 1, attempts: 3, totalDelayMs: 300 });
  });

  test('sleep() returning a thenable that rejects, or whose then throws: the call rejects with that', async () => {
    for (const thenable of [
      { then: (_ok: () => void, fail: (e: unknown) => void) => { fail(boom); } },
      { then: () => { throw boom; } },
    ]) {
      const s = scenario(0, () => thenable);
      const out = await drive(s.manual, s.call());
      expect(out).toEqual({ ok: false, error: boom, at: 0 });
      expect(s.attempts()).toBe(1);
      expectCountedOnceFailed(s.registry, 'op');
    }
  });





  // The start time is read after the call is counted as started: a clock that throws there must
  // not escape the wrapper synchronously, nor leave the call counted in flight.
  it('now() throwing at the wrapper\'s first read rejects the promise and leaves nothing in flight', async () => {
    const registry = new RetryRegistry();
    const clock = new FaultyClock(new ManualClock(), [], 1, boom);
    let promise: Promise<number> | undefined;
    expect(() => { promise = withRetry(async () => 1, { clock, registry, operationName: 'w' })(); }).not.toThrow();
    await expect(promise).rejects.toBe(boom);
    expectCountedOnceFailed(registry, 'w');
  });

  it('retry(): now() throwing at the first read leaves nothing in flight', async () => {
    const registry = new RetryRegistry();
    const clock = new FaultyClock(new ManualClock(), [], 1, boom);
    await expect(retry(async () => 1, { clock, registry, operationName: 'r1' })).rejects.toBe(boom);
    expectCountedOnceFailed(registry, 'r1');
  });

  // The clock read that times a successful first attempt: if it throws, the call fails, and
  // leaves the in-flight count.
  it('now() throwing as a first attempt succeeds leaves nothing in flight', async () => {
    const registry = new RetryRegistry();
    const clock = new FaultyClock(new ManualClock(), [], 2, boom);
    await expect(withRetry(async () => 1, { clock, registry, operationName: 's' })()).rejects.toBe(boom);
    expectCountedOnceFailed(registry, 's');
  });
});

describe('the loop: ordering', () => {
  function hooks(log: string[]): Pick<RetryOptions<unknown>, 'onRetry' | 'onGiveUp' | 'onSuccess'> {
    return {
      onRetry: (e) => { log.push(`onRetry(${e.attempt})`); },
      onGiveUp: (e) => { log.push(`onGiveUp(${e.attempt},${e.reason})`); },
      onSuccess: (e) => { log.push(`onSuccess(${e.attempt})`); },
    };
  }

  test.each([
    ['a non-retryable error', new PermanentError('no'), 'onGiveUp(1,non-retryable)'],
    ['a transient error with retries left', networkError(), 'onRetry(1)'],
  ])('withRetry: a first attempt that throws %s synchronously settles and calls hooks only after the wrapper returned', async (_label, error, firstHook) => {
    const log: string[] = [];
    const registry = new RetryRegistry();
    let n = 0;
    const wrapped = withRetry((): Promise<string> => {
      n++;
      log.push(`fn#${n}`);
      if (n === 1) throw error;
      return Promise.resolve('second');
    }, { registry, operationName: 'sync', initialDelay: 0, ...hooks(log) });
    const call = wrapped();
    // Synchronously after the wrapper returned: only the first attempt has run.
    expect(log).toEqual(['fn#1']);
    expect(isPending(call)).toBe(true);
    log.push('returned');
    const settled = await call.then((v) => ({ ok: true, v }), (e: unknown) => ({ ok: false, e }));
    if (firstHook.startsWith('onGiveUp')) {
      expect(settled).toEqual({ ok: false, e: error });
      expect(log).toEqual(['fn#1', 'returned', firstHook]);
    } else {
      expect(settled).toEqual({ ok: true, v: 'second' });
      expect(log).toEqual(['fn#1', 'returned', firstHook, 'fn#2', 'onSuccess(2)']);
    }
    expect(statsOf(registry, 'sync')).toMatchObject({ calls: 1, inFlight: 0 });
  });

  test('retry(): a first attempt that throws synchronously settles and calls hooks only after retry() returned', async () => {
    const log: string[] = [];
    const error = new PermanentError('no');
    const call = retry((ctx) => { log.push(`fn#${ctx.attempt}`); throw error; }, { registry: false, maxRetries: 0, ...hooks(log) });
    expect(log).toEqual(['fn#1']);
    expect(isPending(call)).toBe(true);
    log.push('returned');
    await expect(call).rejects.toBe(error);
    expect(log).toEqual(['fn#1', 'returned', 'onGiveUp(1,non-retryable)']);
  });


  test('zero delays: each attempt runs in a microtask of its own, after what was queued before it', async () => {
    const log: string[] = [];
    const clock = new ManualClock();
    const sleep = jest.spyOn(clock, 'sleep');
    let n = 0;
    const wrapped = withRetry((): Promise<string> => {
      const k = ++n;
      log.push(`fn#${k}`);
      queueMicrotask(() => log.push(`tick${k}`));
      if (k < 4) throw networkError(`fail ${k}`);
      return Promise.resolve(`done after ${k}`);
    }, { clock, registry: new RetryRegistry(), initialDelay: 0 });
    const call = wrapped();
    log.push('returned');
    await expect(call).resolves.toBe('done after 4');
    // Attempt k+1 starts after attempt k's own microtask: never from attempt k's stack.
    expect(log).toEqual(['fn#1', 'returned', 'tick1', 'fn#2', 'tick2', 'fn#3', 'tick3', 'fn#4', 'tick4']);
    // A zero delay does not go through the clock.
    expect(sleep).not.toHaveBeenCalled();
    expect(clock.pendingTimers).toBe(0);
  });

  test('zero delays: the stack does not grow from one attempt to the next (no recursion)', async () => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 200;
    try {
      const depths: number[] = [];
      let n = 0;
      const out = await retry(() => {
        depths.push(new Error('depth').stack!.split('\n').length);
        if (++n < 40) throw networkError();
        return n;
      }, { registry: false, initialDelay: 0, maxRetries: 50 });
      expect(out).toBe(40);
      expect(depths).toHaveLength(40);
      // Attempts 2..40 all run from the same frame depth.
      expect(new Set(depths.slice(1)).size).toBe(1);
    } finally {
      Error.stackTraceLimit = limit;
    }
  });

  test('zero delays with an async function: exhausted after maxRetries + 1 attempts, with the last error', async () => {
    const errors = [networkError('1'), networkError('2'), networkError('3')];
    let n = 0;
    const onGiveUp = jest.fn();
    const registry = new RetryRegistry();
    const call = withRetry(async () => { throw errors[n++]; }, { registry, operationName: 'z', initialDelay: 0, maxRetries: 2, onGiveUp })();
    await expect(call).rejects.toBe(errors[2]);
    expect(n).toBe(3);
    expect(onGiveUp).toHaveBeenCalledTimes(1);
    expect(onGiveUp).toHaveBeenCalledWith(expect.objectContaining({ attempt: 3, error: errors[2], reason: 'exhausted', retriesLeft: 0 }));
    expect(statsOf(registry, 'z')).toMatchObject({ calls: 1, inFlight: 0, failures: 1, attempts: 3, retries: 2, totalDelayMs: 0, giveUpReasons: { exhausted: 1 } });
  });

  test('retry(): each retry gets its own attempt number and retries left', async () => {
    const clock = new ManualClock();
    const seen: Array<[number, number, boolean]> = [];
    const out = await drive(clock, retry((ctx) => {
      seen.push([ctx.attempt, ctx.retriesLeft, ctx.signal.aborted]);
      return ctx.attempt < 3 ? Promise.reject(networkError()) : Promise.resolve('third');
    }, { clock, registry: false, maxRetries: 4, initialDelay: 10 }));
    expect(out).toEqual({ ok: true, value: 'third', at: 30 });
    expect(seen).toEqual([[1, 4, false], [2, 3, false], [3, 2, false]]);
  });
});

describe('the loop: the built-in clock under Jest\'s fake timers', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  test('delays 100 then 200: attempts at exactly 0, 100 and 300 ms, no timer left', async () => {
    jest.useFakeTimers();
    const registry = new RetryRegistry();
    const start = Date.now();
    const times: number[] = [];
    const call = withRetry(async () => {
      times.push(Date.now() - start);
      if (times.length < 3) throw networkError();
      return 'ok';
    }, { registry, operationName: 'ft', initialDelay: 100, backoffBase: 2, jitter: 'none' })();
    let settled = false;
    void call.then(() => { settled = true; });
    await jest.advanceTimersByTimeAsync(99);
    expect(times).toEqual([0]);
    expect(jest.getTimerCount()).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(times).toEqual([0, 100]);
    await jest.advanceTimersByTimeAsync(199);
    expect(times).toEqual([0, 100]);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(times).toEqual([0, 100, 300]);
    await expect(call).resolves.toBe('ok');
    expect(jest.getTimerCount()).toBe(0);
    expect(statsOf(registry, 'ft')).toMatchObject({ calls: 1, inFlight: 0, successes: 1, attempts: 3, totalDelayMs: 300 });
  });

  test('giving up after the last delay leaves no timer either (retry() form)', async () => {
    jest.useFakeTimers();
    const start = Date.now();
    const times: number[] = [];
    const last = networkError('last');
    const call = retry(() => {
      times.push(Date.now() - start);
      return Promise.reject(times.length === 3 ? last : networkError());
    }, { registry: false, maxRetries: 2, initialDelay: 100, backoffBase: 3, jitter: 'none' });
    const outcome = call.then(() => 'fulfilled', (e: unknown) => e);
    await jest.advanceTimersByTimeAsync(400);
    expect(times).toEqual([0, 100, 400]);
    expect(await outcome).toBe(last);
    expect(jest.getTimerCount()).toBe(0);
  });

  const overlong = 2 ** 31 + 5_000;

  test.each([
    ['initialDelay', { initialDelay: overlong, maxDelay: overlong }, undefined],
    ['a Retry-After (retryAfter ms)', { initialDelay: 10, maxDelay: 2 ** 32 }, overlong],
  ])('a delay above 2^31-1 ms from %s: not after 1 ms, exactly after the full delay', async (_label, options, retryAfter) => {
    jest.useFakeTimers();
    // Jest's fake setTimeout does what Node does with an overlong delay: fires after 1 ms.
    let raw = 0;
    const rawTimer = setTimeout(() => { raw++; }, overlong);
    jest.advanceTimersByTime(1);
    expect(raw).toBe(1);
    clearTimeout(rawTimer);

    const start = Date.now();
    const times: number[] = [];
    const call = withRetry(async () => {
      times.push(Date.now() - start);
      if (times.length === 1) throw Object.assign(networkError(), retryAfter === undefined ? {} : { retryAfter });
      return 'late';
    }, { registry: new RetryRegistry(), jitter: 'none', ...options })();
    await jest.advanceTimersByTimeAsync(1);
    expect(times).toEqual([0]);
    await jest.advanceTimersByTimeAsync(2 ** 31 - 1);
    expect(times).toEqual([0]);
    await jest.advanceTimersByTimeAsync(overlong - 2 ** 31 - 1);
    expect(times).toEqual([0]);
    await jest.advanceTimersByTimeAsync(1);
    expect(times).toEqual([0, overlong]);
    await expect(call).resolves.toBe('late');
    expect(jest.getTimerCount()).toBe(0);
  });

  // Jest's modern fake timers fake `queueMicrotask` too: a zero-delay retry must wait on a promise
  // job, which cannot be faked, so that it needs no timer and the call settles on its own.
  it('a zero-delay retry under fake timers needs no timer and settles on its own', async () => {
    jest.useFakeTimers();
    let n = 0;
    const call = withRetry(async () => { if (++n < 3) throw networkError(); return n; }, { registry: false, initialDelay: 0 })();
    let settled = false;
    void call.then(() => { settled = true; });
    try {
      await flushMicrotasks(); // a real setImmediate: every promise job has run
      expect(jest.getTimerCount()).toBe(0);
      expect(n).toBe(3);
      expect(settled).toBe(true);
    } finally {
      // Let the call end before the real timers come back.
      await jest.advanceTimersByTimeAsync(0);
      await jest.advanceTimersByTimeAsync(0);
    }
  });
});


describe('the loop: retryIf and onRetry returning promises', () => {
  test('both are awaited in order before the delay starts, and the delay after them', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const at = (s: string): void => { log.push(`${s}@${clock.now()}`); };
    let n = 0;
    const out = await drive(clock, withRetry(async () => {
      at(`fn#${++n}`);
      if (n < 3) throw new Error(`custom ${n}`); // not transient: only retryIf retries it
      return 'ok';
    }, {
      clock, registry: new RetryRegistry(), initialDelay: 100, backoffBase: 2,
      retryIf: async (error, info) => {
        at(`retryIf(${(error as Error).message},${info.attempt}) start`);
        await clock.sleep(50);
        at('retryIf end');
        return true;
      },
      onRetry: async (e) => {
        at(`onRetry(${e.attempt},${e.delay}) start`);
        await clock.sleep(30);
        at('onRetry end');
      },
    })());
    expect(out).toEqual({ ok: true, value: 'ok', at: 2 * 80 + 100 + 200 });
    expect(log).toEqual([
      'fn#1@0',
      'retryIf(custom 1,1) start@0', 'retryIf end@50',
      'onRetry(1,100) start@50', 'onRetry end@80',
      'fn#2@180',
      'retryIf(custom 2,2) start@180', 'retryIf end@230',
      'onRetry(2,200) start@230', 'onRetry end@260',
      'fn#3@460',
    ]);
  });

  test('a retryIf promise resolving false: the call rejects with the attempt\'s error, no retry', async () => {
    const clock = new ManualClock();
    const error = networkError(); // transient, but retryIf alone decides
    const onRetry = jest.fn();
    const registry = new RetryRegistry();
    let n = 0;
    const out = await drive(clock, withRetry(async () => { n++; throw error; },
      { clock, registry, operationName: 'rf', retryIf: () => Promise.resolve(false), onRetry })());
    expect(out).toEqual({ ok: false, error, at: 0 });
    expect(n).toBe(1);
    expect(onRetry).not.toHaveBeenCalled();
    expect(statsOf(registry, 'rf')).toMatchObject({ calls: 1, inFlight: 0, failures: 1, giveUpReasons: { 'non-retryable': 1 } });
  });

  test('a retryIf that rejects: the call rejects with the attempt\'s own error, the predicate\'s failure is reported', async () => {
    const clock = new ManualClock();
    const predicateError = networkError('retryIf broke');
    const onRetry = jest.fn();
    const onGiveUp = jest.fn();
    const reported: Array<[unknown, string]> = [];
    const registry = new RetryRegistry();
    let n = 0;
    let last: unknown;
    const out = await drive(clock, withRetry(async () => { n++; throw (last = networkError(`attempt ${n}`)); }, {
      clock, registry, operationName: 'rr', onRetry, onGiveUp, onHookError: (e, hook) => { reported.push([e, hook]); },
      retryIf: (_e, info) => (info.attempt === 1 ? Promise.resolve(true) : Promise.reject(predicateError)),
    })());
    expect(out).toEqual({ ok: false, error: last, at: 1_000 });
    expect(n).toBe(2);
    expect(reported).toEqual([[predicateError, 'retryIf']]);
    expect(onRetry).toHaveBeenCalledTimes(1);
    expect(onGiveUp).toHaveBeenCalledTimes(1);
    expect(onGiveUp).toHaveBeenCalledWith(expect.objectContaining({ attempt: 2, error: last, reason: 'non-retryable' }));
    expect(statsOf(registry, 'rr')).toMatchObject({ calls: 1, inFlight: 0, failures: 1, attempts: 2 });
  });

  test('a retryIf that throws synchronously on a retry: likewise, the attempt\'s error', async () => {
    const clock = new ManualClock();
    const predicateError = new TypeError('retryIf threw');
    const attemptError = networkError();
    let n = 0;
    const out = await drive(clock, retry(() => { n++; return Promise.reject(attemptError); }, {
      clock, registry: false, initialDelay: 7, onHookError: () => undefined,
      retryIf: (_e, info) => { if (info.attempt === 2) throw predicateError; return true; },
    }));
    expect(out).toEqual({ ok: false, error: attemptError, at: 7 });
    expect(n).toBe(2);
  });

  test('an onRetry that rejects: reported to onHookError, then the delay and the next attempt', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const hookError = new Error('onRetry broke');
    const onHookError = jest.fn((e: unknown, hook: string) => { log.push(`onHookError(${hook})@${clock.now()}`); });
    let n = 0;
    const registry = new RetryRegistry();
    const out = await drive(clock, withRetry(async () => {
      log.push(`fn#${++n}@${clock.now()}`);
      if (n < 3) throw networkError();
      return n;
    }, {
      clock, registry, operationName: 'or', initialDelay: 100, onHookError,
      onRetry: async (e) => {
        log.push(`onRetry(${e.attempt})@${clock.now()}`);
        await clock.sleep(10);
        throw hookError;
      },
    })());
    expect(out).toEqual({ ok: true, value: 3, at: 10 + 100 + 10 + 200 });
    expect(onHookError).toHaveBeenCalledTimes(2);
    expect(onHookError).toHaveBeenNthCalledWith(1, hookError, 'onRetry');
    expect(log).toEqual([
      'fn#1@0', 'onRetry(1)@0', 'onHookError(onRetry)@10',
      'fn#2@110', 'onRetry(2)@110', 'onHookError(onRetry)@120',
      'fn#3@320',
    ]);
    expect(statsOf(registry, 'or')).toMatchObject({ calls: 1, inFlight: 0, successes: 1, attempts: 3 });
  });

  test('an onRetry whose onHookError also throws: the call still goes on (the second error is a process warning)', async () => {
    const clock = new ManualClock();
    const warnings: string[] = [];
    const emit = jest.spyOn(process, 'emitWarning').mockImplementation((w: string | Error) => { warnings.push(String(w)); });
    try {
      let n = 0;
      const out = await drive(clock, withRetry(async () => { if (++n < 2) throw networkError(); return 'ok'; }, {
        clock, registry: false, initialDelay: 5,
        onRetry: () => Promise.reject(new Error('first')),
        onHookError: () => { throw new Error('second'); },
      })());
      expect(out).toEqual({ ok: true, value: 'ok', at: 5 });
      expect(warnings).toEqual([expect.stringContaining('second')]);
    } finally {
      emit.mockRestore();
    }
  });
});

describe('the loop: retryOnResult', () => {
  test('rejected results are retried with the backoff, then a good one is the value', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const results = ['pending', 'pending', 'done'];
    const times: number[] = [];
    const events: unknown[] = [];
    const out = await drive(clock, withRetry(async () => { times.push(clock.now()); return results[times.length - 1]!; }, {
      clock, registry, operationName: 'ror', initialDelay: 100,
      retryOnResult: (r) => r === 'pending',
      onRetry: (e) => { events.push({ ...e }); },
    })());
    expect(out).toEqual({ ok: true, value: 'done', at: 300 });
    expect(times).toEqual([0, 100, 300]);
    expect(events).toEqual([
      { operationName: 'ror', attempt: 1, result: 'pending', delay: 100, retriesLeft: 3, elapsedMs: 0 },
      { operationName: 'ror', attempt: 2, result: 'pending', delay: 200, retriesLeft: 2, elapsedMs: 100 },
    ]);
    expect(statsOf(registry, 'ror')).toMatchObject({ calls: 1, inFlight: 0, successes: 1, successesAfterRetry: 1, attempts: 3, retries: 2 });
  });

  test('an error and a rejected result mixed: the loop goes on to a good result', async () => {
    const clock = new ManualClock();
    let n = 0;
    const out = await drive(clock, retry(async () => {
      n++;
      if (n === 1) return -1;
      if (n === 2) throw networkError();
      return 42;
    }, { clock, registry: false, initialDelay: 1, retryOnResult: (r) => r < 0 }));
    expect(out).toEqual({ ok: true, value: 42, at: 3 });
    expect(n).toBe(3);
  });

  test('results rejected to the end: a RetryExhaustedError with the last result', async () => {
    const clock = new ManualClock();
    let n = 0;
    const out = await drive(clock, withRetry(async () => ++n, { clock, registry: false, maxRetries: 2, initialDelay: 1, retryOnResult: () => true })());
    expect(out.ok).toBe(false);
    const error = out.ok ? undefined : out.error;
    expect(isRetryExhaustedError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'exhausted', lastResult: 3 });
    expect((error as { attempts: unknown[] }).attempts).toHaveLength(3);
    expect(n).toBe(3);
  });

  test('a retryOnResult that throws on a retry ends the call with its error, even a transient one', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const predicateError = networkError('predicate broke');
    let n = 0;
    const onGiveUp = jest.fn();
    const out = await drive(clock, withRetry(async () => ++n, {
      clock, registry, operationName: 'rt', initialDelay: 50, maxRetries: 5, onGiveUp,
      retryOnResult: (r) => { if (r === 2) throw predicateError; return true; },
    })());
    expect(out).toEqual({ ok: false, error: predicateError, at: 50 });
    expect(n).toBe(2);
    expect(onGiveUp).toHaveBeenCalledWith(expect.objectContaining({ attempt: 2, error: predicateError, reason: 'non-retryable' }));
    expect(statsOf(registry, 'rt')).toMatchObject({ calls: 1, inFlight: 0, failures: 1, attempts: 2, giveUpReasons: { 'non-retryable': 1 } });
  });

  test('a retryOnResult that throws on the first attempt ends the call there', async () => {
    const clock = new ManualClock();
    const predicateError = networkError('predicate broke');
    let n = 0;
    const out = await drive(clock, retry(async () => ++n, { clock, registry: false, retryOnResult: () => { throw predicateError; } }));
    expect(out).toEqual({ ok: false, error: predicateError, at: 0 });
    expect(n).toBe(1);
  });
});

describe('a RetryExhaustedError from rejected results carries real times', () => {
  test('with retryOnResult alone (no registry, hooks or wrapError): elapsedMs and every attempt timed', async () => {
    const clock = new ManualClock(5000);
    const out = await drive(clock, retry(async () => { await clock.sleep(7); return 'bad'; },
      { clock, registry: false, maxRetries: 1, initialDelay: 10, jitter: 'none', retryOnResult: () => true }));
    expect(out.ok).toBe(false);
    const error = out.ok ? undefined : out.error;
    if (!isRetryExhaustedError(error)) throw new Error('expected a RetryExhaustedError');
    expect(error.elapsedMs).toBe(24);
    expect(error.attempts.map((a) => [a.timestamp, a.durationMs])).toEqual([[5000, 7], [5017, 7]]);
  });
});

