import { expectTypeOf } from 'expect-type';
import { Retryable } from '../../src/api/retryable';
import { TransientError } from '../../src/errors/transient-error';
import { defaultRegistry } from '../../src/registry/default-registry';
import { RetryRegistry } from '../../src/registry/retry-registry';
import { ManualClock } from '../../src/testing/manual-clock';
import { observedDesignMetadata, observedMode, project } from './support/project';

class OutOfStock extends Error {
  override name = 'OutOfStock';
}

function isolated(): { clock: ManualClock; registry: RetryRegistry } {
  return { clock: new ManualClock(), registry: new RetryRegistry() };
}

describe(`this project (${project.mode}, design metadata: ${project.designMetadata})`, () => {
  it('compiles the suite in the decorator mode it claims', () => {
    expect(observedMode).toBe(project.mode);
    expect(observedDesignMetadata).toBe(project.designMetadata);
  });
});

describe('@Retryable on instance methods', () => {
  it('retries a failing method with the configured backoff and resolves with its value, `this` kept', async () => {
    const { clock, registry } = isolated();
    class Inventory {
      items = 7;
      calls = 0;
      @Retryable({ maxRetries: 3, initialDelay: 100, clock, registry })
      async count(): Promise<number> {
        this.calls++;
        if (this.calls < 3) throw new TransientError('warehouse busy');
        return this.items;
      }
    }
    const inventory = new Inventory();
    const call = inventory.count();
    await clock.runAll();
    await expect(call).resolves.toBe(7);
    expect(inventory.calls).toBe(3);
    expect(clock.now()).toBe(100 + 200);
  });

  it('passes the arguments through and keeps parameter and return types', async () => {
    const { registry } = isolated();
    class Pricing {
      constructor(private readonly currency: string) {}
      @Retryable({ registry })
      async price(amount: number, label: string): Promise<string> {
        return `${label}: ${amount} ${this.currency}`;
      }
    }
    const pricing = new Pricing('EUR');
    expectTypeOf(pricing.price).parameters.toEqualTypeOf<[number, string]>();
    expectTypeOf(pricing.price).returns.toEqualTypeOf<Promise<string>>();
    await expect(pricing.price(12, 'total')).resolves.toBe('total: 12 EUR');
  });

  it('gives up with the last error, unchanged, after maxRetries', async () => {
    const { clock, registry } = isolated();
    const errors: Error[] = [];
    class Inventory {
      @Retryable({ maxRetries: 2, initialDelay: 10, clock, registry })
      async count(): Promise<number> {
        const error = new TransientError(`attempt ${errors.length + 1}`);
        errors.push(error);
        throw error;
      }
    }
    const call = new Inventory().count();
    const settled = call.catch((e: unknown) => e);
    await clock.runAll();
    expect(await settled).toBe(errors[2]);
    expect(errors).toHaveLength(3);
  });

  it('keeps the method name on the replacement', () => {
    class Inventory {
      @Retryable({ registry: false })
      async count(): Promise<number> {
        return 1;
      }
    }
    expect(Inventory.prototype.count.name).toBe('count');
  });

  it('records every instance under one operation named after the class', async () => {
    const { registry } = isolated();
    class Inventory {
      @Retryable({ registry })
      async count(): Promise<number> {
        return 1;
      }
    }
    await Promise.all([new Inventory().count(), new Inventory().count(), new Inventory().count()]);
    const stats = registry.getStatistics();
    expect(Object.keys(stats.operations)).toEqual(['Inventory.count']);
    expect(stats.operations['Inventory.count']?.calls).toBe(3);
  });

  it('uses operationName when given', async () => {
    const { registry } = isolated();
    class Inventory {
      @Retryable({ registry, operationName: 'stock.count' })
      async count(): Promise<number> {
        return 1;
      }
    }
    await new Inventory().count();
    expect(Object.keys(registry.getStatistics().operations)).toEqual(['stock.count']);
  });

  it('gives each method its own operation when one decorator is reused', async () => {
    const { registry } = isolated();
    const retryable = Retryable({ registry });
    class Inventory {
      @retryable async count(): Promise<number> {
        return 1;
      }
      @retryable async reserve(): Promise<boolean> {
        return true;
      }
    }
    const inventory = new Inventory();
    await inventory.count();
    await inventory.reserve();
    expect(Object.keys(registry.getStatistics().operations).sort()).toEqual(['Inventory.count', 'Inventory.reserve']);
  });

  it('names a symbol-keyed method after its description', async () => {
    const { registry } = isolated();
    const restock = Symbol('restock');
    class Inventory {
      @Retryable({ registry })
      async [restock](): Promise<number> {
        return 1;
      }
    }
    await new Inventory()[restock]();
    expect(Object.keys(registry.getStatistics().operations)).toEqual(['Inventory.[restock]']);
  });
});

