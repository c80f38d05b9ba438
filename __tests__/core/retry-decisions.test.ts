import { retry } from '../../src/api/retry.js';
import { withRetry } from '../../src/api/with-retry.js';
import { PermanentError } from '../../src/errors/permanent-error.js';
import { RetryExhaustedError, isRetryExhaustedError } from '../../src/errors/retry-exhausted-error.js';
import { TransientError } from '../../src/errors/transient-error.js';
import { RetryRegistry } from '../../src/registry/retry-registry.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { drive, networkError, scripted } from '../helpers/drive.js';

class DbError extends Error {}
class FatalDbError extends DbError {}

describe('the attempt loop: what is retried and when', () => {
  let clock: ManualClock;
  let registry: RetryRegistry;
  beforeEach(() => {
    clock = new ManualClock();
    registry = new RetryRegistry();
  });

  test('a first-time success calls the function once with attempt 1 and the retries left', async () => {
    const seen: Array<[number, number]> = [];
    const out = await drive(clock, retry(({ attempt, retriesLeft }) => { seen.push([attempt, retriesLeft]); return 'ok'; }, { clock, registry }));
    expect(out).toEqual({ ok: true, value: 'ok', at: 0 });
    expect(seen).toEqual([[1, 3]]);
  });

  test('transient failures are retried after 1000 then 2000 ms', async () => {
    const { fn, calls } = scripted(clock, [networkError(), networkError()], 42);
    const out = await drive(clock, retry(fn, { clock, registry }));
    expect(out).toEqual({ ok: true, value: 42, at: 3000 });
    expect(calls).toEqual([0, 1000, 3000]);
  });

  test('gives up after maxRetries + 1 attempts with the last error unchanged', async () => {
    const errors = [1, 2, 3, 4, 5].map((i) => networkError(`reset ${i}`));
    const { fn, calls } = scripted(clock, errors, 'never');
    const out = await drive(clock, retry(fn, { clock, registry }));
    expect(calls).toEqual([0, 1000, 3000, 7000]);
    expect(out.ok).toBe(false);
    expect(!out.ok && out.error).toBe(errors[3]);
  });

  test('maxRetries 0 never retries', async () => {
    const { fn, calls } = scripted(clock, [networkError()], 1);
    const out = await drive(clock, retry(fn, { clock, registry, maxRetries: 0 }));
    expect(out.ok).toBe(false);
    expect(calls).toHaveLength(1);
  });

  test('a non-transient error is not retried and is rethrown as is', async () => {
    const error = new Error('validation failed');
    const { fn, calls } = scripted(clock, [error], 1);
    const onGiveUp = jest.fn();
    const out = await drive(clock, retry(fn, { clock, registry, onGiveUp }));
    expect(!out.ok && out.error).toBe(error);
    expect(calls).toHaveLength(1);
    expect(onGiveUp).toHaveBeenCalledWith(expect.objectContaining({ reason: 'non-retryable', attempt: 1, error }));
  });

  test('a thrown string is rethrown unchanged and not retried', async () => {
    const { fn, calls } = scripted(clock, ['plain string'], 1);
    const out = await drive(clock, retry(fn, { clock, registry }));
    expect(!out.ok && out.error).toBe('plain string');
    expect(calls).toHaveLength(1);
  });

  test('retryOn adds classes (subclasses included) to what is retried', async () => {
    const { fn, calls } = scripted(clock, [new DbError('lock'), new FatalDbError('lock again')], 'rows');
    const out = await drive(clock, retry(fn, { clock, registry, retryOn: [DbError] }));
    expect(out).toMatchObject({ ok: true, value: 'rows' });
    expect(calls).toHaveLength(3);
  });

  test('abortOn wins over retryOn, retryIf and transient classification', async () => {
    const error = Object.assign(new FatalDbError('connection reset'), { code: 'ECONNRESET' });
    const retryIf = jest.fn(() => true);
    const { fn, calls } = scripted(clock, [error], 1);
    const out = await drive(clock, retry(fn, { clock, registry, abortOn: [FatalDbError], retryOn: [DbError], retryIf }));
    expect(!out.ok && out.error).toBe(error);
    expect(calls).toHaveLength(1);
    expect(retryIf).not.toHaveBeenCalled();
  });

  test('retryIf alone decides: it can refuse a transient error and accept a permanent one', async () => {
    const refused = await drive(clock, retry(scripted(clock, [networkError()], 1).fn, { clock, registry, retryIf: () => false }));
    expect(refused.ok).toBe(false);
    const accepted = scripted(clock, [new PermanentError('nope'), new PermanentError('nope')], 'yes');
    const out = await drive(clock, retry(accepted.fn, { clock, registry, retryIf: async () => true, retryOn: [] }));
    expect(out).toMatchObject({ ok: true, value: 'yes' });
    expect(accepted.calls).toHaveLength(3);
  });

  test('retryIf receives the error and the attempt information', async () => {
    const error = new Error('x');
    const retryIf = jest.fn(() => false);
    await drive(clock, retry(scripted(clock, [error], 1).fn, { clock, registry, retryIf, operationName: 'op' }));
    expect(retryIf).toHaveBeenCalledWith(error, { operationName: 'op', attempt: 1, retriesLeft: 3, elapsedMs: 0 });
  });

  test('a retryIf that throws ends the call with the attempt\'s error, not its own', async () => {
    const predicateError = new Error('bad predicate');
    const attemptError = networkError();
    const reported: unknown[] = [];
    const out = await drive(clock, retry(scripted(clock, [attemptError], 1).fn, {
      clock, registry, retryIf: () => { throw predicateError; }, onHookError: (e) => { reported.push(e); },
    }));
    expect(!out.ok && out.error).toBe(attemptError);
    expect(reported).toEqual([predicateError]);
  });

  test('PermanentError is not retried even with a transient cause; TransientError always is', async () => {
    const permanent = new PermanentError('gone', { cause: networkError() });
    expect((await drive(clock, retry(scripted(clock, [permanent], 1).fn, { clock, registry }))).ok).toBe(false);
    const transient = scripted(clock, [new TransientError('try later')], 'ok');
    expect(await drive(clock, retry(transient.fn, { clock, registry }))).toMatchObject({ ok: true, value: 'ok' });
  });

  test('retryOnResult retries a fulfilled attempt it rejects, then returns the accepted one', async () => {
    const values = [{ status: 503 }, { status: 502 }, { status: 200 }];
    let i = 0;
    const out = await drive(clock, retry(async () => values[i++]!, { clock, registry, retryOnResult: (r) => r.status >= 500 }));
    expect(out).toEqual({ ok: true, value: { status: 200 }, at: 3000 });
  });

  test('retryOnResult exhausted rejects with RetryExhaustedError carrying the last result', async () => {
    const out = await drive(clock, retry(async () => ({ status: 503 }), { clock, registry, maxRetries: 1, retryOnResult: (r) => r.status === 503 }));
    expect(out.ok).toBe(false);
    const error = (out as { error: RetryExhaustedError }).error;
    expect(isRetryExhaustedError(error)).toBe(true);
    expect(error.reason).toBe('exhausted');
    expect(error.lastResult).toEqual({ status: 503 });
    expect(error.attempts.map((a) => a.success)).toEqual([false, false]);
  });

  test('wrapError rejects with RetryExhaustedError holding every attempt', async () => {
    const errors = [networkError('a'), networkError('b'), networkError('c')];
    const out = await drive(clock, retry(scripted(clock, errors, 1).fn, { clock, registry, maxRetries: 2, wrapError: true, operationName: 'sync' }));
    const error = (out as { error: RetryExhaustedError }).error;
    expect(error).toBeInstanceOf(RetryExhaustedError);
    expect(error.name).toBe('RetryExhaustedError');
    expect(error.cause).toBe(errors[2]);
    expect(error.errors).toEqual(errors);
    expect(error.reason).toBe('exhausted');
    expect(error.operationName).toBe('sync');
    expect(error.elapsedMs).toBe(3000);
    expect(error.attempts.map((a) => [a.attemptNumber, a.delay, a.timestamp, a.error?.message])).toEqual([
      [1, 0, 0, 'a'], [2, 1000, 1000, 'b'], [3, 2000, 3000, 'c'],
    ]);
  });

  test('wrapError also wraps a non-retryable failure', async () => {
    const error = new Error('bad input');
    const out = await drive(clock, retry(scripted(clock, [error], 1).fn, { clock, registry, wrapError: true }));
    expect((out as { error: RetryExhaustedError }).error).toMatchObject({ reason: 'non-retryable', cause: error, errors: [error] });
  });

  test('decorrelated jitter is fed the delay it actually used before', async () => {
    const draws = [0.5, 0.1, 0.9];
    let d = 0;
    const delays: number[] = [];
    await drive(clock, retry(scripted(clock, [networkError(), networkError(), networkError()], 1).fn, {
      clock, registry, jitter: 'decorrelated', initialDelay: 100, maxDelay: 10_000, random: () => draws[d++]!,
      onRetry: (e) => { delays.push(e.delay); },
    }));
    const first = 100 + 0.5 * (300 - 100);
    const second = 100 + 0.1 * (3 * first - 100);
    const third = 100 + 0.9 * (3 * second - 100);
    expect(delays).toEqual([first, second, third]);
  });

  test('a zero delay goes through no timer', async () => {
    const { fn, calls } = scripted(clock, [networkError(), networkError()], 'done');
    const sleep = jest.spyOn(clock, 'sleep');
    const value = await retry(fn, { clock, registry, initialDelay: 0 });
    expect(value).toBe('done');
    expect(calls).toEqual([0, 0, 0]);
    expect(sleep).not.toHaveBeenCalled();
  });

  test('a zero delay with the system clock starts no setTimeout', async () => {
    const spy = jest.spyOn(globalThis, 'setTimeout');
    try {
      let n = 0;
      const value = await retry(async () => { if (++n < 3) throw networkError(); return n; }, { initialDelay: 0, registry: false });
      expect(value).toBe(3);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  test('withRetry keeps this, the arguments and the name', async () => {
    const counter = {
      base: 10,
      add: withRetry(async function (this: { base: number }, a: number, b: number) { return this.base + a + b; }, { registry }),
    };
    await expect(counter.add(1, 2)).resolves.toBe(13);
    async function fetchUser(): Promise<number> { return 1; }
    expect(withRetry(fetchUser).name).toBe('fetchUser');
  });

  test('operation names: option, then the function name, then anonymous', async () => {
    await withRetry(async function load() { return 1; }, { registry })();
    await withRetry(async () => 1, { registry })();
    await withRetry(async () => 1, { registry, operationName: 'named' })();
    expect(Object.keys(registry.getStatistics().operations).sort()).toEqual(['anonymous', 'load', 'named']);
  });

  test('a synchronous throw from the function counts as a failed attempt', async () => {
    let n = 0;
    const out = await drive(clock, retry(() => { if (++n === 1) throw networkError(); return n; }, { clock, registry }));
    expect(out).toMatchObject({ ok: true, value: 2 });
  });

  test('bad options are rejected when the wrapper is created, and the caller object is untouched', () => {
    const options = Object.freeze({ maxRetries: -1 });
    expect(() => withRetry(async () => 1, options)).toThrow(/`maxRetries`.*-1/);
    const good = { maxRetries: 2, jitter: 'full' as const };
    const copy = { ...good };
    withRetry(async () => 1, good);
    expect(good).toEqual(copy);
    expect(Object.keys(good)).toEqual(['maxRetries', 'jitter']);
  });

  test('retry() rejects (does not throw) on bad options or a non-function', async () => {
    await expect(retry(async () => 1, { initialDelay: Number.NaN })).rejects.toThrow(RangeError);
    await expect(retry(42 as never)).rejects.toThrow(TypeError);
  });
});
