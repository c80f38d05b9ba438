import { Retryable } from '../../src/api/retryable.js';
import { withRetry } from '../../src/api/with-retry.js';
import { RetryRegistry } from '../../src/registry/retry-registry.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { drive, networkError } from '../helpers/drive.js';

/**
 * The wrapper passes up to three arguments one by one and reads `arguments` beyond that
 * (src/core/wrapper.ts): every path must still hand the function exactly what the caller
 * passed, on every attempt.
 */
describe('withRetry: the arguments, this, name and length of the wrapped function', () => {
  let clock: ManualClock;
  let registry: RetryRegistry;
  beforeEach(() => {
    clock = new ManualClock();
    registry = new RetryRegistry();
  });

  /** A function that records `this` and its arguments (count included) and fails `failures` times first. */
  function recorder(failures: number, how: 'reject' | 'throw' = 'reject') {
    const calls: Array<{ self: unknown; args: unknown[] }> = [];
    const fn = function (this: unknown, ...args: unknown[]): Promise<number> {
      calls.push({ self: this, args });
      if (calls.length <= failures) {
        if (how === 'throw') throw networkError();
        return Promise.reject(networkError());
      }
      return Promise.resolve(args.length);
    };
    return { fn, calls };
  }

  const argLists: unknown[][] = [[], [1], [1, 'b'], [1, 'b', { c: 3 }], [1, 'b', { c: 3 }, undefined], [1, 2, 3, 4, 5, 6]];

  describe.each([
    ['lean (registry off)', { registry: false as const }],
    ['lean (registry on)', {}],
    ['full path (a deadline)', { timeout: 60_000 }],
    ['with retryOnResult', { retryOnResult: () => false }],
  ])('%s', (_label, extra) => {
    test.each(argLists.map((args) => [args.length, args] as const))('%i arguments reach every attempt exactly', async (_n, args) => {
      for (const how of ['reject', 'throw'] as const) {
        const { fn, calls } = recorder(2, how);
        const self = { me: true };
        const wrapped = withRetry(fn, { clock, registry, ...extra });
        const out = await drive(clock, wrapped.apply(self, args));
        expect(out).toMatchObject({ ok: true, value: args.length });
        expect(calls).toHaveLength(3);
        for (const call of calls) {
          expect(call.self).toBe(self);
          expect(call.args).toEqual(args);
          expect(call.args).toHaveLength(args.length);
        }
      }
    });
  });

  test('an explicit trailing undefined is an argument, as in a direct call', async () => {
    const { fn, calls } = recorder(1);
    const out = await drive(clock, withRetry(fn, { clock, registry })(undefined, undefined));
    expect(out).toMatchObject({ ok: true, value: 2 });
    expect(calls.map((c) => c.args.length)).toEqual([2, 2]);
  });

  test('the wrapper has the function\'s name and length', () => {
    async function threeParams(a: number, b: number, c = 1): Promise<number> { return a + b + c; }
    const wrapped = withRetry(threeParams);
    expect(wrapped.name).toBe('threeParams');
    expect(wrapped.length).toBe(2); // a parameter with a default does not count, as for the function itself
    expect(withRetry(async (...xs: number[]) => xs.length).length).toBe(0);
    expect(withRetry(async (a: number, b: number, c: number, d: number, e: number) => a + b + c + d + e).length).toBe(5);
  });

  test('a function that returns a plain value or a thenable works like one returning a promise', async () => {
    await expect(withRetry((x: number) => x * 2, { registry })(21)).resolves.toBe(42);
    let n = 0;
    const thenable = (x: number): PromiseLike<number> => ({
      then: (ok, fail) => (++n < 2 ? Promise.reject(networkError()).then(ok, fail) : Promise.resolve(x).then(ok, fail)),
    }) as PromiseLike<number>;
    const out = await drive(clock, withRetry(thenable, { clock, registry })(7));
    expect(out).toMatchObject({ ok: true, value: 7 });
    expect(n).toBe(2);
  });



  test('@Retryable passes the arguments the same way', async () => {
    const seen: unknown[][] = [];
    class Api {
      @Retryable({ registry: false, initialDelay: 0 })
      async get(...args: unknown[]): Promise<number> {
        seen.push(args);
        if (seen.length === 1) throw networkError();
        return args.length;
      }
    }
    await expect(new Api().get(1, 2, 3, 4)).resolves.toBe(4);
    await expect(new Api().get()).resolves.toBe(0);
    expect(seen).toEqual([[1, 2, 3, 4], [1, 2, 3, 4], []]);
  });
});

describe('the lean first attempt with hostile results', () => {
  test('a promise whose `constructor` getter throws fails the attempt (it is retried), and the wrapper never throws', async () => {
    const clock = new ManualClock();
    let n = 0;
    const fn = (): Promise<number> => {
      n++;
      const promise = Promise.resolve(n);
      if (n === 1) Object.defineProperty(promise, 'constructor', { get() { throw networkError('constructor getter'); } });
      return promise;
    };
    let returned: Promise<number> | undefined;
    expect(() => { returned = withRetry(fn, { clock, registry: false })(); }).not.toThrow();
    const out = await drive(clock, returned!);
    expect(out).toMatchObject({ ok: true, value: 2 });
    expect(n).toBe(2);
  });

  test('a thenable whose `then` getter throws fails the attempt', async () => {
    const clock = new ManualClock();
    let n = 0;
    const fn = (): PromiseLike<number> | number => {
      if (++n > 1) return n;
      return Object.defineProperty({}, 'then', { get() { throw networkError('then getter'); } }) as PromiseLike<number>;
    };
    const out = await drive(clock, withRetry(fn, { clock, registry: false })());
    expect(out).toMatchObject({ ok: true, value: 2 });
  });
});
