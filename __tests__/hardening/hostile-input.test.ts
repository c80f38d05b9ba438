/**
 * Issue 8, item 1: hostile input. Every option against values it must refuse, functions that
 * throw things that are not errors (or errors that fight back), huge messages and absurd
 * server hints. Each gets the documented behaviour: a clear error naming what was wrong, or a
 * sane delay; never a hang, a crash, or a lost original error.
 */
import fc from 'fast-check';
import { retry } from '../../src/api/retry.js';
import { calculateDelay } from '../../src/decision/backoff.js';
import { withRetry } from '../../src/api/with-retry.js';
import { MAX_MESSAGE_LENGTH, summarizeError } from '../../src/registry/error-summary.js';
import type { RetryOptions } from '../../src/engine/options.js';
import type { GiveUpEvent, GiveUpReason, RetryEvent } from '../../src/engine/types.js';
import { isRetryExhaustedError } from '../../src/errors/retry-exhausted-error.js';
import { isRetryTimeoutError } from '../../src/errors/retry-timeout-error.js';
import { RetryRegistry } from '../../src/registry/retry-registry.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { drive } from '../helpers/drive.js';

const ok = async (): Promise<number> => 1;
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The message must name the option (in backticks) and show the value it got. */
function namesOptionAndValue(option: string, shown: string): RegExp {
  return new RegExp(`option \`${escape(option)}\`.* got ${escape(shown)}$`);
}

type Bad = readonly [label: string, value: unknown, error: typeof TypeError | typeof RangeError, shown: string];

const arrow = (): void => undefined;
const method = { handler(): void {} }.handler;
async function asyncFn(): Promise<void> {}

/** Values no option of any kind accepts, with how the message shows them. */
const wrongType: Bad[] = [
  ['a string', 'abc', TypeError, '"abc"'],
  ['null', null, TypeError, 'null'],
  ['an object', {}, TypeError, 'an object'],
  ['a boolean', true, TypeError, 'true'],
];
const numericBad: Bad[] = [
  ['NaN', NaN, RangeError, 'NaN'],
  ['-1', -1, RangeError, '-1'],
  ['Infinity', Infinity, RangeError, 'Infinity'],
  ['-Infinity', -Infinity, RangeError, '-Infinity'],
  ['above MAX_SAFE_INTEGER', 2 ** 53, RangeError, String(2 ** 53)],
  ['a numeric string', '100', TypeError, '"100"'],
  ['a bigint', 100n, TypeError, '100n'],
  ['an array', [100], TypeError, 'an array of length 1'],
  ...wrongType,
];
const nonFunctions: Bad[] = [
  ['NaN', NaN, TypeError, 'NaN'],
  ['-1', -1, TypeError, '-1'],
  ['Infinity', Infinity, TypeError, 'Infinity'],
  ...wrongType,
];
const nonObjects: Bad[] = [
  ['NaN', NaN, TypeError, 'NaN'],
  ['-1', -1, TypeError, '-1'],
  ['Infinity', Infinity, TypeError, 'Infinity'],
  ['a function', arrow, TypeError, 'function arrow'],
  ...wrongType,
];
const badClassLists: Bad[] = [
  ['NaN', NaN, TypeError, 'NaN'],
  ['-1', -1, TypeError, '-1'],
  ['Infinity', Infinity, TypeError, 'Infinity'],
  ['a class not in an array', TypeError, TypeError, 'function TypeError'],
  ['a class name as a string', 'TypeError', TypeError, '"TypeError"'],
  ...wrongType,
];
/** [label, list, the option suffix the message names, shown]: each item is checked. */
const badClassItems: ReadonlyArray<readonly [string, unknown[], string, string]> = [
  ['an arrow function', [arrow], '[0]', 'function arrow'],
  ['an anonymous arrow function', [(): void => undefined], '[0]', 'an anonymous function'],
  ['an object method', [method], '[0]', 'function handler'],
  ['an async function', [asyncFn], '[0]', 'function asyncFn'],
  ['a built-in non-constructor', [Math.max], '[0]', 'function max'],
  ['a string after a class', [RangeError, 'TypeError'], '[1]', '"TypeError"'],
  ['null', [null], '[0]', 'null'],
  ['an object', [{}], '[0]', 'an object'],
  ['an instance of a class', [new TypeError('x')], '[0]', 'an instance of TypeError'],
  ['a number', [TypeError, Error, 5], '[2]', '5'],
];

