/**
 * The entry points at their edges: the `@Retryable` decorator in both calling conventions (the
 * legacy `experimentalDecorators` protocol is applied by hand, the way TypeScript's legacy emit
 * calls it, since this file compiles in TC39 mode), how the declaring class is found and the
 * operation named, `getRetryableOptions` on odd targets, `ErrorHandler`'s decisions and
 * messages, `RetryManager`'s synchronous classification, and the argument checks and default
 * operation names of `retry` and `withRetry`.
 */
import { ErrorHandler } from '../../src/api/error-handler.js';
import { RetryManager } from '../../src/api/retry-manager.js';
import { retry } from '../../src/api/retry.js';
import { Retryable } from '../../src/api/retryable.js';
import { RETRYABLE_METADATA, getRetryableOptions } from '../../src/api/retryable-metadata.js';
import { withRetry } from '../../src/api/with-retry.js';
import type { ErrorClass } from '../../src/engine/types.js';
import { RetryRegistry } from '../../src/registry/retry-registry.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = (...args: any[]) => any;

class Flaky extends Error {
  override name = 'Flaky';
}
class Fatal extends Error {
  override name = 'Fatal';
}

const MISUSE = (what: string): string =>
  `maestro-retry: @Retryable can only decorate methods, not ${what}. Wrap other functions with withRetry().`;
const MUST_CALL = 'maestro-retry: @Retryable must be called: write @Retryable(), @Retryable({ ...options }) or @Retryable(maxRetries, retryOn?)';

/** Applies `decorator` as TypeScript's legacy emit does (`__decorate`), to `target[key]`. */
function applyLegacy(target: object, key: string | symbol, decorator: unknown): PropertyDescriptor {
  const descriptor = Object.getOwnPropertyDescriptor(target, key)!;
  const out = ((decorator as Loose)(target, key, descriptor) as PropertyDescriptor | undefined) ?? descriptor;
  Object.defineProperty(target, key, out);
  return out;
}

/** Applies `decorator` as a TC39 method decorator to `target[key]`; the initializers are returned, not run. */
function applyTc39(target: object, key: string | symbol, decorator: unknown, isStatic = false): { wrapped: Loose; initializers: Array<(this: unknown) => void> } {
  const initializers: Array<(this: unknown) => void> = [];
  const original = (target as Record<string | symbol, unknown>)[key];
  const context = {
    kind: 'method', name: key, static: isStatic, private: false, metadata: {},
    addInitializer: (f: (this: unknown) => void) => initializers.push(f),
    access: { has: (o: object) => key in o, get: (o: Record<string | symbol, unknown>) => o[key] },
  };
  const wrapped = ((decorator as Loose)(original, context) ?? original) as Loose;
  Object.defineProperty(target, key, { value: wrapped, writable: true, configurable: true, enumerable: false });
  return { wrapped, initializers };
}

function operations(registry: RetryRegistry): string[] {
  return Object.keys(registry.getStatistics().operations).sort();
}

function tc39Context(kind: string, extra: Record<string, unknown> = {}): object {
  return { kind, name: 'thing', static: false, private: false, addInitializer: () => undefined, ...extra };
}

