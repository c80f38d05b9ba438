/**
 * A deadline or a signal bounds everything a call waits on: an awaited hook, an async
 * predicate, a strategy answering late. What it waited on is left to finish on its own.
 * And a caller's signal shared by many calls is listened to once.
 */
import { getEventListeners } from 'node:events';
import { retry } from '../../src/api/retry.js';
import { withRetry } from '../../src/api/with-retry.js';
import { isRetryTimeoutError } from '../../src/errors/retry-timeout-error.js';
import { TransientError } from '../../src/errors/transient-error.js';
import { RetryRegistry } from '../../src/registry/retry-registry.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { drive } from '../helpers/drive.js';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
const failing = async (): Promise<string> => { throw new TransientError('down'); };

describe('the deadline bounds every wait', () => {
  test.each([
    ['an onRetry that never settles', { onRetry: () => never<void>() }],
    ['an async retryIf that never settles', { retryIf: () => never<boolean>() }],
    ['a strategy whose allowRetry never answers', { strategies: [{ allowRetry: () => never<true>() }] }],
    ['a strategy whose beforeAttempt never answers on the retry', { strategies: [{ beforeAttempt: (ctx: { attempt: number }) => (ctx.attempt === 1 ? true as const : never<true>()) }] }],
  ])('%s: the call rejects with a RetryTimeoutError at its timeout', async (_label, extra) => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const out = await drive(clock, retry(failing, { clock, registry, operationName: 'b', timeout: 500, initialDelay: 1, ...extra }));
    expect(out.ok).toBe(false);
    expect(isRetryTimeoutError(!out.ok && out.error)).toBe(true);
    expect(out.at).toBe(500);
    expect(registry.getStatistics('b')).toMatchObject({ calls: 1, inFlight: 0, failures: 1 });
    expect(registry.getStatistics('b').operations.b.giveUpReasons).toEqual({ timeout: 1 });
  });

  test('a slow onRetry: the call settles at its timeout, not when the hook ends', async () => {
    const clock = new ManualClock();
    const out = await drive(clock, retry(failing, {
      clock, registry: false, timeout: 500, initialDelay: 10, onRetry: () => clock.sleep(3000),
    }));
    expect(out).toMatchObject({ ok: false, at: 500 });
  });

  test('an abort settles a call waiting on a hung onRetry, with the signal\'s reason', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const call = retry(failing, { clock, registry: false, initialDelay: 1, signal: controller.signal, onRetry: () => never<void>() });
    await clock.advance(0);
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
  });
});

describe('a shared signal', () => {
  test('fifty concurrent calls with one signal: one listener on it, none after, and no warning', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const clock = new ManualClock();
      const controller = new AbortController();
      let n = 0;
      const get = withRetry(async () => { if (++n <= 50) throw new TransientError('once'); return 'ok'; },
        { clock, registry: false, initialDelay: 10, signal: controller.signal });
      const calls = Array.from({ length: 50 }, () => get());
      await clock.advance(0);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      await clock.advance(10);
      await expect(Promise.all(calls)).resolves.toEqual(Array(50).fill('ok'));
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  test('aborting it stops every call that shares it', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const get = withRetry(failing, { clock, registry: false, initialDelay: 10, signal: controller.signal });
    const calls = Array.from({ length: 20 }, () => get().catch((e: unknown) => e));
    await clock.advance(0);
    controller.abort(new Error('stop'));
    const results = await Promise.all(calls);
    expect(results.map((e) => (e as Error).message)).toEqual(Array(20).fill('stop'));
  });
});

describe('delayFn', () => {
  test('the delay comes from the error, capped by maxDelay, as every delay is', async () => {
    const clock = new ManualClock();
    let n = 0;
    const times: number[] = [];
    const out = await drive(clock, retry(async () => {
      times.push(clock.now());
      if (++n < 3) throw Object.assign(new TransientError('busy'), { body: { retryInMs: n === 1 ? 250 : 99_999 } });
      return 'ok';
    }, { clock, registry: false, maxDelay: 1000, delayFn: ({ error }) => (error as { body: { retryInMs: number } }).body.retryInMs }));
    expect(out).toMatchObject({ ok: true, value: 'ok' });
    expect(times).toEqual([0, 250, 1250]);
  });

  test('a delayFn that is not a function is a TypeError naming it', () => {
    expect(() => withRetry(failing, { delayFn: 5 as never })).toThrow(new TypeError('maestro-retry: option `delayFn` must be a function, got 5'));
  });
});

describe('a call stopped before its next attempt starts', () => {
  test('an abort while a strategy admits the attempt: the attempt never runs, the call rejects at once', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    let ran = 0;
    const gate = { beforeAttempt: () => { controller.abort(new Error('stop')); return true as const; } };
    const call = retry(async () => { ran++; await clock.sleep(1000); return 'ok'; }, { clock, registry: false, signal: controller.signal, strategies: [gate] });
    const out = await drive(clock, call);
    expect(out).toMatchObject({ ok: false, at: 0 });
    expect(ran).toBe(0);
  });
});