const table: Array<readonly [option: string, ...Bad]> = [
  ...numericBad.map((bad) => ['maxRetries', ...bad] as const),
  ['maxRetries', 'a fraction', 1.5, RangeError, '1.5'],
  ...numericBad.map((bad) => ['initialDelay', ...bad] as const),
  ...numericBad.filter(([label]) => label !== 'Infinity' && label !== 'above MAX_SAFE_INTEGER').map((bad) => ['backoffBase', ...bad] as const),
  ['backoffBase', 'Infinity', Infinity, RangeError, 'Infinity'],
  ['backoffBase', 'below 1', 0.5, RangeError, '0.5'],
  ['backoffBase', '0', 0, RangeError, '0'],
  ...numericBad.map((bad) => ['maxDelay', ...bad] as const),
  ...numericBad.map((bad) => ['timeout', ...bad] as const),
  ['timeout', '0', 0, RangeError, '0'],
  ...numericBad.map((bad) => ['attemptTimeout', ...bad] as const),
  ['attemptTimeout', '0', 0, RangeError, '0'],
  ['jitter', 'NaN', NaN, TypeError, 'NaN'],
  ['jitter', '-1', -1, TypeError, '-1'],
  ['jitter', 'Infinity', Infinity, TypeError, 'Infinity'],
  ['jitter', 'an unknown name', 'random', RangeError, '"random"'],
  ['jitter', 'a name in the wrong case', 'FULL', RangeError, '"FULL"'],
  ['jitter', 'the empty string', '', RangeError, '""'],
  ...wrongType.filter(([label]) => label !== 'a string').map((bad) => ['jitter', ...bad] as const),
  ...badClassLists.map((bad) => ['retryOn', ...bad] as const),
  ...badClassLists.map((bad) => ['abortOn', ...bad] as const),
  ...(['retryIf', 'retryOnResult', 'onRetry', 'onSuccess', 'onGiveUp', 'onHookError', 'random'] as const)
    .flatMap((option) => nonFunctions.map((bad) => [option, ...bad] as const)),
  ...nonObjects.map((bad) => ['signal', ...bad] as const),
  ['signal', 'an object that only looks aborted', { aborted: true }, TypeError, 'an object'],
  ['signal', 'an AbortController instead of its signal', new AbortController(), TypeError, 'an instance of AbortController'],
  ['operationName', 'NaN', NaN, TypeError, 'NaN'],
  ['operationName', '-1', -1, TypeError, '-1'],
  ['operationName', 'Infinity', Infinity, TypeError, 'Infinity'],
  ['operationName', 'the empty string', '', RangeError, '""'],
  ...wrongType.filter(([label]) => label !== 'a string').map((bad) => ['operationName', ...bad] as const),
  ...nonObjects.map((bad) => ['registry', ...bad] as const),
  ['registry', 'true', true, TypeError, 'true'],
  ['registry', 'an object missing getStatistics', { operation() {} }, TypeError, 'an object'],
  ...(['circuitBreaker', 'budget', 'rateLimiter', 'clock'] as const).flatMap((option) => nonObjects.map((bad) => [option, ...bad] as const)),
  ['clock', 'a clock whose now is a number', { now: 5, sleep: async () => undefined }, TypeError, 'an object'],
  ['clock', 'Date', Date, TypeError, 'function Date'],
  ['circuitBreaker', 'a breaker missing onIgnored', { tryAcquire: () => true, onSuccess() {}, onFailure() {} }, TypeError, 'an object'],
  ['wrapError', 'NaN', NaN, TypeError, 'NaN'],
  ['wrapError', '-1', -1, TypeError, '-1'],
  ['wrapError', 'Infinity', Infinity, TypeError, 'Infinity'],
  ['wrapError', 'the string "true"', 'true', TypeError, '"true"'],
  ['wrapError', '1', 1, TypeError, '1'],
  ...wrongType.filter(([label]) => label !== 'a boolean').map((bad) => ['wrapError', ...bad] as const),
];