describe('@Retryable under the legacy decorator protocol', () => {
  it('replaces an instance method with a retrying wrapper, keeps the descriptor, and records under Class.method', async () => {
    const registry = new RetryRegistry();
    class Inventory {
      attempts = 0;
      async reserve(sku: string): Promise<string> {
        this.attempts += 1;
        if (this.attempts < 2) throw new Flaky('locked');
        return `reserved ${sku}`;
      }
    }
    const original = Inventory.prototype.reserve;
    const out = applyLegacy(Inventory.prototype, 'reserve', Retryable({ maxRetries: 2, initialDelay: 0, retryOn: [Flaky], registry }));
    expect(out.value).toEqual(expect.any(Function));
    expect(out.value).not.toBe(original);
    expect(out).toMatchObject({ writable: true, enumerable: false, configurable: true });
    const inventory = new Inventory();
    await expect(inventory.reserve('a1')).resolves.toBe('reserved a1');
    expect(inventory.attempts).toBe(2);
    expect(operations(registry)).toEqual(['Inventory.reserve']);
    expect(registry.getStatistics('Inventory.reserve').attempts).toBe(2);
    const resolved = { maxRetries: 2, initialDelay: 0, retryOn: [Flaky], registry, operationName: 'Inventory.reserve' };
    expect(Reflect.getOwnMetadata(RETRYABLE_METADATA, Inventory.prototype, 'reserve')).toEqual(resolved);
    expect(getRetryableOptions(Inventory, 'reserve')).toEqual(resolved);
  });

  it('decorates a static method (target = the class) under Class.method, with the metadata on the class', async () => {
    const registry = new RetryRegistry();
    class Health {
      static async ping(): Promise<string> {
        return 'pong';
      }
    }
    applyLegacy(Health, 'ping', Retryable(1));
    expect(getRetryableOptions(Health, 'ping')).toEqual({ maxRetries: 1, operationName: 'Health.ping' });
    expect(Reflect.getOwnMetadata(RETRYABLE_METADATA, Health, 'ping')).toEqual({ maxRetries: 1, operationName: 'Health.ping' });
    expect(Reflect.getOwnMetadata(RETRYABLE_METADATA, Health.prototype, 'ping')).toBeUndefined();

    class Status {
      static async check(): Promise<string> {
        return 'ok';
      }
    }
    applyLegacy(Status, 'check', Retryable({ registry }));
    await expect(Status.check()).resolves.toBe('ok');
    expect(operations(registry)).toEqual(['Status.check']);
  });

  it('names symbol-keyed methods Class.[description], [] for a symbol without one', async () => {
    const registry = new RetryRegistry();
    const sync = Symbol('sync');
    const bare = Symbol();
    class Store {
      async [sync](): Promise<number> {
        return 1;
      }
      async [bare](): Promise<number> {
        return 2;
      }
    }
    applyLegacy(Store.prototype, sync, Retryable({ registry }));
    applyLegacy(Store.prototype, bare, Retryable({ registry }));
    expect(getRetryableOptions(Store, sync)?.operationName).toBe('Store.[sync]');
    expect(getRetryableOptions(Store, bare)?.operationName).toBe('Store.[]');
    const store = new Store();
    await expect(store[sync]()).resolves.toBe(1);
    await expect(store[bare]()).resolves.toBe(2);
    expect(operations(registry)).toEqual(['Store.[]', 'Store.[sync]']);
  });

  it('names the operation "anonymous.method" when the class name is not a string', () => {
    class Odd {
      async run(): Promise<void> {}
    }
    Object.defineProperty(Odd, 'name', { value: 42 });
    applyLegacy(Odd.prototype, 'run', Retryable({ registry: false }));
    expect(getRetryableOptions(Odd, 'run')?.operationName).toBe('anonymous.run');
  });

  it('rejects misuse with a TypeError naming what was decorated', () => {
    const decorate = Retryable() as unknown as Loose;
    const method = async (): Promise<void> => {};
    expect(() => decorate(42, 'place', { value: method })).toThrow(new TypeError(MISUSE('"place" on 42')));
    expect(() => decorate(undefined, 'place', { value: method })).toThrow(new TypeError(MISUSE('"place" on undefined')));
    expect(() => decorate({}, 'retries', undefined)).toThrow(new TypeError(MISUSE('a field ("retries")')));
    expect(() => decorate({}, 'retries', null)).toThrow(new TypeError(MISUSE('a field ("retries")')));
    expect(() => decorate({}, Symbol('count'), undefined)).toThrow(new TypeError(MISUSE('a field ([count])')));
    expect(() => decorate({}, Symbol(), undefined)).toThrow(new TypeError(MISUSE('a field ([])')));
    const getter = { get: () => Promise.resolve(1), set: undefined, enumerable: false, configurable: true };
    const setter = { get: undefined, set: (_v: unknown) => undefined, enumerable: false, configurable: true };
    expect(() => decorate({}, 'total', getter)).toThrow(new TypeError(MISUSE('an accessor ("total")')));
    expect(() => decorate({}, 'total', setter)).toThrow(new TypeError(MISUSE('an accessor ("total")')));
    expect(() => decorate({}, 'total', { value: 3 })).toThrow(new TypeError(MISUSE('"total", which is not a function')));
  });

  it('keeps its own copy of abortOn and retryOn: later changes to the caller\'s arrays do not show', () => {
    const abortOn: ErrorClass[] = [Fatal];
    const retryOn: ErrorClass[] = [Flaky];
    class Jobs {
      async run(): Promise<void> {}
    }
    applyLegacy(Jobs.prototype, 'run', Retryable({ abortOn, retryOn, registry: false }));
    abortOn.push(TypeError);
    retryOn.push(RangeError);
    const resolved = getRetryableOptions(Jobs, 'run')!;
    expect(resolved.abortOn).toEqual([Fatal]);
    expect(resolved.retryOn).toEqual([Flaky]);
    expect(Object.isFrozen(resolved.abortOn)).toBe(true);
    expect(Object.isFrozen(abortOn)).toBe(false);
  });

  it('still reports the options after another decorator has replaced the method', () => {
    class Mail {
      async send(): Promise<void> {}
    }
    applyLegacy(Mail.prototype, 'send', Retryable({ maxRetries: 4, registry: false }));
    const outer = (_t: object, _k: string, d: PropertyDescriptor): PropertyDescriptor => {
      const inner = d.value as Loose;
      return { ...d, value: function logged(this: unknown, ...args: unknown[]) { return inner.apply(this, args); } };
    };
    applyLegacy(Mail.prototype, 'send', outer);
    expect(getRetryableOptions(Mail, 'send')).toEqual({ maxRetries: 4, registry: false, operationName: 'Mail.send' });
    expect(getRetryableOptions(new Mail(), 'send')).toEqual({ maxRetries: 4, registry: false, operationName: 'Mail.send' });
  });

  it('reports the declaring class for the same wrapper found on another object', () => {
    class Reports {
      async build(): Promise<void> {}
    }
    applyLegacy(Reports.prototype, 'build', Retryable({ registry: false }));
    const borrowed = { build: Reports.prototype.build };
    expect(getRetryableOptions(borrowed, 'build')?.operationName).toBe('Reports.build');
    expect(getRetryableOptions(Reports, 'build')?.operationName).toBe('Reports.build');
  });
});