describe('@Retryable and inheritance', () => {
  it('a subclass override calling super reports under the declaring class', async () => {
    const { clock, registry } = isolated();
    let failures = 1;
    class Inventory {
      @Retryable({ initialDelay: 10, clock, registry })
      async count(): Promise<number> {
        if (failures-- > 0) throw new TransientError('busy');
        return 10;
      }
    }
    class Warehouse extends Inventory {
      override async count(): Promise<number> {
        return (await super.count()) + 1;
      }
    }
    // Only subclass instances exist: the declaring class must still be found.
    const call = new Warehouse().count();
    await clock.runAll();
    await expect(call).resolves.toBe(11);
    const stats = registry.getStatistics();
    expect(Object.keys(stats.operations)).toEqual(['Inventory.count']);
    expect(stats.operations['Inventory.count']?.attempts).toBe(2);
  });

  it('an inherited method reports under the declaring class', async () => {
    const { registry } = isolated();
    class Inventory {
      @Retryable({ registry })
      async count(): Promise<number> {
        return 1;
      }
    }
    class Warehouse extends Inventory {}
    await new Warehouse().count();
    expect(Object.keys(registry.getStatistics().operations)).toEqual(['Inventory.count']);
  });

  it('a decorated override and the decorated method it calls are two operations', async () => {
    const { registry } = isolated();
    class Inventory {
      @Retryable({ registry })
      async count(): Promise<number> {
        return 1;
      }
    }
    class Warehouse extends Inventory {
      @Retryable({ registry })
      override async count(): Promise<number> {
        return (await super.count()) + 1;
      }
    }
    await expect(new Warehouse().count()).resolves.toBe(2);
    expect(Object.keys(registry.getStatistics().operations).sort()).toEqual(['Inventory.count', 'Warehouse.count']);
  });
});

describe('@Retryable under another method decorator', () => {
  /** A decorator for both modes that wraps the method (as logging or tracing decorators do). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const traced: any = (value: unknown, context: unknown, descriptor?: PropertyDescriptor): unknown => {
    const wrap = (fn: (...args: unknown[]) => unknown) => function (this: unknown, ...args: unknown[]): unknown {
      return fn.apply(this, args);
    };
    if (typeof context === 'object') return wrap(value as (...args: unknown[]) => unknown);
    return { ...descriptor, value: wrap(descriptor!.value as (...args: unknown[]) => unknown) };
  };

  it('still reports under the declaring class when wrapped, even through a subclass override', async () => {
    const { registry } = isolated();
    class Inventory {
      @traced
      @Retryable({ registry })
      async count(): Promise<number> {
        return 1;
      }
    }
    class Warehouse extends Inventory {
      override async count(): Promise<number> {
        return (await super.count()) + 1;
      }
    }
    await expect(new Warehouse().count()).resolves.toBe(2);
    await expect(new Inventory().count()).resolves.toBe(1);
    expect(Object.keys(registry.getStatistics().operations)).toEqual(['Inventory.count']);
  });

  it('works as the outer decorator too', async () => {
    const { registry } = isolated();
    class Inventory {
      @Retryable({ registry })
      @traced
      async count(): Promise<number> {
        return 1;
      }
    }
    await expect(new Inventory().count()).resolves.toBe(1);
    expect(Object.keys(registry.getStatistics().operations)).toEqual(['Inventory.count']);
  });
});

describe('@Retryable on static methods', () => {
  it('retries, keeps `this` as the class, and reports as ClassName.methodName', async () => {
    const { clock, registry } = isolated();
    let calls = 0;
    class Catalog {
      static version = 4;
      @Retryable({ initialDelay: 50, clock, registry })
      static async fetchVersion(): Promise<number> {
        if (++calls < 2) throw new TransientError('busy');
        return this.version;
      }
    }
    const call = Catalog.fetchVersion();
    await clock.runAll();
    await expect(call).resolves.toBe(4);
    expect(calls).toBe(2);
    expect(Object.keys(registry.getStatistics().operations)).toEqual(['Catalog.fetchVersion']);
  });

  it('called through a subclass, keeps the subclass as `this` and reports under the declaring class', async () => {
    const { registry } = isolated();
    class Catalog {
      static label = 'catalog';
      @Retryable({ registry })
      static async describe(): Promise<string> {
        return this.label;
      }
    }
    class SpringCatalog extends Catalog {
      static override label = 'spring';
    }
    await expect(SpringCatalog.describe()).resolves.toBe('spring');
    expect(Object.keys(registry.getStatistics().operations)).toEqual(['Catalog.describe']);
  });
});

describe('@Retryable(maxRetries, retryOn?) shorthand', () => {
  // The shorthand cannot take a clock: these tests use Jest's fake timers, which the system
  // clock's setTimeout honours.
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('retries the listed error classes up to maxRetries with the default backoff', async () => {
    let calls = 0;
    class ShorthandStock {
      @Retryable(2, [OutOfStock])
      async reserve(): Promise<string> {
        if (++calls < 3) throw new OutOfStock('none left');
        return 'reserved';
      }
    }
    const call = new ShorthandStock().reserve();
    await jest.advanceTimersByTimeAsync(999);
    expect(calls).toBe(1);
    await jest.advanceTimersByTimeAsync(1 + 2000);
    await expect(call).resolves.toBe('reserved');
    expect(calls).toBe(3);
    expect(defaultRegistry.getStatistics('ShorthandStock.reserve').operations['ShorthandStock.reserve']?.attempts).toBe(3);
  });

  it('stops after maxRetries retries', async () => {
    let calls = 0;
    class ShorthandOnce {
      @Retryable(1, [OutOfStock])
      async reserve(): Promise<string> {
        calls++;
        throw new OutOfStock('none left');
      }
    }
    const settled = new ShorthandOnce().reserve().catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(await settled).toBeInstanceOf(OutOfStock);
    expect(calls).toBe(2);
  });

  it('does not retry an unlisted, non-transient error', async () => {
    let calls = 0;
    class ShorthandOther {
      @Retryable(3, [OutOfStock])
      async reserve(): Promise<string> {
        calls++;
        throw new RangeError('bad quantity');
      }
    }
    await expect(new ShorthandOther().reserve()).rejects.toThrow(RangeError);
    expect(calls).toBe(1);
  });
});
