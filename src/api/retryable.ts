/**
 * `@Retryable`: one decorator function for both TypeScript decorator modes, told apart by its
 * second argument (a context object with a string `kind` means TC39 standard decorators; a
 * property key means legacy `experimentalDecorators`), as mobx 6 does. A thin layer over the
 * same pieces as `withRetry`: options normalized once, one `OperationSlot` per decorated method
 * (shared by every instance), and the wrapper `withRetry` uses (`wrapFunction`), with `this` kept.
 */
import 'reflect-metadata';
import { freezeOptions, type RetryOptions } from '../engine/options.js';
import { normalizeOptions, type CallSettings } from '../engine/settings.js';
import { wrapFunction, type AnyFunction, type OperationSlot } from './wrap.js';
import type { ErrorClass } from '../engine/types.js';
import { carryMetadata, findOwner, registerWrapper, settle, type MethodRecord } from './retryable-metadata.js';

export { RETRYABLE_METADATA, getRetryableOptions } from './retryable-metadata.js';

/**
 * What `Retryable(...)` returns: a method decorator for both modes. Its overloads accept only
 * methods that return a `PromiseLike` (of `T`, when the options name a result type), so
 * decorating a sync method is a compile error; wrap a sync function with `withRetry` instead.
 *
 * @example
 * ```ts
 * const retryTwice: RetryableDecorator = Retryable(2);
 * class Api {
 *   @retryTwice async ping(): Promise<void> { ... }
 * }
 * ```
 */
export interface RetryableDecorator<T = unknown> {
  /** TC39 standard decorators (TypeScript >= 5.0 without `experimentalDecorators`). */
  <This, A extends unknown[], R extends PromiseLike<T>>(
    value: (this: This, ...args: A) => R,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: A) => R>,
  ): (this: This, ...args: A) => R;
  /**
   * Legacy `experimentalDecorators` (with or without `emitDecoratorMetadata`).
   * @typeParam F - The decorated method's type, kept by the returned descriptor.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- `any[]`: the method's own parameters must fit
  <F extends (...args: any[]) => PromiseLike<T>>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<F>,
  ): TypedPropertyDescriptor<F>;
}

function misuse(what: string): never {
  throw new TypeError(`maestro-retry: @Retryable can only decorate methods, not ${what}. Wrap other functions with withRetry().`);
}

function describeKey(key: unknown): string {
  return typeof key === 'symbol' ? `[${key.description ?? ''}]` : `"${String(key)}"`;
}

/**
 * The wrapper that replaces the method, carrying the metadata other decorators stored on the
 * method, and registered so the metadata helpers can find its record.
 */
function wrap(policy: CallSettings, record: MethodRecord, method: AnyFunction): AnyFunction {
  const wrapped = wrapFunction(policy, record, (thisArg) => slotFrom(record, thisArg), method);
  carryMetadata(method, wrapped);
  registerWrapper(wrapped, record);
  return wrapped;
}

/** TC39 only: a call before the declaring class was known (no instance constructed yet). */
function slotFrom(record: MethodRecord, thisArg: unknown): OperationSlot {
  const owner = findOwner(record, thisArg);
  if (owner !== undefined) settle(record, owner);
  // Called with a `this` that leads nowhere: record under the bare method name, uncached.
  return record.slot ?? { name: typeof record.methodName === 'symbol' ? `[${record.methodName.description ?? ''}]` : record.methodName};
}

function newRecord(given: Readonly<RetryOptions>, methodName: string | symbol, isStatic: boolean): MethodRecord {
  const slot = given.operationName === undefined ? undefined : { name: given.operationName};
  return { methodName, isStatic, given, wrapper: undefined, slot, resolved: undefined };
}

interface Tc39Context {
  readonly kind: string;
  readonly name: string | symbol;
  readonly static?: boolean;
  readonly private?: boolean;
  addInitializer(initializer: (this: unknown) => void): void;
}