describe('Retryable() arguments and the decorator\'s dispatch', () => {
  it('throws "must be called" when given a function or more than two arguments', () => {
    expect(() => (Retryable as unknown as Loose)(async () => undefined)).toThrow(new TypeError(MUST_CALL));
    expect(() => (Retryable as unknown as Loose)(2, [Flaky], {})).toThrow(new TypeError(MUST_CALL));
    expect(() => (Retryable as unknown as Loose)(2, [Flaky], undefined)).toThrow(new TypeError(MUST_CALL));
  });

  it('rejects a second argument that is neither a TC39 context nor a property key', () => {
    const decorate = Retryable() as unknown as Loose;
    const method = async (): Promise<void> => {};
    class Target {}
    expect(() => decorate(Target)).toThrow(new TypeError(MISUSE('a class')));
    expect(() => decorate(method, null)).toThrow(new TypeError(MISUSE('this target (object)')));
    expect(() => decorate(method, {})).toThrow(new TypeError(MISUSE('this target (object)')));
    expect(() => decorate(method, { kind: 1 })).toThrow(new TypeError(MISUSE('this target (object)')));
    expect(() => decorate(method, 5)).toThrow(new TypeError(MISUSE('this target (number)')));
  });

  it('TC39: rejects a method context whose value is not a function, naming the key', () => {
    const decorate = Retryable() as unknown as Loose;
    expect(() => decorate(42, tc39Context('method'))).toThrow(new TypeError(MISUSE('"thing", which is not a function')));
    expect(() => decorate(undefined, tc39Context('field', { name: Symbol('slot') }))).toThrow(new TypeError(MISUSE('a field ([slot])')));
    expect(() => decorate(undefined, tc39Context('field', { name: Symbol() }))).toThrow(new TypeError(MISUSE('a field ([])')));
  });
});

