import { expectTypeOf } from 'expect-type';
import { retry } from '../../src/api/retry.js';
import { withRetry } from '../../src/api/with-retry.js';
import type { RetryOptions } from '../../src/engine/options.js';
import type { AttemptContext } from '../../src/engine/types.js';

// Type tests: they fail at compile time (ts-jest type-checks this file), the runtime part only
// keeps Jest from reporting an empty suite.
describe('types survive wrapping', () => {
  test('withRetry keeps parameters, this and the awaited return type', () => {
    const get = withRetry(async (id: string, opts?: { fresh: boolean }) => ({ id, fresh: opts?.fresh ?? false }));
    expectTypeOf(get).parameters.toEqualTypeOf<[id: string, opts?: { fresh: boolean }]>();
    expectTypeOf(get).returns.toEqualTypeOf<Promise<{ id: string; fresh: boolean }>>();
    // @ts-expect-error the parameter stays a string
    const wrongArg = () => get(42);
    expect(typeof wrongArg).toBe('function');

    const sync = withRetry((a: number) => a * 2);
    expectTypeOf(sync).returns.toEqualTypeOf<Promise<number>>();
    const nested = withRetry(async () => Promise.resolve('x') as Promise<string>);
    expectTypeOf(nested).returns.toEqualTypeOf<Promise<string>>();

    const method = withRetry(async function (this: { base: number }, n: number) { return this.base + n; });
    expectTypeOf(method).thisParameter.toEqualTypeOf<{ base: number }>();
    // @ts-expect-error `this` must be provided with a `base` (never invoked: a compile-time check)
    const unbound = () => method(1);
    expect(typeof unbound).toBe('function');
  });

  test('retryOnResult and hooks are typed by the function result', () => {
    withRetry(async () => ({ status: 200 }), {
      retryOnResult: (r) => { expectTypeOf(r).toEqualTypeOf<{ status: number }>(); return r.status >= 500; },
      onSuccess: (e) => { expectTypeOf(e.result).toEqualTypeOf<{ status: number } | undefined>(); },
    });
    // @ts-expect-error the result has no `code`
    withRetry(async () => ({ status: 200 }), { retryOnResult: (r) => r.code === 1 });
    expect(true).toBe(true);
  });

  test('retry passes an AttemptContext and resolves to the awaited value', () => {
    const p = retry(async (ctx) => { expectTypeOf(ctx).toEqualTypeOf<AttemptContext>(); return 1 as const; });
    expectTypeOf(p).toEqualTypeOf<Promise<1>>();
    expect(p).toBeInstanceOf(Promise);
    return p;
  });

  test('options reject wrong types at compile time', () => {
    // @ts-expect-error jitter is a closed set
    const bad1: RetryOptions = { jitter: 'random' };
    // @ts-expect-error retryOn takes classes
    const bad2: RetryOptions = { retryOn: ['TypeError'] };
    // @ts-expect-error maxRetries is a number
    const bad3: RetryOptions = { maxRetries: '3' };
    const good: RetryOptions = { retryOn: [TypeError, class Custom extends Error { constructor(public readonly code: number) { super(); } }] };
    expect([bad1, bad2, bad3, good]).toHaveLength(4);
  });
});