describe('option validation: every option against hostile values', () => {
  it.each(table)('%s = %s is refused, naming the option and the value', (option, _label, value, ErrorClass, shown) => {
    const options = { [option]: value } as RetryOptions;
    let thrown: unknown;
    try {
      withRetry(ok, options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ErrorClass);
    expect((thrown as Error).message).toMatch(namesOptionAndValue(option, shown));
  });

  it.each(badClassItems.flatMap(([label, list, suffix, shown]) => [
    ['retryOn', label, list, suffix, shown] as const,
    ['abortOn', label, list, suffix, shown] as const,
  ]))('%s holding %s is refused, naming the item', (option, _label, list, suffix, shown) => {
    expect(() => withRetry(ok, { [option]: list })).toThrow(TypeError);
    expect(() => withRetry(ok, { [option]: list })).toThrow(namesOptionAndValue(`${option}${suffix}`, shown));
  });

  it('accepts classes in retryOn / abortOn: built-in errors, user classes, plain constructor functions', () => {
    class MyError extends Error {}
    function Legacy(this: unknown): void {}
    expect(() => withRetry(ok, { retryOn: [TypeError, MyError, Legacy as never], abortOn: [RangeError, DOMException] })).not.toThrow();
  });

  it('gives retry() the same verdicts as a rejected promise, without calling the function', async () => {
    const fn = jest.fn(ok);
    for (const [option, , value, ErrorClass, shown] of table) {
      const call = retry(fn, { [option]: value } as RetryOptions);
      await expect(call).rejects.toBeInstanceOf(ErrorClass);
      await expect(call).rejects.toThrow(namesOptionAndValue(option, shown));
    }
    expect(fn).not.toHaveBeenCalled();
  });

  it('refuses options that are not an object', () => {
    for (const [options, shown] of [[null, 'null'], ['fast', '"fast"'], [3, '3'], [[], 'an array of length 0']] as const) {
      expect(() => withRetry(ok, options as unknown as RetryOptions)).toThrow(TypeError);
      expect(() => withRetry(ok, options as unknown as RetryOptions)).toThrow(namesOptionAndValue('options', shown));
    }
  });

  it('lets undefined stand for the default of every option', () => {
    const options = Object.fromEntries(table.map(([option]) => [option, undefined])) as RetryOptions;
    expect(() => withRetry(ok, options)).not.toThrow();
  });
});

describe('calculateDelay against hostile input', () => {
  it.each<[unknown, typeof TypeError | typeof RangeError, string]>([
    [NaN, RangeError, 'NaN'], [0, RangeError, '0'], [-1, RangeError, '-1'], [1.5, RangeError, '1.5'], [Infinity, RangeError, 'Infinity'],
    ['1', TypeError, '"1"'], [null, TypeError, 'null'], [undefined, TypeError, 'undefined'],
  ])('refuses retryNumber %p, naming it', (retryNumber, ErrorClass, shown) => {
    expect(() => calculateDelay(retryNumber as number)).toThrow(ErrorClass);
    expect(() => calculateDelay(retryNumber as number)).toThrow(namesOptionAndValue('retryNumber', shown));
  });

  it.each<[unknown, string]>([[null, 'null'], ['fast', '"fast"'], [5, '5'], [[], 'an array of length 0']])('refuses options %p, naming them', (options, shown) => {
    expect(() => calculateDelay(1, options as object)).toThrow(TypeError);
    expect(() => calculateDelay(1, options as object)).toThrow(namesOptionAndValue('options', shown));
  });

  it('validates its options like the wrappers do, previousDelay included', () => {
    expect(() => calculateDelay(1, { initialDelay: NaN })).toThrow(namesOptionAndValue('initialDelay', 'NaN'));
    expect(() => calculateDelay(1, { jitter: 'decorrelated', previousDelay: -1 })).toThrow(namesOptionAndValue('previousDelay', '-1'));
    expect(() => calculateDelay(1, { initialDelay: 10, maxDelay: 5 })).toThrow(RangeError);
  });

  it('stays finite and capped for a huge retry number', () => {
    expect(calculateDelay(10_000)).toBe(30_000);
    expect(calculateDelay(Number.MAX_SAFE_INTEGER, { backoffBase: 1.0001 })).toBe(30_000);
    expect(calculateDelay(2000, { jitter: 'decorrelated', previousDelay: Number.MAX_SAFE_INTEGER, random: () => 0.999 })).toBe(30_000);
  });

  it('refuses a random that answers outside [0, 1), at the call that needs it', async () => {
    for (const value of [NaN, 1, -0.1, 2]) {
      expect(() => calculateDelay(1, { jitter: 'full', random: () => value })).toThrow(/`random` must return a number in \[0, 1\), returned/);
      const registry = new RetryRegistry();
      const clock = new ManualClock();
      const settled = await drive(clock, withRetry(failing(1), { clock, registry, jitter: 'full', random: () => value })());
      expect(settled.ok).toBe(false);
      expect(settled.ok ? undefined : settled.error).toBeInstanceOf(RangeError);
      expect(registry.getStatistics()).toMatchObject({ calls: 1, failures: 1, inFlight: 0 });
      expect(clock.pendingTimers).toBe(0);
    }
  });
});

describe('option validation: the cross-option rules', () => {
  let clock: ManualClock;
  let registry: RetryRegistry;
  beforeEach(() => {
    clock = new ManualClock();
    registry = new RetryRegistry();
  });

  it('refuses maxRetries: Infinity without a timeout', () => {
    expect(() => withRetry(ok, { maxRetries: Infinity })).toThrow(RangeError);
    expect(() => withRetry(ok, { maxRetries: Infinity })).toThrow(/option `maxRetries`.*timeout.* got Infinity$/);
  });

  it('accepts maxRetries: Infinity with a timeout, and the timeout ends the call', async () => {
    let attempts = 0;
    const reasons: GiveUpReason[] = [];
    const call = withRetry(async () => {
      attempts++;
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }, { maxRetries: Infinity, timeout: 10_000, initialDelay: 1000, backoffBase: 1, clock, registry, onGiveUp: (e) => reasons.push(e.reason) })();
    const settled = await drive(clock, call);
    expect(settled.ok).toBe(false);
    expect(isRetryTimeoutError(settled.ok ? undefined : settled.error)).toBe(true);
    expect(reasons).toEqual(['timeout']);
    expect(attempts).toBe(10); // attempts at 0, 1000, ..., 9000; the next delay would reach the deadline
    expect(settled.at).toBeLessThanOrEqual(10_000);
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses a maxDelay given below a given initialDelay, naming maxDelay and its value', () => {
    expect(() => withRetry(ok, { initialDelay: 5000, maxDelay: 4999 })).toThrow(RangeError);
    expect(() => withRetry(ok, { initialDelay: 5000, maxDelay: 4999 })).toThrow(/option `maxDelay` must be at least `initialDelay` \(5000\), got 4999$/);
    expect(() => withRetry(ok, { initialDelay: 5000, maxDelay: 5000 })).not.toThrow();
  });

  it('accepts initialDelay: 60000 alone and caps every delay at the default maxDelay', async () => {
    const delays: number[] = [];
    const call = withRetry(failing(2), { initialDelay: 60_000, clock, registry, onRetry: (e) => { delays.push(e.delay); } })();
    const settled = await drive(clock, call);
    expect(settled).toEqual({ ok: true, value: 'done', at: 60_000 });
    expect(delays).toEqual([30_000, 30_000]);
  });

  it('accepts maxDelay alone below the default initialDelay, and caps the first delay at it', async () => {
    const delays: number[] = [];
    const settled = await drive(clock, withRetry(failing(1), { maxDelay: 250, clock, registry, onRetry: (e) => { delays.push(e.delay); } })());
    expect(settled.ok).toBe(true);
    expect(delays).toEqual([250]);
  });

  it('accepts delays and deadlines above 2^31-1 ms up to Number.MAX_SAFE_INTEGER', () => {
    expect(() => withRetry(ok, { maxDelay: 2 ** 31, initialDelay: 2 ** 31, timeout: Number.MAX_SAFE_INTEGER, attemptTimeout: 2 ** 40 })).not.toThrow();
    expect(() => withRetry(ok, { timeout: Number.MAX_SAFE_INTEGER + 2 })).toThrow(RangeError);
  });
});

/** Fails `n` times with a transient error, then resolves 'done'. */
function failing(n: number): () => Promise<string> {
  let left = n;
  return async () => {
    if (left-- > 0) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    return 'done';
  };
}

describe('validation happens once, when the wrapper is created', () => {
  it('throws from withRetry itself, before any call, and never calls fn', () => {
    const fn = jest.fn(ok);
    expect(() => withRetry(fn, { maxRetries: -1 })).toThrow(RangeError);
    expect(fn).not.toHaveBeenCalled();
  });

  it('does not read the options again: changing them after creation changes nothing', async () => {
    const clock = new ManualClock();
    const options: { maxRetries: unknown; initialDelay: unknown; clock: ManualClock; registry: RetryRegistry } = {
      maxRetries: 1, initialDelay: 100, clock, registry: new RetryRegistry(),
    };
    const wrapped = withRetry(failing(5), options as RetryOptions<string>);
    options.maxRetries = 'lots';
    options.initialDelay = -5;
    const settled = await drive(clock, wrapped());
    expect(settled.ok).toBe(false);
    expect(settled.at).toBe(100);
    expect(options.registry.getStatistics().attempts).toBe(2);
  });

  it('never modifies the caller options object, frozen or not, through calls that retry and fail', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const retryOn = Object.freeze([SyntaxError]);
    const abortOn = Object.freeze([RangeError]);
    const hooks = { onRetry: () => undefined, onGiveUp: () => undefined, onSuccess: () => undefined };
    const make = (): RetryOptions<string> => ({
      maxRetries: 2, initialDelay: 10, backoffBase: 3, maxDelay: 1000, jitter: 'equal', retryOn, abortOn, timeout: 60_000,
      attemptTimeout: 5000, operationName: 'frozen', registry, clock, random: () => 0.5, ...hooks,
    });
    const frozen = Object.freeze(make());
    const plain = make();
    const before = [Object.getOwnPropertyDescriptors(frozen), Object.getOwnPropertyDescriptors(plain)];
    for (const options of [frozen, plain]) {
      expect((await drive(clock, withRetry(failing(5), options)())).ok).toBe(false);
      expect((await drive(clock, withRetry(failing(1), options)())).ok).toBe(true);
      expect((await drive(clock, retry(failing(1), options))).ok).toBe(true);
    }
    expect([Object.getOwnPropertyDescriptors(frozen), Object.getOwnPropertyDescriptors(plain)]).toEqual(before);
    expect(Object.keys(plain)).toEqual(Object.keys(make()));
    expect(retryOn).toEqual([SyntaxError]);
    expect(abortOn).toEqual([RangeError]);
  });
});

