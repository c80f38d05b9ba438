import { Retryable } from '../../src/api/retryable';
import { withRetry } from '../../src/api/with-retry';

// Misuse is a compile error too (hence the @ts-expect-error lines); these tests are about what
// plain JavaScript, or a cast, gets at run time: a readable TypeError when the class is defined.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = (...args: any[]) => unknown;

function tc39Context(kind: string, extra: Record<string, unknown> = {}): object {
  return { kind, name: 'thing', static: false, private: false, addInitializer: () => undefined, ...extra };
}

describe('@Retryable misuse', () => {
  it('rejects a field when the class is defined', () => {
    expect(() => {
      class Orders {
        // @ts-expect-error not a method
        @Retryable() retries = 3;
      }
      return Orders;
    }).toThrow(new TypeError('maestro-retry: @Retryable can only decorate methods, not a field ("retries"). Wrap other functions with withRetry().'));
  });

  it('rejects a getter', () => {
    expect(() => {
      class Orders {
        // @ts-expect-error not a method
        @Retryable() get total(): Promise<number> {
          return Promise.resolve(1);
        }
      }
      return Orders;
    }).toThrow(/can only decorate methods, not an? (getter|accessor) \("total"\)/);
  });

  it('rejects a setter', () => {
    expect(() => {
      class Orders {
        // @ts-expect-error not a method
        @Retryable() set total(_value: number) {}
      }
      return Orders;
    }).toThrow(/can only decorate methods, not an? (setter|accessor) \("total"\)/);
  });

  it('rejects a class', () => {
    expect(() => {
      // @ts-expect-error not a method
      @Retryable() class Orders {}
      return Orders;
    }).toThrow(/can only decorate methods, not a class/);
  });

  it('rejects an auto-accessor, a private method and a parameter, in either calling convention', () => {
    const decorate = Retryable() as unknown as Loose;
    expect(() => decorate(undefined, tc39Context('accessor'))).toThrow(/not an auto-accessor \("thing"\)/);
    expect(() => decorate(async () => 1, tc39Context('method', { private: true, name: '#thing' }))).toThrow(/not a private method \("#thing"\)/);
    expect(() => decorate({}, 'place', 0)).toThrow(/not a parameter \(of "place"\)/);
    expect(() => decorate({}, 'place', { value: 42 })).toThrow(/not .*"place", which is not a function/);
  });

  it('tells the user to call it when used bare', () => {
    const bare = Retryable as unknown as Loose;
    const method = async (): Promise<number> => 1;
    expect(() => bare(method, tc39Context('method'))).toThrow(/@Retryable must be called/);
    expect(() => bare({}, 'place', { value: method })).toThrow(/@Retryable must be called/);
    expect(() => bare(class {}, 'place', { value: method })).toThrow(/@Retryable must be called/);
  });
});

describe('@Retryable option validation', () => {
  it('throws at class definition for invalid options, naming the option', () => {
    expect(() => {
      class Orders {
        @Retryable({ maxRetries: -1 })
        async place(): Promise<void> {}
      }
      return Orders;
    }).toThrow(/`maxRetries`.*-1/);
    expect(() => {
      class Orders {
        // @ts-expect-error a string is not an error class
        @Retryable({ retryOn: ['TimeoutError'] })
        async place(): Promise<void> {}
      }
      return Orders;
    }).toThrow(TypeError);
  });

  it('validates the shorthand the same way', () => {
    expect(() => Retryable(1.5)).toThrow(RangeError);
    expect(() => Retryable(1.5)).toThrow(/`maxRetries`/);
    // @ts-expect-error retryOn must hold classes
    expect(() => Retryable(2, [42])).toThrow(/`retryOn\[0\]`/);
  });

  it('rejects a retryOn list next to an options object', () => {
    // @ts-expect-error retryOn goes inside the options object
    expect(() => Retryable({ maxRetries: 1 }, [RangeError])).toThrow(/must be called/);
  });

  it('validates exactly as withRetry does', () => {
    const bad = { maxDelay: 10, initialDelay: 100 };
    const fromWithRetry = ((): unknown => {
      try {
        withRetry(async () => 1, bad);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(fromWithRetry).toBeInstanceOf(RangeError);
    expect(() => Retryable(bad)).toThrow((fromWithRetry as Error).message);
  });
});
