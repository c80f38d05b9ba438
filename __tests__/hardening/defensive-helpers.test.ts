/**
 * The helpers that face hostile values: reading members of values that fight back, the error
 * summaries kept in history, hook error reporting, and the system clock.
 */
import { getEventListeners } from 'node:events';
import vm from 'node:vm';
import { MAX_TIMER_DELAY, systemClock } from '../../src/engine/clock.js';
import { MAX_MESSAGE_LENGTH, summarizeError } from '../../src/registry/error-summary.js';
import { reportHookError, resetHookWarnings } from '../../src/observers/hook-errors.js';

// Warnings are printed once per hook and operation: each test here starts with none printed.
beforeEach(() => resetHookWarnings());
import { describe as describeValue, isErrorLike, safeGet } from '../../src/observers/safe.js';

/** A `Proxy` whose every trap throws. */
function hostileProxy(): object {
  const trap = (): never => {
    throw new Error('trap');
  };
  return new Proxy({}, { get: trap, has: trap, getPrototypeOf: trap, ownKeys: trap, getOwnPropertyDescriptor: trap });
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

describe('safeGet', () => {
  it('reads nothing from primitives, even where the wrapper object has the key', () => {
    // `value === null && ...` in the guard; the primitive half of the guard forced to false
    expect(safeGet('abc', 'length')).toBeUndefined();
    expect(safeGet(42, 'toFixed')).toBeUndefined();
    expect(safeGet(true, 'valueOf')).toBeUndefined();
    expect(safeGet(Symbol('s'), 'description')).toBeUndefined();
    expect(safeGet(null, 'x')).toBeUndefined();
    expect(safeGet(undefined, 'x')).toBeUndefined();
  });

  it('reads objects and functions, and turns a throwing read into undefined', () => {
    const fn = Object.assign(() => 1, { code: 'E' });
    expect(safeGet(fn, 'code')).toBe('E');
    expect(safeGet({ a: 1 }, 'a')).toBe(1);
    expect(safeGet(hostileProxy(), 'a')).toBeUndefined();
    expect(safeGet(revokedProxy(), 'a')).toBeUndefined();
    const getter = Object.defineProperty({}, 'x', { get: () => { throw new Error('getter'); } });
    expect(safeGet(getter, 'x')).toBeUndefined();
  });
});

describe('isErrorLike', () => {
  it('never takes a primitive or a function for an error, even one with a string message', () => {
    // `return false` -> `return true`; the object guard forced to false / turned into `&&`
    expect(isErrorLike('boom')).toBe(false);
    expect(isErrorLike(1)).toBe(false);
    expect(isErrorLike(undefined)).toBe(false);
    expect(isErrorLike(null)).toBe(false);
    expect(isErrorLike(Object.assign(() => 1, { message: 'looks like one' }))).toBe(false);
  });

  it('takes an Error for an error whatever its message holds', () => {
    // the try block emptied; `value instanceof Error` -> false (no [[ErrorData]], so only instanceof sees it)
    const protoError = Object.assign(Object.create(Error.prototype) as object, { message: 42 });
    expect(isErrorLike(protoError)).toBe(true);
    expect(isErrorLike(Object.assign(new Error('x'), { message: 42 }))).toBe(true);
  });

  it('takes an Error from another realm for an error whatever its message holds', () => {
    // the `[object Error]` check forced to false, or compared with ''
    const foreign: unknown = vm.runInNewContext('const e = new Error("x"); e.message = 5; e');
    expect(foreign instanceof Error).toBe(false);
    expect(isErrorLike(foreign)).toBe(true);
  });

  it('takes a plain object with a string message for an error, and not one without', () => {
    expect(isErrorLike({ message: 'm' })).toBe(true);
    expect(isErrorLike({ message: 1 })).toBe(false);
  });

  it('gives up on a value whose prototype cannot be read, even if it reports a string message', () => {
    // the catch block emptied (it would fall through to reading `message`)
    const proxy = new Proxy({}, {
      get: () => 'a string',
      getPrototypeOf: () => {
        throw new Error('trap');
      },
    });
    expect(isErrorLike(proxy)).toBe(false);
    expect(isErrorLike(hostileProxy())).toBe(false);
  });
});

describe('describe()', () => {
  it('describes -0 as -0', () => {
    // '-0' -> ''
    expect(describeValue(-0)).toBe('-0');
    expect(describeValue(0)).toBe('0');
  });

  it('cuts strings over 60 characters to 57 plus an ellipsis, and keeps 60', () => {
    // `> 60` -> `>= 60` or false; the template -> ``; `value.slice(0, 57)` -> value
    const sixty = 'y'.repeat(60);
    expect(describeValue(sixty)).toBe(JSON.stringify(sixty));
    expect(describeValue('z'.repeat(61))).toBe(JSON.stringify(`${'z'.repeat(57)}...`));
  });

  it('describes a symbol by its String()', () => {
    // case 'symbol' -> case ''
    expect(describeValue(Symbol('tag'))).toBe('Symbol(tag)');
  });

  it('describes an object with no constructor as an object', () => {
    // the constructor-name condition forced to true or made `||` (reads `.name` of undefined); '' -> 'Stryker was here!'
    expect(describeValue(Object.create(null))).toBe('an object');
    expect(describeValue({ constructor: 'Pool' })).toBe('an object');
  });

  it('ignores a constructor whose name is not a string', () => {
    // `typeof ctor.name === 'string'` -> true
    function Pool(): void {}
    Object.defineProperty(Pool, 'name', { value: 42 });
    expect(describeValue({ constructor: Pool })).toBe('an object');
    class Named {}
    expect(describeValue(new Named())).toBe('an instance of Named');
  });

  it('describes a value that throws on inspection as unreadable', () => {
    // the catch block emptied (would return undefined); 'an unreadable value' -> ''
    expect(describeValue(revokedProxy())).toBe('an unreadable value');
    class Pool {
      static get name(): string {
        throw new Error('no name');
      }
    }
    expect(describeValue(new Pool())).toBe('an unreadable value');
  });
});

describe('summarizeError', () => {
  it('summarizes non-error throws by their type', () => {
    expect(summarizeError('boom')).toStrictEqual({ name: 'string', message: 'boom' });
    expect(summarizeError(undefined)).toStrictEqual({ name: 'undefined', message: 'undefined' });
    expect(summarizeError(null)).toStrictEqual({ name: 'null', message: 'null' });
    expect(summarizeError(7)).toStrictEqual({ name: 'number', message: '7' });
  });

  it('names an error with an empty or non-string name Error', () => {
    // `rawName.length > 0` -> true or `>= 0`
    expect(summarizeError({ name: '', message: 'm' }).name).toBe('Error');
    expect(summarizeError({ name: 5, message: 'm' }).name).toBe('Error');
    expect(summarizeError({ name: 'TypeError', message: 'm' }).name).toBe('TypeError');
  });

  it('has no code key at all when the error has no string or number code', () => {
    // the code condition forced to true (would add `code: undefined`); `!== 'number'`
    const none = summarizeError(new Error('m'));
    expect(none).toStrictEqual({ name: 'Error', message: 'm' });
    expect('code' in none).toBe(false);
    const objectCode = summarizeError(Object.assign(new Error('m'), { code: { errno: 1 } }));
    expect('code' in objectCode).toBe(false);
  });

  it('keeps a numeric code as a number and a string code as a string', () => {
    // `typeof rawCode === 'number'` -> false or `'number'` -> ''; the string test forced to true (cut() of a number throws)
    expect(summarizeError(Object.assign(new Error('m'), { code: 42 }))).toStrictEqual({ name: 'Error', message: 'm', code: 42 });
    expect(summarizeError(Object.assign(new Error('m'), { code: 'ECONNRESET' }))).toStrictEqual({ name: 'Error', message: 'm', code: 'ECONNRESET' });
  });

  const head = MAX_MESSAGE_LENGTH - 2; // the index of the last character kept before the ellipsis

  it('drops a high surrogate at the cut, from 0xD800 to 0xDBFF', () => {
    // `last >= 0xd800` -> `>`; `last <= 0xdbff` -> `<`
    for (const pair of ['\ud800\udc00', '\udbff\udfff', '\ud83d\ude00']) {
      const text = `${'a'.repeat(head)}${pair}${'b'.repeat(20)}`;
      expect(summarizeError(new Error(text)).message).toBe(`${'a'.repeat(head)}\u2026`);
    }
  });

  it('keeps a pair that ends exactly at the cut, and any other character there', () => {
    // `last <= 0xdbff` -> true (would drop the low surrogate's pair too)
    const emoji = `${'a'.repeat(head - 1)}\ud83d\ude00${'b'.repeat(20)}`;
    expect(summarizeError(new Error(emoji)).message).toBe(`${'a'.repeat(head - 1)}\ud83d\ude00\u2026`);
    const privateUse = `${'a'.repeat(head)}\ue000${'b'.repeat(20)}`;
    expect(summarizeError(new Error(privateUse)).message).toBe(`${'a'.repeat(head)}\ue000\u2026`);
  });

  it('keeps the head of a long message verbatim, whatever it contains', () => {
    // `.split('')` -> `.split('Stryker was here!')` (would drop every occurrence)
    const text = 'Stryker was here!'.repeat(100);
    const message = summarizeError(new Error(text)).message;
    expect(message).toBe(`${text.slice(0, MAX_MESSAGE_LENGTH - 1)}\u2026`);
    expect(message).toHaveLength(MAX_MESSAGE_LENGTH);
  });
});

describe('reportHookError', () => {
  let emitWarning: jest.SpyInstance;
  beforeEach(() => {
    emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('gives the error to onHookError when given, and warns nothing', () => {
    // the try block emptied
    const seen: unknown[] = [];
    const error = new Error('hook');
    reportHookError(error, 'onSuccess', (e, h) => seen.push(e, h));
    expect(seen).toEqual([error, 'onSuccess']);
    expect(emitWarning).not.toHaveBeenCalled();
  });

  it('warns about the error onHookError itself throws, not the one it was given', () => {
    // the catch block (`error = second`) emptied
    reportHookError(new Error('first'), 'onRetry', () => {
      throw new Error('second');
    });
    expect(emitWarning).toHaveBeenCalledTimes(1);
    expect(emitWarning.mock.calls[0]?.[0]).toBe('maestro-retry: the onRetry hook threw: second');
  });

  it('warns with the message of an error-like value, cut to 500 characters', () => {
    // `message.slice(0, 500)` -> message
    reportHookError(new Error('x'.repeat(600)), 'onRetry');
    expect(emitWarning).toHaveBeenCalledTimes(1);
    expect(emitWarning).toHaveBeenCalledWith(`maestro-retry: the onRetry hook threw: ${'x'.repeat(500)}`, { type: 'MaestroRetryWarning', code: 'MAESTRO_RETRY_HOOK_ERROR' });
  });

  it('warns with describe() of a throw that has no string message', () => {
    // `typeof message === 'string'` -> true (would call .slice on undefined)
    reportHookError(42, 'onGiveUp');
    reportHookError({ message: 7 }, 'subscribe');
    expect(emitWarning.mock.calls.map((c: unknown[]) => c[0])).toEqual(['maestro-retry: the onGiveUp hook threw: 42', 'maestro-retry: the subscribe hook threw: an object']);
  });

  it('falls back to console.warn when process.emitWarning is not a function', () => {
    // the process condition forced to true, made `||`, or its emitWarning half forced to true; the else block emptied
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const saved = Object.getOwnPropertyDescriptor(process, 'emitWarning')!;
    Object.defineProperty(process, 'emitWarning', { value: undefined, configurable: true, writable: true });
    try {
      reportHookError(new Error('lost?'), 'onRetry');
    } finally {
      Object.defineProperty(process, 'emitWarning', saved);
    }
    expect(warn.mock.calls).toEqual([['maestro-retry: the onRetry hook threw: lost?']]);
  });

  it('falls back to console.warn where there is no process at all', () => {
    // `typeof process !== 'undefined'` forced to true, or compared with ''
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'process')!;
    Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
    try {
      reportHookError(new Error('browser'), 'onSuccess');
    } finally {
      Object.defineProperty(globalThis, 'process', saved);
    }
    expect(warn.mock.calls).toEqual([['maestro-retry: the onSuccess hook threw: browser']]);
  });
});



describe('systemClock', () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('now() is epoch ms: timeOrigin plus performance.now()', () => {
    // `TIME_ORIGIN + performance.now()` -> `-`
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(1000);
    const now = jest.spyOn(performance, 'now');
    now.mockReturnValue(5_000);
    const a = systemClock.now();
    now.mockReturnValue(6_500);
    expect(systemClock.now() - a).toBe(1_500);
    expect(a).toBe(performance.timeOrigin + 5_000);
  });

  it('rejects at once, arming no timer, with an already-aborted signal', async () => {
    // `signal?.aborted` -> false (would arm a timer and resolve after the delay)
    jest.useFakeTimers();
    const reason = new Error('stop');
    const slept = systemClock.sleep(1_000, AbortSignal.abort(reason));
    expect(jest.getTimerCount()).toBe(0);
    await expect(slept).rejects.toBe(reason);
  });

  it('removes its abort listener once the sleep ends', async () => {
    // 'abort' -> '' in removeEventListener (a long-lived signal would collect one listener per sleep)
    jest.useFakeTimers();
    const controller = new AbortController();
    const slept = systemClock.sleep(100, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    jest.advanceTimersByTime(100);
    await expect(slept).resolves.toBeUndefined();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('splits a sleep longer than 2^31-1 ms into chained timers', async () => {
    jest.useFakeTimers();
    const setTimeoutSpy = jest.spyOn(globalThis, 'setTimeout');
    let done = false;
    void systemClock.sleep(MAX_TIMER_DELAY + 10).then(() => {
      done = true;
    });
    expect(setTimeoutSpy.mock.calls.map((c) => c[1])).toEqual([MAX_TIMER_DELAY]);
    jest.advanceTimersByTime(MAX_TIMER_DELAY);
    expect(setTimeoutSpy.mock.calls.map((c) => c[1])).toEqual([MAX_TIMER_DELAY, 10]);
    await Promise.resolve();
    expect(done).toBe(false);
    jest.advanceTimersByTime(10);
    await Promise.resolve();
    expect(done).toBe(true);
  });
});