describe('a function that is not a function', () => {
  it.each<[string, unknown, string]>([
    ['null', null, 'null'], ['undefined', undefined, 'undefined'], ['a string', 'fetchUser', 'string'], ['a number', 42, 'number'],
    ['an object', { call() {} }, 'object'], ['a promise', Promise.resolve(1), 'object'],
  ])('withRetry refuses %s with a TypeError, and retry rejects with one', async (_label, fn, shown) => {
    expect(() => withRetry(fn as () => void)).toThrow(TypeError);
    expect(() => withRetry(fn as () => void)).toThrow(new RegExp(`withRetry\\(\\) needs a function to wrap, got ${shown}$`));
    await expect(retry(fn as () => void)).rejects.toThrow(new RegExp(`retry\\(\\) needs a function to call, got ${shown}$`));
  });
});

/** An object that throws from every trap, `typeof` aside. */
function hostileProxy(): object {
  const fail = (trap: string) => () => { throw new Error(`proxy trap ${trap}`); };
  return new Proxy({}, {
    get: fail('get'), set: fail('set'), has: fail('has'), deleteProperty: fail('deleteProperty'), ownKeys: fail('ownKeys'),
    getPrototypeOf: fail('getPrototypeOf'), setPrototypeOf: fail('setPrototypeOf'), getOwnPropertyDescriptor: fail('getOwnPropertyDescriptor'),
    defineProperty: fail('defineProperty'), isExtensible: fail('isExtensible'), preventExtensions: fail('preventExtensions'),
  });
}