describe('@Retryable under TC39: finding the declaring class', () => {
  it('a call whose `this` leads nowhere records under the bare method name, uncached', async () => {
    const registry = new RetryRegistry();
    const tagged = Symbol('tagged');
    const bare = Symbol();
    class Api {
      async get(): Promise<number> {
        return 1;
      }
      async [tagged](): Promise<number> {
        return 2;
      }
      async [bare](): Promise<number> {
        return 3;
      }
    }
    const get = applyTc39(Api.prototype, 'get', Retryable({ registry })).wrapped;
    const t = applyTc39(Api.prototype, tagged, Retryable({ registry })).wrapped;
    const b = applyTc39(Api.prototype, bare, Retryable({ registry })).wrapped;
    await expect(get.call(undefined)).resolves.toBe(1);
    await expect(get.call({})).resolves.toBe(1);
    await expect(get.call(Object.create(null))).resolves.toBe(1);
    await expect(t.call(undefined)).resolves.toBe(2);
    await expect(b.call({})).resolves.toBe(3);
    expect(operations(registry)).toEqual(['[]', '[tagged]', 'get']);
    expect(registry.getStatistics('get').calls).toBe(3);
    // Not cached: a call on an instance then finds the declaring class.
    await expect(new Api().get()).resolves.toBe(1);
    expect(operations(registry)).toEqual(['Api.get', '[]', '[tagged]', 'get']);
    expect(getRetryableOptions(Api, 'get')?.operationName).toBe('Api.get');
  });

  it('an operationName given is used even before the declaring class is known', async () => {
    const registry = new RetryRegistry();
    class Api {
      async get(): Promise<number> {
        return 1;
      }
    }
    const get = applyTc39(Api.prototype, 'get', Retryable({ operationName: 'api.get', registry })).wrapped;
    await expect(get.call(undefined)).resolves.toBe(1);
    expect(operations(registry)).toEqual(['api.get']);
  });

  it('an instance whose constructor chain does not hold the method constructs fine and is named lazily', async () => {
    const registry = new RetryRegistry();
    class Bare {
      constructor() {
        return Object.create(null) as Bare;
      }
    }
    class Plain {
      constructor() {
        return {} as Plain;
      }
    }
    class FromBare extends Bare {
      @Retryable({ registry })
      async run(): Promise<number> {
        return 1;
      }
    }
    class FromPlain extends Plain {
      @Retryable({ registry })
      async run(): Promise<number> {
        return 2;
      }
    }
    expect(() => new FromBare()).not.toThrow();
    expect(() => new FromPlain()).not.toThrow();
    expect(getRetryableOptions(FromBare, 'run')?.operationName).toBe('FromBare.run');
    expect(getRetryableOptions(FromPlain, 'run')?.operationName).toBe('FromPlain.run');
  });

  it('when another decorator wrapped the wrapper, the deepest own holder of the method is the declaring class', async () => {
    const registry = new RetryRegistry();
    class Base {}
    class Doc extends Base {}
    for (const key of ['toString', 'render']) {
      Object.defineProperty(Doc.prototype, key, { value: async () => key, writable: true, configurable: true });
      const inner = applyTc39(Doc.prototype, key, Retryable({ registry })).wrapped;
      // A second decorator replaces the wrapper with its own function (the initializers never ran).
      Object.defineProperty(Doc.prototype, key, {
        value: function outer(this: unknown) { return inner.call(this); }, writable: true, configurable: true,
      });
    }
    const doc = new Doc() as unknown as { toString(): Promise<string>; render(): Promise<string> };
    await expect(doc.toString()).resolves.toBe('toString');
    await expect(doc.render()).resolves.toBe('render');
    expect(operations(registry)).toEqual(['Doc.render', 'Doc.toString']);
  });

  it('a static method wrapped by another decorator is named after its class, not Function.prototype', async () => {
    const registry = new RetryRegistry();
    class Clock {
      static async toString(): Promise<string> {
        return 'clock';
      }
    }
    const { wrapped } = applyTc39(Clock, 'toString', Retryable({ registry }), true);
    Object.defineProperty(Clock, 'toString', {
      value: function outer(this: unknown) { return (wrapped as Loose).call(this); }, writable: true, configurable: true,
    });
    await expect((Clock as unknown as { toString(): Promise<string> }).toString()).resolves.toBe('clock');
    expect(operations(registry)).toEqual(['Clock.toString']);
  });

  it('a static method is named after the class as it is named when first used, not at definition', () => {
    class OrderService {
      static async place(): Promise<number> {
        return 1;
      }
    }
    const { initializers } = applyTc39(OrderService, 'place', Retryable({ registry: false }), true);
    // A transpiler such as esbuild runs static initializers while the class has a provisional name.
    Object.defineProperty(OrderService, 'name', { value: '_OrderService', configurable: true });
    for (const f of initializers) f.call(OrderService);
    Object.defineProperty(OrderService, 'name', { value: 'OrderService', configurable: true });
    expect(getRetryableOptions(OrderService, 'place')?.operationName).toBe('OrderService.place');
  });

  it('a method found on a prototype with no constructor is named anonymous.method', () => {
    const proto: Record<string, unknown> = { async fetch(): Promise<number> { return 1; } };
    applyTc39(proto, 'fetch', Retryable({ registry: false }));
    expect(getRetryableOptions(proto, 'fetch')).toEqual({ registry: false, operationName: 'anonymous.fetch' });
  });
});

