import { expectTypeOf } from 'expect-type';
import { Retryable, type RetryableDecorator } from '../../src/api/retryable';

// Type tests: typecheck.test.ts compiles this file under each project's tsconfig, checks that
// it is clean, and that every @ts-expect-error below is needed (removing it makes an error).

interface Page {
  readonly items: readonly string[];
}

class SyncMethods {
  // @ts-expect-error a sync method cannot be decorated: its callers would get a Promise
  @Retryable() count(): number {
    return 1;
  }

  // @ts-expect-error the shorthand is typed the same way
  @Retryable(2) static label(): string {
    return 'x';
  }

  // @ts-expect-error a method that only sometimes returns a promise
  @Retryable() maybe(flag: boolean): Promise<number> | number {
    return flag ? Promise.resolve(1) : 0;
  }

  // @ts-expect-error options about string results on a method resolving to a number
  @Retryable({ retryOnResult: (value: string) => value === '' }) async size(): Promise<number> {
    return 1;
  }
}

class AsyncMethods {
  @Retryable() async page(cursor: string, limit = 10): Promise<Page> {
    return { items: [cursor, String(limit)] };
  }

  @Retryable() thenable(): PromiseLike<number> {
    return Promise.resolve(1);
  }

  @Retryable<Page>({ retryOnResult: (page) => page.items.length === 0 }) async firstPage(): Promise<Page> {
    return { items: [] };
  }

  @Retryable({ retryOnResult: (page: Page) => page.items.length === 0 }) async nextPage(): Promise<Page> {
    return { items: ['a'] };
  }

  @Retryable(3) static async ping(this: typeof AsyncMethods, host: string): Promise<boolean> {
    return host.length > 0 && this === AsyncMethods;
  }
}

describe('@Retryable typing', () => {
  it('keeps the decorated methods\' signatures', () => {
    const api = new AsyncMethods();
    expectTypeOf(api.page).toEqualTypeOf<(cursor: string, limit?: number) => Promise<Page>>();
    expectTypeOf(api.thenable).returns.toEqualTypeOf<PromiseLike<number>>();
    expectTypeOf(AsyncMethods.ping).parameters.toEqualTypeOf<[host: string]>();
    expectTypeOf(AsyncMethods.ping).thisParameter.toEqualTypeOf<typeof AsyncMethods>();
    expectTypeOf(Retryable(1)).toEqualTypeOf<RetryableDecorator>();
    expectTypeOf(Retryable({ retryOnResult: (page: Page) => page.items.length > 0 })).toEqualTypeOf<RetryableDecorator<Page>>();
  });

  it('still runs the (wrongly typed) sync methods it was forced onto', async () => {
    // At run time a sync method is wrapped like any other; only the types forbid it.
    await expect(new SyncMethods().count()).resolves.toBe(1);
    await expect(new AsyncMethods().page('c', 2)).resolves.toEqual({ items: ['c', '2'] });
    await expect(AsyncMethods.ping('h')).resolves.toBe(true);
  });
});
