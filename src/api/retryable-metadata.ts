/**
 * Where `@Retryable` keeps what it knows about each decorated method, and how it is read back.
 *
 * Legacy decorators see the class at decoration time, so the metadata is defined at once. TC39
 * method decorators do not (and on Node 20 there is no `Symbol.metadata`): the decorator
 * registers its wrapper here, and the declaring class is found later by looking for that very
 * wrapper on a prototype chain: at the first instance's construction, the first call, or the
 * first `getRetryableOptions` lookup, whichever comes first. Then the metadata is defined on
 * the declaring prototype (or class, for a static method), exactly where legacy mode puts it.
 */
import 'reflect-metadata';
import type { OperationSlot } from './wrap.js';
import type { RetryOptions } from '../engine/options.js';

/**
 * The reflect-metadata key under which `@Retryable` stores a method's resolved options, on the
 * class prototype (instance methods) or the class (static methods), per method name.
 *
 * @example
 * Reflect.getMetadata(RETRYABLE_METADATA, UserService.prototype, 'findUser'); // { maxRetries: 5, operationName: 'UserService.findUser' }
 */
export const RETRYABLE_METADATA = 'maestro-retry:retryable';

/** One decorated method. @internal */
export interface MethodRecord {
  readonly methodName: string | symbol;
  readonly isStatic: boolean;
  /** The options as given (shorthand expanded, `undefined` dropped), frozen. */
  readonly given: Readonly<RetryOptions>;
  /** The wrapper the decorator returned: how the declaring class is recognised. */
  wrapper: unknown;
  /** Set once the operation name is known (at once when `operationName` was given). */
  slot: OperationSlot | undefined;
  /** Set once the metadata is defined: `given` plus the resolved `operationName`. */
  resolved: Readonly<RetryOptions> | undefined;
}

const records = new WeakMap<object, MethodRecord>();

/** Remembers that `wrapper` is the decorated method of `record`. @internal */
export function registerWrapper(wrapper: object, record: MethodRecord): void {
  record.wrapper = wrapper;
  records.set(wrapper, record);
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function ownValue(o: object, key: string | symbol): unknown {
  return Object.getOwnPropertyDescriptor(o, key)?.value;
}

/** `'ClassName.methodName'` for the class that owns the method (`owner`: a prototype, or a class for statics). */
function operationNameOf(record: MethodRecord, owner: object): string {
  const ctor = record.isStatic ? owner : ownValue(owner, 'constructor');
  const className = (typeof ctor === 'function' && typeof ctor.name === 'string' && ctor.name) || 'anonymous';
  const key = record.methodName;
  return `${className}.${typeof key === 'symbol' ? `[${key.description ?? ''}]` : key}`;
}

/**
 * Fixes the record's owner: names the operation (unless `operationName` was given) and defines
 * the metadata on `owner`. Idempotent; returns the resolved options. @internal
 */
export function settle(record: MethodRecord, owner: object): Readonly<RetryOptions> {
  if (record.resolved !== undefined) return record.resolved;
  const name = record.given.operationName ?? operationNameOf(record, owner);
  record.slot ??= { name };
  const resolved = Object.freeze({ ...record.given, operationName: name });
  record.resolved = resolved;
  Reflect.defineMetadata(RETRYABLE_METADATA, resolved, owner, record.methodName);
  return resolved;
}

/**
 * Carries what other decorators stored on a method over to the wrapper that replaces it:
 * every own reflect-metadata entry (NestJS's `@Get`, `@Cron`, `@OnEvent` and `@MessagePattern`
 * write theirs with `Reflect.defineMetadata(key, value, descriptor.value)`) and every own
 * property the wrapper does not have itself (`name` and `length` stay the wrapper's, already
 * copied). Run when the wrapper is made, so what was written before `@Retryable` ran (it sits
 * above those decorators) survives; what is written after lands on the wrapper directly.
 * @internal
 */
export function carryMetadata(method: object, wrapper: object): void {
  for (const key of Reflect.getOwnMetadataKeys(method) as unknown[]) {
    if (!Reflect.hasOwnMetadata(key, wrapper)) Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, method), wrapper);
  }
  for (const key of Reflect.ownKeys(method)) {
    if (Object.prototype.hasOwnProperty.call(wrapper, key)) continue;
    Object.defineProperty(wrapper, key, Object.getOwnPropertyDescriptor(method, key)!);
  }
}

/**
 * The object that declares the record's method, searched from `start` (an instance, a
 * prototype or a class) up its prototype chain: the one holding the wrapper itself. When
 * another decorator has wrapped the wrapper, none does; then the deepest object below
 * `Object.prototype`/`Function.prototype` that owns a function under that name. @internal
 */
export function findOwner(record: MethodRecord, start: unknown): object | undefined {
  if (!isObject(start)) return undefined;
  let deepest: object | undefined;
  for (let o: object | null = start; o !== null && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
    const value = ownValue(o, record.methodName);
    if (value === record.wrapper) return o;
    if (typeof value === 'function') deepest = o;
  }
  return deepest;
}

function lookup(start: object, key: string | symbol): Readonly<RetryOptions> | undefined {
  for (let o: object | null = start; o !== null; o = Object.getPrototypeOf(o)) {
    const stored = Reflect.getOwnMetadata(RETRYABLE_METADATA, o, key) as Readonly<RetryOptions> | undefined;
    if (stored !== undefined) return stored;
    const value = ownValue(o, key);
    const record = isObject(value) ? records.get(value) : undefined;
    if (record !== undefined) return settle(record, o);
  }
  return undefined;
}

/**
 * The options `@Retryable` resolved for a method: the options it was given (the shorthand
 * expanded) plus the `operationName` it records under. Defaults are not filled in. `target` is
 * an instance, a prototype or a class; with a class, a static method of that name is looked
 * for first, then an instance method. Inherited methods are found too. `undefined` when the
 * method is not decorated. Works in both decorator modes, before any instance exists.
 *
 * @example
 * class UserService {
 *   @Retryable({ maxRetries: 5 })
 *   async findUser(id: string): Promise<User> { ... }
 * }
 * getRetryableOptions(UserService, 'findUser');        // { maxRetries: 5, operationName: 'UserService.findUser' }
 * getRetryableOptions(new UserService(), 'findUser');  // the same object
 */
export function getRetryableOptions(target: object, methodName: string | symbol): Readonly<RetryOptions> | undefined {
  if (!isObject(target)) return undefined;
  const found = lookup(target, methodName);
  if (found !== undefined || typeof target !== 'function') return found;
  const prototype: unknown = (target as { prototype?: unknown }).prototype;
  return isObject(prototype) ? lookup(prototype, methodName) : undefined;
}