describe('getRetryableOptions on odd targets', () => {
  it('is undefined for a target that is not an object or function', () => {
    const look = getRetryableOptions as unknown as Loose;
    for (const target of [null, undefined, 42, 'Orders', true, Symbol('x')]) {
      expect(look(target, 'place')).toBeUndefined();
    }
  });

  it('looks through `prototype` only for a class, not for an object that happens to have one', () => {
    class Orders {
      async place(): Promise<void> {}
    }
    applyLegacy(Orders.prototype, 'place', Retryable({ registry: false }));
    expect(getRetryableOptions(Orders, 'place')?.operationName).toBe('Orders.place');
    expect(getRetryableOptions({ prototype: Orders.prototype }, 'place')).toBeUndefined();
  });
});

describe('ErrorHandler.handleError', () => {
  const transient = (): Error => Object.assign(new Error('busy'), { status: 503 });

  it('rejects an attempt below 1', () => {
    const handler = new ErrorHandler({ registry: false });
    expect(() => handler.handleError(transient(), { attempt: 0 }))
      .toThrow(new RangeError('maestro-retry: handleError context `attempt` must be a positive integer, got 0'));
    expect(() => handler.handleError(transient(), { attempt: -2 })).toThrow(RangeError);
  });

  it('says what happened for a cancellation and for exhaustion', () => {
    const handler = new ErrorHandler({ maxRetries: 2, registry: false });
    const abort = Object.assign(new Error('stop'), { name: 'AbortError' });
    expect(handler.handleError(abort)).toEqual({ action: 'fail', reason: 'aborted', message: 'the operation was cancelled', category: 'cancelled' });
    expect(handler.handleError(transient(), { attempt: 3 }))
      .toEqual({ action: 'fail', reason: 'exhausted', message: 'attempt 3 was the last of 3', category: 'transient' });
    expect(handler.handleError(transient(), { attempt: 2 })).toEqual({ action: 'retry', delay: 2000, category: 'transient' });
  });

  it('labels a non-retryable failure by name and message, or by what was thrown', () => {
    const handler = new ErrorHandler({ registry: false });
    const message = (error: unknown): string => {
      const decision = handler.handleError(error);
      expect(decision).toMatchObject({ action: 'fail', reason: 'non-retryable', category: 'permanent' });
      return (decision as { message: string }).message;
    };
    expect(message(new Fatal('disk full'))).toBe('not retryable: Fatal: disk full');
    expect(message({ name: 42, message: 'odd' })).toBe('not retryable: Error: odd');
    expect(message({ message: 'no name' })).toBe('not retryable: Error: no name');
    expect(message(new Error('x'.repeat(250)))).toBe(`not retryable: Error: ${'x'.repeat(200)}`);
    expect(message('bad input')).toBe('not retryable: a thrown string "bad input"');
    expect(message('y'.repeat(150))).toBe(`not retryable: a thrown string "${'y'.repeat(100)}"`);
    expect(message(null)).toBe('not retryable: a thrown null');
    expect(message(undefined)).toBe('not retryable: a thrown undefined');
    expect(message(7)).toBe('not retryable: a thrown number');
    expect(message({ message: 5 })).toBe('not retryable: a thrown object');
  });
});

