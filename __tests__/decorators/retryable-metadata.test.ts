import 'reflect-metadata';
import { Retryable } from '../../src/api/retryable';
import { RETRYABLE_METADATA, getRetryableOptions } from '../../src/api/retryable-metadata';
import { RetryRegistry } from '../../src/registry/retry-registry';
import { project } from './support/project';

class Conflict extends Error {}

describe('getRetryableOptions', () => {
  it('reads the resolved options back before any instance exists', () => {
    const registry = new RetryRegistry();
    class Orders {
      @Retryable({ maxRetries: 4, initialDelay: 25, registry })
      async place(): Promise<string> {
        return 'ok';
      }
    }
    expect(getRetryableOptions(Orders.prototype, 'place')).toEqual({
      maxRetries: 4, initialDelay: 25, registry, operationName: 'Orders.place',
    });
  });

  it('gives the same answer from the instance, the prototype and the class', () => {
    class Orders {
      @Retryable({ maxRetries: 1, registry: false })
      async place(): Promise<string> {
        return 'ok';
      }
    }
    const fromClass = getRetryableOptions(Orders, 'place');
    expect(fromClass).toMatchObject({ maxRetries: 1, operationName: 'Orders.place' });
    expect(getRetryableOptions(Orders.prototype, 'place')).toBe(fromClass);
    expect(getRetryableOptions(new Orders(), 'place')).toBe(fromClass);
  });

  it('finds static methods on the class', () => {
    class Orders {
      @Retryable({ maxRetries: 2, registry: false })
      static async purge(): Promise<void> {}
    }
    expect(getRetryableOptions(Orders, 'purge')).toMatchObject({ maxRetries: 2, operationName: 'Orders.purge' });
    expect(getRetryableOptions(Orders.prototype, 'purge')).toBeUndefined();
  });

  it('prefers a static method over an instance method of the same name when given the class', () => {
    class Orders {
      @Retryable({ maxRetries: 1, registry: false })
      static async sync(): Promise<void> {}
      @Retryable({ maxRetries: 5, registry: false })
      async sync(): Promise<void> {}
    }
    expect(getRetryableOptions(Orders, 'sync')?.maxRetries).toBe(1);
    expect(getRetryableOptions(new Orders(), 'sync')?.maxRetries).toBe(5);
  });

  it('expands the shorthand and keeps its own copy of retryOn', () => {
    const retryOn = [Conflict];
    class Orders {
      @Retryable(2, retryOn)
      async place(): Promise<string> {
        return 'ok';
      }
    }
    retryOn.push(RangeError);
    const options = getRetryableOptions(Orders, 'place');
    expect(options).toEqual({ maxRetries: 2, retryOn: [Conflict], operationName: 'Orders.place' });
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('reports the operationName given in the options', () => {
    class Orders {
      @Retryable({ operationName: 'orders.place', registry: false })
      async place(): Promise<string> {
        return 'ok';
      }
    }
    expect(getRetryableOptions(Orders, 'place')?.operationName).toBe('orders.place');
  });

  it('finds an inherited method, and the nearest decorated override first', () => {
    class Base {
      @Retryable({ maxRetries: 1, registry: false })
      async load(): Promise<number> {
        return 1;
      }
    }
    class Plain extends Base {}
    class Tuned extends Base {
      @Retryable({ maxRetries: 6, registry: false })
      override async load(): Promise<number> {
        return super.load();
      }
    }
    // A Base instance first: in TC39 mode that defines Base's metadata before Tuned's.
    new Base();
    expect(getRetryableOptions(Plain, 'load')).toMatchObject({ maxRetries: 1, operationName: 'Base.load' });
    expect(getRetryableOptions(new Tuned(), 'load')).toMatchObject({ maxRetries: 6, operationName: 'Tuned.load' });
  });

  it('answers undefined for undecorated, missing or non-object targets', () => {
    class Orders {
      async place(): Promise<string> {
        return 'ok';
      }
    }
    expect(getRetryableOptions(Orders, 'place')).toBeUndefined();
    expect(getRetryableOptions(new Orders(), 'missing')).toBeUndefined();
    expect(getRetryableOptions(null as unknown as object, 'place')).toBeUndefined();
  });

  it('leaves the caller\'s options object alone', () => {
    const options = Object.freeze({ maxRetries: 2, initialDelay: undefined, registry: false as const });
    class Orders {
      @Retryable(options)
      async place(): Promise<string> {
        return 'ok';
      }
    }
    expect(getRetryableOptions(Orders, 'place')).toEqual({ maxRetries: 2, registry: false, operationName: 'Orders.place' });
    expect(options).toEqual({ maxRetries: 2, initialDelay: undefined, registry: false });
  });
});

describe('RETRYABLE_METADATA', () => {
  it('is stored with reflect-metadata on the declaring prototype once an instance exists', () => {
    class Orders {
      @Retryable({ maxRetries: 3, registry: false })
      async place(): Promise<string> {
        return 'ok';
      }
    }
    const before = Reflect.getOwnMetadata(RETRYABLE_METADATA, Orders.prototype, 'place');
    // Legacy decorators see the class at once; TC39 method decorators only see it through an instance.
    if (project.mode === 'legacy') expect(before).toMatchObject({ maxRetries: 3 });
    else expect(before).toBeUndefined();
    new Orders();
    expect(Reflect.getOwnMetadata(RETRYABLE_METADATA, Orders.prototype, 'place')).toEqual({
      maxRetries: 3, registry: false, operationName: 'Orders.place',
    });
  });

  it('is stored on the class for a static method (at definition in legacy mode, at first call in TC39 mode)', async () => {
    class Orders {
      @Retryable({ maxRetries: 3, registry: false })
      static async purge(): Promise<void> {}
    }
    // TC39 statics settle lazily, since a transpiler may not have given the class its final name yet.
    await Orders.purge();
    expect(Reflect.getOwnMetadata(RETRYABLE_METADATA, Orders, 'purge')).toEqual({
      maxRetries: 3, registry: false, operationName: 'Orders.purge',
    });
  });

  it('is stored on the declaring class\'s prototype when the first instance is a subclass', () => {
    class Base {
      @Retryable({ maxRetries: 3, registry: false })
      async place(): Promise<string> {
        return 'ok';
      }
    }
    class Derived extends Base {
      override async place(): Promise<string> {
        return super.place();
      }
    }
    new Derived();
    expect(Reflect.getOwnMetadata(RETRYABLE_METADATA, Derived.prototype, 'place')).toBeUndefined();
    expect(Reflect.getOwnMetadata(RETRYABLE_METADATA, Base.prototype, 'place')).toMatchObject({ operationName: 'Base.place' });
  });

  it('leaves the design-time metadata TypeScript emits in place', () => {
    class Orders {
      @Retryable({ registry: false })
      async place(_sku: string, _quantity: number): Promise<string> {
        return 'ok';
      }
    }
    const paramtypes: unknown = Reflect.getMetadata('design:paramtypes', Orders.prototype, 'place');
    const returntype: unknown = Reflect.getMetadata('design:returntype', Orders.prototype, 'place');
    if (project.designMetadata) {
      expect(paramtypes).toEqual([String, Number]);
      expect(returntype).toBe(Promise);
    } else {
      expect(paramtypes).toBeUndefined();
      expect(returntype).toBeUndefined();
    }
  });
});
