/**
 * Tests written to kill mutants Stryker found surviving in the lean first attempt
 * (src/core/lean-call.ts), the wrapper (src/core/wrapper.ts) and raceAbort
 * (src/core/race-abort.ts): retryOnResult on a first attempt, the onSuccess event of a
 * first-time success, a hostile promise, the caller frame of a 3-argument call, the wrapper's
 * property descriptors, and raceAbort's abort paths and listener removal.
 */
import { getEventListeners } from 'node:events';
import { raceAbort } from '../../src/engine/race-abort.js';
import { withRetry } from '../../src/api/with-retry.js';
import { retry } from '../../src/api/retry.js';
import type { RetryEvent } from '../../src/engine/types.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { drive, networkError } from '../helpers/drive.js';

describe('lean first attempt: retryOnResult', () => {
  it('judges the first result even with no hook, registry or retryIf (not timed)', async () => {
    // kills lean-call:67 ConditionalExpression -> true, and EqualityOperator -> !==
    // (`registry: false`: the default registry would make the call timed)
    const clock = new ManualClock();
    const results = ['bad', 'good'];
    let calls = 0;
    const fn = withRetry(async () => results[calls++], { clock, registry: false, retryOnResult: (v) => v === 'bad', maxRetries: 2 });
    const out = await drive(clock, fn());
    expect(out).toMatchObject({ ok: true, value: 'good' });
    expect(calls).toBe(2);
  });

  it('a result retryOnResult accepts is a success on the first call', async () => {
    // kills lean-call:81 ConditionalExpression -> true
    const clock = new ManualClock();
    let calls = 0;
    const fn = withRetry(async () => { calls++; return 'ok'; }, { clock, retryOnResult: () => false, maxRetries: 2 });
    const out = await drive(clock, fn());
    expect(out).toMatchObject({ ok: true, value: 'ok', at: 0 });
    expect(calls).toBe(1);
  });

  it('a throwing retryOnResult ends the call with its error, even a retryable one', async () => {
    // kills lean-call:78 BlockStatement -> {}, lean-call:79 BooleanLiteral (isError) -> false,
    // lean-call:79 BooleanLiteral (predicateThrew) -> false
    const clock = new ManualClock();
    const thrown = networkError('predicate broke');
    let calls = 0;
    const fn = withRetry(async () => { calls++; return 'v'; }, {
      clock, maxRetries: 3, retryOnResult: () => { throw thrown; },
    });
    const out = await drive(clock, fn());
    expect(out).toMatchObject({ ok: false, error: thrown });
    expect(calls).toBe(1);
  });

  it('the retry() form also ends on a throwing retryOnResult', async () => {
    // kills lean-call:79 BooleanLiteral (predicateThrew) -> false (leanCall path)
    const clock = new ManualClock();
    const thrown = networkError('predicate broke');
    let calls = 0;
    const out = await drive(clock, retry(async () => { calls++; return 1; }, { clock, maxRetries: 3, retryOnResult: () => { throw thrown; } }));
    expect(out).toMatchObject({ ok: false, error: thrown });
    expect(calls).toBe(1);
  });
});

describe('lean first attempt: a promise whose constructor getter throws', () => {
  it('fails the attempt with the getter\'s error', async () => {
    // kills lean-call:62 BooleanLiteral (isError) -> false
    const clock = new ManualClock();
    const thrown = networkError('constructor getter');
    let calls = 0;
    const fn = withRetry(() => {
      calls++;
      const promise = Promise.resolve('never seen');
      Object.defineProperty(promise, 'constructor', { get() { throw thrown; } });
      return promise;
    }, { clock, maxRetries: 0 });
    const out = await drive(clock, fn());
    expect(out).toMatchObject({ ok: false, error: thrown });
    expect(calls).toBe(1);
  });
});

describe('lean first attempt: onSuccess', () => {
  it('tells onSuccess the elapsed time of the first attempt, not now + start', async () => {
    // kills lean-call:93 ArithmeticOperator -> p.clock.now() + t0
    const clock = new ManualClock(1_000);
    const events: RetryEvent<string>[] = [];
    const fn = withRetry(async () => 'ok', { clock, maxRetries: 4, operationName: 'op', onSuccess: (e) => { events.push(e); } });
    const out = await drive(clock, fn());
    expect(out).toMatchObject({ ok: true, value: 'ok' });
    expect(events).toEqual([{ operationName: 'op', attempt: 1, result: 'ok', delay: 0, retriesLeft: 4, elapsedMs: 0 }]);
  });
});

describe('wrapper', () => {
  it('calls the function straight from the wrapper with exactly 3 arguments', async () => {
    // kills wrapper:22 EqualityOperator (first) n > 3 -> n >= 3 (3 arguments would go through runCall/leanCall)
    let caller = '';
    let seen: unknown[] = [];
    const fn = withRetry(function target(a: number, b: number, c: number) {
      caller = new Error().stack!.split('\n')[2] ?? '';
      seen = [a, b, c];
      return Promise.resolve(a + b + c);
    });
    await expect(fn(1, 2, 3)).resolves.toBe(6);
    expect(seen).toEqual([1, 2, 3]);
    expect(caller).not.toMatch(/leanCall|runCall/);
    expect(caller).toMatch(/wrapper\.ts/);
  });

  it('keeps name and length configurable, like a function\'s own', () => {
    // kills wrapper:33 BooleanLiteral -> false and wrapper:34 BooleanLiteral -> false
    const fn = withRetry(function named(_a: number, _b: number) { return 1; });
    expect(Object.getOwnPropertyDescriptor(fn, 'name')).toEqual({ value: 'named', configurable: true, enumerable: false, writable: false });
    expect(Object.getOwnPropertyDescriptor(fn, 'length')).toEqual({ value: 2, configurable: true, enumerable: false, writable: false });
  });
});

describe('raceAbort', () => {
  it('rejects at once with the reason of an already aborted signal, even if the value settles', async () => {
    // kills race-abort:6 ConditionalExpression -> false and race-abort:6 BlockStatement -> {}
    const controller = new AbortController();
    const reason = new Error('gone');
    controller.abort(reason);
    await expect(raceAbort(Promise.resolve('value'), controller.signal)).rejects.toBe(reason);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('settles with the value when the signal never aborts, and removes its listener', async () => {
    // kills race-abort:15 StringLiteral -> ""
    const controller = new AbortController();
    await expect(raceAbort(Promise.resolve('value'), controller.signal)).resolves.toBe('value');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects with the value\'s error when it fails first, and removes its listener', async () => {
    // kills race-abort:19 StringLiteral -> ""
    const controller = new AbortController();
    const error = new Error('attempt failed');
    await expect(raceAbort(Promise.reject(error), controller.signal)).rejects.toBe(error);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('an attempt cut off by its signal rejects with the reason and leaves no listener behind', async () => {
    // kills race-abort:12 ObjectLiteral -> {} and race-abort:12 BooleanLiteral -> false
    const controller = new AbortController();
    const reason = new Error('timed out');
    const never = new Promise<string>(() => undefined);
    const raced = raceAbort(never, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(reason);
    await expect(raced).rejects.toBe(reason);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