describe('RetryManager', () => {
  it('passes retryIf the manager\'s operation name, "anonymous" when it has none', () => {
    const seen: unknown[] = [];
    const retryIf = (_e: unknown, info: unknown): boolean => {
      seen.push(info);
      return true;
    };
    expect(new RetryManager({ retryIf, registry: false }).isTransientError(new Error('x'))).toBe(true);
    expect(new RetryManager({ retryIf, operationName: 'db.query', maxRetries: 1, registry: false }).isTransientError(new Error('x'))).toBe(true);
    expect(seen).toEqual([
      { operationName: 'anonymous', attempt: 1, retriesLeft: 3, elapsedMs: 0 },
      { operationName: 'db.query', attempt: 1, retriesLeft: 1, elapsedMs: 0 },
    ]);
  });

  it('takes a synchronous retryIf answer for its truth: undefined and null are no, a plain object is yes', () => {
    const answering = (answer: unknown): boolean =>
      new RetryManager({ retryIf: (() => answer) as unknown as () => boolean, registry: false }).isTransientError(new Error('x'));
    expect(answering(undefined)).toBe(false);
    expect(answering(null)).toBe(false);
    expect(answering({ ok: true })).toBe(true);
    expect(answering(0)).toBe(false);
    expect(() => answering(Promise.resolve(true))).toThrow(TypeError);
  });

  it('retryOn adds only its own classes', () => {
    const manager = new RetryManager({ retryOn: [Flaky], registry: false });
    expect(manager.isTransientError(new Flaky('x'))).toBe(true);
    expect(manager.isTransientError(new Error('plain'))).toBe(false);
    expect(manager.isTransientError(new Fatal('y'))).toBe(false);
  });

  it('keeps the classes it was built with when the caller later changes its array', async () => {
    const retryOn: ErrorClass[] = [Flaky];
    const registry = new RetryRegistry();
    const manager = new RetryManager({ retryOn, maxRetries: 1, initialDelay: 0, registry });
    retryOn.length = 0;
    retryOn.push(Fatal);
    expect(manager.isTransientError(new Flaky('x'))).toBe(true);
    let n = 0;
    const flaky = async (): Promise<string> => {
      n += 1;
      if (n === 1) throw new Flaky('once');
      return 'done';
    };
    await expect(manager.executeWithRetry(flaky)).resolves.toBe('done');
    expect(n).toBe(2);
  });

  it('executeWithRetry rejects (does not throw) when not given a function', async () => {
    const manager = new RetryManager({ registry: false });
    const run = manager.executeWithRetry.bind(manager) as unknown as Loose;
    await expect(run(null)).rejects.toThrow(new TypeError('maestro-retry: executeWithRetry() needs a function to call, got null'));
    await expect(run(42)).rejects.toThrow(new TypeError('maestro-retry: executeWithRetry() needs a function to call, got number'));
    await expect(run(undefined)).rejects.toThrow(new TypeError('maestro-retry: executeWithRetry() needs a function to call, got undefined'));
  });
});

describe('retry and withRetry', () => {
  it('retry rejects (does not throw) when not given a function', async () => {
    const run = retry as unknown as Loose;
    const pending = run(null) as Promise<unknown>;
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toThrow(new TypeError('maestro-retry: retry() needs a function to call, got null'));
    await expect(run(42)).rejects.toThrow(new TypeError('maestro-retry: retry() needs a function to call, got number'));
  });

  it('retry records under fn.name, or "anonymous"', async () => {
    const registry = new RetryRegistry();
    await retry(async function loadUser() { return 1; }, { registry });
    await retry(async () => 2, { registry });
    expect(operations(registry)).toEqual(['anonymous', 'loadUser']);
  });

  it('withRetry throws a TypeError when not given a function', () => {
    const wrap = withRetry as unknown as Loose;
    expect(() => wrap(null)).toThrow(new TypeError('maestro-retry: withRetry() needs a function to wrap, got null'));
    expect(() => wrap(42)).toThrow(new TypeError('maestro-retry: withRetry() needs a function to wrap, got number'));
  });

  it('withRetry records under fn.name, or "anonymous"', async () => {
    const registry = new RetryRegistry();
    await withRetry(async () => 1, { registry })();
    await withRetry(async function saveUser() { return 2; }, { registry })();
    expect(operations(registry)).toEqual(['anonymous', 'saveUser']);
  });
});
