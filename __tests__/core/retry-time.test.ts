import { getEventListeners } from 'node:events';
import { retry } from '../../src/api/retry.js';
import { withRetry } from '../../src/api/with-retry.js';
import { MAX_TIMER_DELAY, systemClock } from '../../src/engine/clock.js';
import type { AttemptContext } from '../../src/engine/types.js';
import { AttemptTimeoutError, isAttemptTimeoutError } from '../../src/errors/attempt-timeout-error.js';
import { RetryTimeoutError, isRetryTimeoutError } from '../../src/errors/retry-timeout-error.js';
import { RetryRegistry } from '../../src/registry/retry-registry.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { drive, networkError, scripted } from '../helpers/drive.js';

const never = (): Promise<never> => new Promise<never>(() => undefined);

describe('cancellation, deadlines and timers', () => {
  let clock: ManualClock;
  let registry: RetryRegistry;
  beforeEach(() => {
    clock = new ManualClock();
    registry = new RetryRegistry();
  });

  test('aborting during a delay clears it at once and rejects with the signal reason', async () => {
    const controller = new AbortController();
    const { fn, calls } = scripted(clock, [networkError(), networkError()], 1);
    const call = retry(fn, { clock, registry, signal: controller.signal });
    await clock.advance(10);
    expect(clock.pendingTimers).toBe(1);
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(clock.pendingTimers).toBe(0);
    expect(calls).toEqual([0]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(registry.getStatistics().giveUpReasons).toEqual({ aborted: 1 });
  });

  test('aborting during an attempt aborts the attempt signal and rejects with the reason', async () => {
    const controller = new AbortController();
    let attemptSignal: AbortSignal | undefined;
    const call = retry((ctx: AttemptContext) => { attemptSignal = ctx.signal; return never(); }, { clock, registry, signal: controller.signal });
    await clock.advance(5);
    controller.abort('stop');
    await expect(call).rejects.toBe('stop');
    expect(attemptSignal?.aborted).toBe(true);
    expect(attemptSignal?.reason).toBe('stop');
    expect(clock.pendingTimers).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('an already aborted signal starts no attempt', async () => {
    const fn = jest.fn(async () => 1);
    const reason = new Error('too late');
    await expect(retry(fn, { clock, registry, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
    expect(registry.getStatistics()).toMatchObject({ calls: 1, attempts: 0, failures: 1, giveUpReasons: { aborted: 1 } });
  });

  test('a successful call leaves no listener on the caller signal and no timer', async () => {
    const controller = new AbortController();
    const out = await drive(clock, retry(scripted(clock, [networkError()], 'ok').fn, { clock, registry, signal: controller.signal, timeout: 60_000, attemptTimeout: 5_000 }));
    expect(out).toMatchObject({ ok: true, value: 'ok', at: 1000 });
    expect(clock.pendingTimers).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('attemptTimeout aborts the attempt signal with AttemptTimeoutError and retries', async () => {
    const signals: AbortSignal[] = [];
    let n = 0;
    const out = await drive(clock, retry((ctx: AttemptContext) => {
      signals.push(ctx.signal);
      return ++n < 3 ? never() : Promise.resolve('third time');
    }, { clock, registry, attemptTimeout: 500 }));
    // 500 (timeout) + 1000 + 500 (timeout) + 2000
    expect(out).toEqual({ ok: true, value: 'third time', at: 4000 });
    expect(signals.map((s) => s.aborted)).toEqual([true, true, false]);
    expect(signals[0]!.reason).toBeInstanceOf(AttemptTimeoutError);
    expect(signals[0]!.reason).toMatchObject({ timeout: 500, attempt: 1, name: 'AttemptTimeoutError' });
    expect(clock.pendingTimers).toBe(0);
  });

  test('attempts that all time out end with the last AttemptTimeoutError', async () => {
    const out = await drive(clock, retry(never, { clock, registry, attemptTimeout: 100, maxRetries: 1 }));
    expect(out.ok).toBe(false);
    expect(isAttemptTimeoutError(!out.ok && out.error)).toBe(true);
    expect((out as { error: AttemptTimeoutError }).error.attempt).toBe(2);
    expect(out.at).toBe(100 + 1000 + 100);
  });

  test('timeout: an attempt running at the deadline is aborted and the call rejects at the deadline', async () => {
    const first = networkError('first failure');
    let n = 0;
    let lastSignal: AbortSignal | undefined;
    const out = await drive(clock, retry((ctx: AttemptContext) => {
      lastSignal = ctx.signal;
      if (++n === 1) return Promise.reject(first);
      return never();
    }, { clock, registry, timeout: 2500 }));
    expect(out.ok).toBe(false);
    expect(out.at).toBe(2500);
    const error = (out as { error: RetryTimeoutError }).error;
    expect(isRetryTimeoutError(error)).toBe(true);
    expect(error.cause).toBe(first);
    expect(error).toMatchObject({ timeout: 2500, attemptCount: 2, name: 'RetryTimeoutError' });
    expect(lastSignal?.reason).toBe(error);
    expect(clock.pendingTimers).toBe(0);
    expect(registry.getStatistics().giveUpReasons).toEqual({ timeout: 1 });
  });

  test('timeout: a delay that would end past the deadline is not waited', async () => {
    const { fn, calls } = scripted(clock, [networkError(), networkError(), networkError()], 1);
    const out = await drive(clock, retry(fn, { clock, registry, timeout: 2500 }));
    // attempt 1 at 0, retry 1 at 1000; retry 2 would start at 3000 > 2500: give up at 1000.
    expect(calls).toEqual([0, 1000]);
    expect(out.at).toBe(1000);
    expect((out as { error: RetryTimeoutError }).error).toBeInstanceOf(RetryTimeoutError);
    expect(clock.pendingTimers).toBe(0);
  });

  test('maxRetries Infinity with a timeout retries until the deadline', async () => {
    const out = await drive(clock, retry(async () => { throw networkError(); }, { clock, registry, timeout: 10_000, initialDelay: 100, backoffBase: 1, maxRetries: Infinity }));
    expect(out.ok).toBe(false);
    expect(out.at).toBeLessThanOrEqual(10_000);
    expect(registry.getStatistics().attempts).toBe(100);
  });

  test('Retry-After (Headers, seconds) raises the delay', async () => {
    const error = Object.assign(new Error('busy'), { status: 503, headers: new Headers({ 'Retry-After': '5' }) });
    const { fn, calls } = scripted(clock, [error], 'ok');
    const out = await drive(clock, retry(fn, { clock, registry }));
    expect(out).toMatchObject({ ok: true, at: 5000 });
    expect(calls).toEqual([0, 5000]);
  });

  test('Retry-After as an HTTP date on response.headers (plain object) is measured from the clock', async () => {
    const start = Date.parse('2026-11-29T10:00:00Z');
    clock = new ManualClock(start);
    const error = Object.assign(new Error('busy'), { response: { status: 429, headers: { 'retry-after': 'Sun, 29 Nov 2026 10:00:07 GMT' } } });
    const { fn, calls } = scripted(clock, [error], 'ok');
    await drive(clock, retry(fn, { clock, registry }));
    expect(calls.map((t) => t - start)).toEqual([0, 7000]);
  });

  test('a retryAfter in ms on a result rejected by retryOnResult is honoured', async () => {
    const results = [{ ok: false, retryAfter: 2500 }, { ok: true, retryAfter: 0 }];
    let i = 0;
    const out = await drive(clock, retry(async () => results[i++]!, { clock, registry, retryOnResult: (r) => !r.ok }));
    expect(out).toMatchObject({ ok: true, at: 2500 });
  });

  test('a Retry-After shorter than the computed delay does not shorten it', async () => {
    const error = Object.assign(new Error('busy'), { status: 503, retryAfter: 10 });
    const { calls, fn } = scripted(clock, [error], 1);
    await drive(clock, retry(fn, { clock, registry }));
    expect(calls).toEqual([0, 1000]);
  });

  test('a Retry-After above maxDelay ends the call at once with reason retry-after', async () => {
    const error = Object.assign(new Error('busy'), { status: 503, headers: { 'Retry-After': '3600' } });
    const onGiveUp = jest.fn();
    const out = await drive(clock, retry(scripted(clock, [error], 1).fn, { clock, registry, onGiveUp }));
    expect(!out.ok && out.error).toBe(error);
    expect(out.at).toBe(0);
    expect(onGiveUp.mock.calls[0][0].reason).toBe('retry-after');
  });

  test('a Retry-After that would pass the timeout ends the call with reason retry-after', async () => {
    const error = Object.assign(new Error('busy'), { status: 503, headers: { 'retry-after': '20' } });
    const out = await drive(clock, retry(scripted(clock, [error], 1).fn, { clock, registry, timeout: 10_000 }));
    expect(!out.ok && out.error).toBe(error);
    expect(registry.getStatistics().giveUpReasons).toEqual({ 'retry-after': 1 });
    expect(clock.pendingTimers).toBe(0);
  });

  test('a delay above 2^31-1 ms waits as long as it says (fake clock)', async () => {
    const long = 2 ** 32;
    const { fn, calls } = scripted(clock, [networkError()], 1);
    await drive(clock, retry(fn, { clock, registry, initialDelay: long, maxDelay: long }));
    expect(calls).toEqual([0, long]);
  });
});

describe('the system clock and long timers', () => {
  afterEach(() => jest.useRealTimers());

  test('a sleep above 2^31-1 ms never arms a longer setTimeout and does not fire early', async () => {
    jest.useFakeTimers();
    const spy = jest.spyOn(globalThis, 'setTimeout');
    const total = MAX_TIMER_DELAY + 5_000;
    let done = false;
    void systemClock.sleep(total).then(() => { done = true; });
    await jest.advanceTimersByTimeAsync(MAX_TIMER_DELAY);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(4_999);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    for (const call of spy.mock.calls) expect(call[1]).toBeLessThanOrEqual(MAX_TIMER_DELAY);
    spy.mockRestore();
  });

  test('a timeout of 30 days does not fire after 1 ms', async () => {
    jest.useFakeTimers();
    const days30 = 30 * 24 * 3600 * 1000;
    let settled = false;
    let n = 0;
    const call = retry(() => { n++; return never(); }, { timeout: days30, registry: false });
    call.catch(() => undefined).finally(() => { settled = true; });
    await jest.advanceTimersByTimeAsync(10);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(days30 - 20);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(10);
    expect(settled).toBe(true);
    await expect(call).rejects.toBeInstanceOf(RetryTimeoutError);
    expect(n).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  test('a system-clock sleep of a fraction of a millisecond more never ends early: its timer rounds up', async () => {
    jest.useFakeTimers();
    const spy = jest.spyOn(globalThis, 'setTimeout');
    const done: string[] = [];
    void systemClock.sleep(6.2).then(() => done.push('plain'));
    void systemClock.sleep(6.2, new AbortController().signal).then(() => done.push('with a signal'));
    expect(spy.mock.calls.map((call) => call[1])).toEqual([7, 7]);
    await jest.advanceTimersByTimeAsync(6);
    expect(done).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(done).toEqual(['plain', 'with a signal']);
    spy.mockRestore();
  });

  test('an aborted system-clock sleep clears its timer', async () => {
    jest.useFakeTimers();
    const controller = new AbortController();
    const sleeping = systemClock.sleep(10_000, controller.signal);
    expect(jest.getTimerCount()).toBe(1);
    controller.abort(new Error('cancel'));
    await expect(sleeping).rejects.toThrow('cancel');
    expect(jest.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('after an abort or a deadline no timer of the library is pending (real clock)', async () => {
    jest.useFakeTimers();
    const controller = new AbortController();
    const aborted = withRetry(async () => { throw networkError(); }, { signal: controller.signal, timeout: 60_000, attemptTimeout: 1_000, registry: false })();
    await jest.advanceTimersByTimeAsync(10);
    controller.abort(new Error('bye'));
    await expect(aborted).rejects.toThrow('bye');
    expect(jest.getTimerCount()).toBe(0);
    const timedOut = retry(never, { timeout: 5_000, attemptTimeout: 1_000, registry: false });
    timedOut.catch(() => undefined);
    await jest.advanceTimersByTimeAsync(5_000);
    await expect(timedOut).rejects.toBeInstanceOf(RetryTimeoutError);
    expect(jest.getTimerCount()).toBe(0);
  });
});