function decorateTc39(policy: CallSettings, given: Readonly<RetryOptions>, value: unknown, context: Tc39Context): AnyFunction {
  const key = describeKey(context.name);
  if (context.kind !== 'method') {
    const kind = context.kind === 'accessor' ? 'auto-accessor' : context.kind;
    misuse(`${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} (${key})`);
  }
  if (context.private === true) misuse(`a private method (${key}): the declaring class cannot be told from it`);
  if (typeof value !== 'function') misuse(`${key}, which is not a function`);
  const record = newRecord(given, context.name, context.static === true);
  const wrapped = wrap(policy, record, value as AnyFunction);
  // Instance methods: runs at each construction, with `this` = the instance; only the first
  // does any work. Static methods settle lazily instead (first call or first lookup): their
  // initializer runs while a transpiler such as esbuild may still hold the class under a
  // provisional name (`_OrderService`), so reading `.name` then would misname the operation.
  if (record.isStatic) return wrapped;
  context.addInitializer(function (this: unknown): void {
    if (record.resolved !== undefined) return;
    const owner = findOwner(record, this);
    if (owner !== undefined) settle(record, owner);
  });
  return wrapped;
}

function decorateLegacy(policy: CallSettings, given: Readonly<RetryOptions>, target: unknown, key: string | symbol, descriptor: unknown): PropertyDescriptor {
  if (typeof target !== 'object' && typeof target !== 'function') misuse(`${describeKey(key)} on ${String(target)}`);
  if (descriptor === undefined || descriptor === null) misuse(`a field (${describeKey(key)})`);
  if (typeof descriptor === 'number') misuse(`a parameter (of ${describeKey(key)})`);
  const d = descriptor as PropertyDescriptor;
  if (typeof d.get === 'function' || typeof d.set === 'function') misuse(`an accessor (${describeKey(key)})`);
  if (typeof d.value !== 'function') misuse(`${describeKey(key)}, which is not a function`);
  const record = newRecord(given, key, typeof target === 'function');
  const wrapped = wrap(policy, record, d.value as AnyFunction);
  settle(record, target as object);
  return { ...d, value: wrapped };
}

/**
 * Makes a method retry on failure. Works under TC39 standard decorators (TypeScript >= 5.0,
 * no flag) and legacy `experimentalDecorators` (with or without `emitDecoratorMetadata`), on
 * instance and static methods; `this`, parameters and return type are kept. Only methods that
 * return a Promise (or PromiseLike) can be decorated: anything else is a compile error.
 *
 * The options are validated here, when the class is defined. Every instance shares one
 * operation in the registry, named `'ClassName.methodName'` after the class that declares the
 * method (static methods too), unless `operationName` is given. The resolved options are
 * stored with reflect-metadata under {@link RETRYABLE_METADATA}; read them with
 * {@link getRetryableOptions}. Decorating a field, accessor, private method or class throws a
 * `TypeError` when the class is defined.
 *
 * @example
 * class UserService {
 *   @Retryable({ maxRetries: 5, jitter: 'full', retryOn: [HttpError] })
 *   async findUser(id: string): Promise<User> { return this.http.get(`/users/${id}`); }
 *
 *   @Retryable(3)   // shorthand: Retryable(maxRetries, retryOn?)
 *   static async ping(): Promise<void> { ... }
 * }
 */
export function Retryable<T = unknown>(options?: RetryOptions<T>): RetryableDecorator<T>;
export function Retryable(maxRetries: number, retryOn?: readonly ErrorClass[]): RetryableDecorator;
export function Retryable(first?: RetryOptions | number, retryOn?: readonly ErrorClass[]): RetryableDecorator {
  if (typeof first === 'function' || arguments.length > 2 || (retryOn !== undefined && typeof first !== 'number')) {
    throw new TypeError('maestro-retry: @Retryable must be called: write @Retryable(), @Retryable({ ...options }) or @Retryable(maxRetries, retryOn?)');
  }
  const given: RetryOptions | undefined = typeof first === 'number' ? { maxRetries: first, retryOn } : first;
  const policy = normalizeOptions(given);
  const frozen = freezeOptions(given);
  function decorator(value: unknown, context: unknown, descriptor?: unknown): unknown {
    if (typeof context === 'object' && context !== null && typeof (context as Tc39Context).kind === 'string') {
      return decorateTc39(policy, frozen, value, context as Tc39Context);
    }
    if (typeof context === 'string' || typeof context === 'symbol') {
      return decorateLegacy(policy, frozen, value, context, descriptor);
    }
    return misuse(context === undefined ? 'a class' : `this target (${typeof context})`);
  }
  return decorator as RetryableDecorator;
}