/** An error every property of which throws when read. */
function errorWithThrowingGetters(): Error {
  const error = new Error('placeholder');
  for (const key of ['stack', 'message', 'name', 'code', 'cause', 'status', 'statusCode', 'response', 'headers', 'retryAfter', 'constructor', '$metadata']) {
    Object.defineProperty(error, key, { get() { throw new Error(`getter ${key}`); }, configurable: true });
  }
  return error;
}

/** Settles `call`, catching without resolving a promise with the rejection (a hostile Proxy must not be probed for `then`). */
async function rejectionOf(call: Promise<unknown>): Promise<{ rejected: boolean; reason: unknown }> {
  try {
    await call;
    return { rejected: false, reason: undefined };
  } catch (reason) {
    return { rejected: true, reason };
  }
}

describe('functions that throw hostile values', () => {
  const thrown: Array<readonly [label: string, make: () => unknown, errorName: string]> = [
    ['null', () => null, 'null'],
    ['a string', () => 'ECONNRESET: connection reset', 'string'],
    ['a number', () => 503, 'number'],
    ['a symbol', () => Symbol('boom'), 'symbol'],
    ['a frozen object', () => Object.freeze({ reason: 'frozen', nested: Object.freeze({ deep: true }) }), 'Error'],
    ['an object whose property getters throw', errorWithThrowingGetters, 'Error'],
    ['a Proxy that throws on every access', hostileProxy, 'Error'],
    ['a function', () => function thrownFunction() {}, 'thrownFunction'],
  ];

  it.each(thrown)('rejects with exactly the thrown %s, counted in the registry, sync or async', async (_label, make, errorName) => {
    for (const style of ['sync', 'async'] as const) {
      const value = make();
      const registry = new RetryRegistry();
      const clock = new ManualClock();
      const fn = style === 'sync' ? () => { throw value; } : async () => { throw value; };
      const { rejected, reason } = await rejectionOf(withRetry(fn, { registry, clock, operationName: 'hostile' })());
      expect(rejected).toBe(true);
      expect(reason === value).toBe(true);
      const stats = registry.getStatistics('hostile');
      expect(stats).toMatchObject({ calls: 1, failures: 1, attempts: 1, successes: 0, inFlight: 0, giveUpReasons: { 'non-retryable': 1 } });
      expect(stats.operations.hostile?.errorCounts).toEqual({ [errorName]: 1 });
      expect(registry.getHistory('hostile').hostile).toEqual([expect.objectContaining({ attemptNumber: 1, success: false, error: expect.objectContaining({ name: errorName }) })]);
      expect(clock.pendingTimers).toBe(0);
    }
  });

  it('rejects with exactly undefined when fn throws undefined, and counts the failed call', async () => {
    const registry = new RetryRegistry();
    const { rejected, reason } = await rejectionOf(withRetry(() => { throw undefined; }, { registry, operationName: 'undef' })());
    expect(rejected).toBe(true);
    expect(reason).toBeUndefined();
    expect(registry.getStatistics('undef')).toMatchObject({ calls: 1, failures: 1, attempts: 1, inFlight: 0, giveUpReasons: { 'non-retryable': 1 } });
    expect(registry.getHistory('undef').undef).toEqual([expect.objectContaining({ attemptNumber: 1, success: false })]);
  });

  // The loop tells the registry the outcome explicitly, so a thrown `undefined` is recorded.
  it('records a thrown undefined in errorCounts and in the history like a thrown null', async () => {
    const registry = new RetryRegistry();
    await rejectionOf(withRetry(() => { throw undefined; }, { registry, operationName: 'undef' })());
    expect(registry.getStatistics('undef').operations.undef?.errorCounts).toEqual({ undefined: 1 });
    expect(registry.getHistory('undef').undef?.[0]?.error).toEqual({ name: 'undefined', message: 'undefined' });
  });

  it('reaches every hook and predicate with the hostile value without breaking the call', async () => {
    const proxy = hostileProxy();
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const seen: unknown[] = [];
    const onGiveUp = jest.fn((event: GiveUpEvent) => { seen.push(event.error); });
    const call = withRetry(async () => { throw proxy; }, {
      clock, registry, operationName: 'proxy', maxRetries: 2, initialDelay: 5,
      retryIf: (error) => { seen.push(error); return true; },
      onRetry: (event: RetryEvent) => { seen.push(event.error); },
      onGiveUp,
    })();
    const settledAt = drive(clock, call.catch(() => 'rejected'));
    expect((await settledAt).ok).toBe(true);
    const { reason } = await rejectionOf(call);
    expect(reason === proxy).toBe(true);
    expect(seen.length).toBe(6); // retryIf x3, onRetry x2, onGiveUp x1
    expect(seen.every((v) => v === proxy)).toBe(true);
    expect(onGiveUp.mock.calls[0]?.[0].reason).toBe('exhausted');
    expect(registry.getStatistics('proxy')).toMatchObject({ attempts: 3, retries: 2, failures: 1 });
  });

  it('retries a frozen transient error and rejects with the same frozen object', async () => {
    const frozen = Object.freeze(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const settled = await drive(clock, withRetry(async () => { throw frozen; }, { clock, registry, operationName: 'frozen', maxRetries: 2 })());
    expect(settled.ok ? undefined : settled.error).toBe(frozen);
    expect(registry.getStatistics('frozen')).toMatchObject({ attempts: 3, giveUpReasons: { exhausted: 1 } });
    expect(registry.getStatistics('frozen').operations.frozen?.errorCounts).toEqual({ Error: 3 });
  });

  it('wraps a hostile value as the cause of a RetryExhaustedError with wrapError', async () => {
    for (const value of [undefined, null, 'str', hostileProxy(), errorWithThrowingGetters()]) {
      const { reason } = await rejectionOf(withRetry(() => { throw value; }, { registry: false, wrapError: true })());
      expect(isRetryExhaustedError(reason)).toBe(true);
      const wrapped = reason as Error & { errors: unknown[]; attempts: unknown[]; reason: string };
      expect(wrapped.cause === value).toBe(true);
      expect(wrapped.errors.length).toBe(1);
      expect(wrapped.errors[0] === value).toBe(true);
      expect(wrapped.reason).toBe('non-retryable');
      expect(wrapped.attempts).toHaveLength(1);
    }
  });
});

describe('causes that loop or run deep, at the loop level', () => {
  it('gives up at once on an error whose cause chain is a loop', async () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.defineProperty(a, 'cause', { value: b });
    const registry = new RetryRegistry();
    const { reason } = await rejectionOf(withRetry(() => { throw a; }, { registry })());
    expect(reason).toBe(a);
    expect(registry.getStatistics().giveUpReasons).toEqual({ 'non-retryable': 1 });
  });

  it('retries a deep chain only when the transient cause is within 10 links', async () => {
    const nest = (depth: number): Error => {
      let e: Error = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      for (let i = 0; i < depth; i++) e = new Error(`wrap ${i}`, { cause: e });
      return e;
    };
    for (const [depth, attempts] of [[10, 2], [11, 1], [10_000, 1]] as const) {
      const clock = new ManualClock();
      const registry = new RetryRegistry();
      const error = nest(depth);
      const settled = await drive(clock, withRetry(async () => { throw error; }, { clock, registry, maxRetries: 1 })());
      expect(settled.ok ? undefined : settled.error).toBe(error);
      expect(registry.getStatistics().attempts).toBe(attempts);
    }
  });
});

describe('an error message of 10 MB', () => {
  const TEN_MB = 10 * 1024 * 1024;

  it('is retried and recorded, and the history keeps at most 1,024 characters of it', async () => {
    const huge = Object.assign(new Error(`${'x'.repeat(TEN_MB - 7)}timeout`), { code: 'ECONNRESET' });
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const events: RetryEvent[] = [];
    const settled = await drive(clock, withRetry(async () => { throw huge; }, {
      clock, registry, operationName: 'huge', maxRetries: 2, wrapError: true, onRetry: (e) => { events.push(e); },
    })());
    const wrapped = settled.ok ? undefined : (settled.error as Error & { attempts: Array<{ error?: { message: string } }> });
    expect(isRetryExhaustedError(wrapped)).toBe(true);
    expect(wrapped?.cause).toBe(huge);
    expect(events.map((e) => e.error === huge)).toEqual([true, true]);
    const history = registry.getHistory('huge').huge ?? [];
    expect(history).toHaveLength(3);
    for (const attempt of [...history, ...(wrapped?.attempts ?? [])]) {
      expect(attempt.error?.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
      expect(attempt.error?.message.startsWith('xxxxxxxx')).toBe(true);
    }
    expect(registry.getStatistics('huge').operations.huge?.lastError?.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(huge.message.length).toBe(TEN_MB);
  });

  it('caps a 10 MB thrown string and a 1 MB error name too', () => {
    expect(summarizeError('y'.repeat(TEN_MB)).message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    const named = Object.assign(new Error('m'), { name: 'N'.repeat(1024 * 1024), code: 'C'.repeat(1024 * 1024) });
    const summary = summarizeError(named);
    expect(summary.name.length).toBeLessThanOrEqual(128);
    expect(String(summary.code).length).toBeLessThanOrEqual(128);
  });

  it('never cuts a surrogate pair in half', () => {
    const message = `${'a'.repeat(MAX_MESSAGE_LENGTH - 2)}\u{1F600}${'b'.repeat(10)}`;
    const cut = summarizeError(new Error(message)).message;
    expect(cut.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('summarizeError properties', () => {
  it('never throws and always caps the message, for any value', () => {
    fc.assert(fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withNullPrototype: true, withBoxedValues: true }), (value) => {
      const summary = summarizeError(value);
      expect(typeof summary.name).toBe('string');
      expect(typeof summary.message).toBe('string');
      expect(summary.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    }), { numRuns: 500 });
  });

  it('caps any message at 1,024 characters and keeps a short one whole', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), (message) => {
      const summary = summarizeError(new Error(message));
      expect(summary.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
      if (message.length <= MAX_MESSAGE_LENGTH) expect(summary.message).toBe(message);
      else expect(message.startsWith(summary.message.slice(0, -1))).toBe(true);
    }), { numRuns: 300 });
  });

  it('never throws on hostile objects', () => {
    expect(summarizeError(hostileProxy())).toEqual({ name: 'Error', message: '' });
    expect(summarizeError(errorWithThrowingGetters())).toEqual({ name: 'Error', message: '' });
    expect(summarizeError(undefined)).toEqual({ name: 'undefined', message: 'undefined' });
  });
});

describe('hostile Retry-After values at the loop level', () => {
  const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
  const httpDate = (ms: number): string => new Date(ms).toUTCString();

  /** One failure carrying `headers`, then success; reports the first delay or the give-up reason. */
  async function run(headers: Record<string, unknown>, options: RetryOptions<string> = {}): Promise<{ delay?: number; reason?: GiveUpReason; at: number; error?: unknown }> {
    const clock = new ManualClock(NOW);
    const error = Object.assign(new Error('Too Many Requests'), { status: 429, response: { status: 429, headers } });
    let first = true;
    const out: { delay?: number; reason?: GiveUpReason } = {};
    const call = withRetry(async () => {
      if (first) { first = false; throw error; }
      return 'ok';
    }, { clock, registry: false, onRetry: (e) => { out.delay = e.delay; }, onGiveUp: (e) => { out.reason = e.reason; }, ...options })();
    const settled = await drive(clock, call);
    expect(clock.pendingTimers).toBe(0);
    if (!settled.ok) expect(settled.error).toBe(error);
    return { ...out, at: settled.at - NOW, ...(settled.ok ? {} : { error: settled.error }) };
  }

  it.each(['-1', 'NaN', 'garbage', 'x 2099', 'Retry in 5', '', '1e9', 'Infinity'])('ignores Retry-After %j and waits the computed delay', async (value) => {
    expect(await run({ 'retry-after': value })).toEqual({ delay: 1000, at: 1000 });
  });

  it('ignores a retryAfter of -1 or NaN on the error', async () => {
    for (const retryAfter of [-1, NaN]) {
      const clock = new ManualClock();
      const delays: number[] = [];
      let first = true;
      const call = withRetry(async () => {
        if (first) { first = false; throw Object.assign(new Error('busy'), { status: 503, retryAfter }); }
        return 'ok';
      }, { clock, registry: false, onRetry: (e) => { delays.push(e.delay); } })();
      expect((await drive(clock, call)).ok).toBe(true);
      expect(delays).toEqual([1000]);
    }
  });

  it('treats a date in the past as no extra wait', async () => {
    expect(await run({ 'retry-after': httpDate(NOW - 60_000) })).toEqual({ delay: 1000, at: 1000 });
  });

  it('waits a Retry-After longer than the computed delay', async () => {
    expect(await run({ 'Retry-After': '5' })).toEqual({ delay: 5000, at: 5000 });
    expect(await run({ 'retry-after': httpDate(NOW + 7000) })).toEqual({ delay: 7000, at: 7000 });
  });

  it('gives up with reason retry-after on a date 10 years ahead, without waiting', async () => {
    const result = await run({ 'retry-after': httpDate(Date.UTC(2035, 0, 15, 12, 0, 0)) });
    expect(result.reason).toBe('retry-after');
    expect(result.delay).toBeUndefined();
    expect(result.at).toBe(0);
  });

  it('gives up with reason retry-after on a hint above maxDelay or past the timeout', async () => {
    expect((await run({ 'retry-after': '31' })).reason).toBe('retry-after');
    expect((await run({ 'retry-after': '9'.repeat(400) })).reason).toBe('retry-after');
    expect((await run({ 'retry-after': '20' }, { timeout: 10_000 })).reason).toBe('retry-after');
    expect(await run({ 'retry-after': '30' })).toEqual({ delay: 30_000, at: 30_000 });
  });

  it('waits a Retry-After above 2^31-1 ms for as long as it says when maxDelay allows it', async () => {
    const clock = new ManualClock(NOW);
    const starts: number[] = [];
    let first = true;
    const call = withRetry(async () => {
      starts.push(clock.now() - NOW);
      if (first) { first = false; throw Object.assign(new Error('slow down'), { status: 503, headers: { 'retry-after': '2147484' } }); }
      return 'ok';
    }, { clock, registry: false, maxDelay: Number.MAX_SAFE_INTEGER })();
    await clock.advance(2_147_483_999);
    expect(starts).toEqual([0]);
    await clock.advance(1);
    expect(starts).toEqual([0, 2_147_484_000]);
    await expect(call).resolves.toBe('ok');
  });
});
