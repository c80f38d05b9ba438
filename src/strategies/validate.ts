/**
 * Option validation shared by the policies. Each reader takes the owner's name (the class or
 * factory) so a message says where the bad value went, applies the default for `undefined`
 * (so `{ windowMs: undefined }` cannot erase a default) and throws `TypeError` for a wrong type
 * and `RangeError` for a value out of range.
 */
import type { Clock } from '../engine/clock.js';
import { systemClock } from '../engine/clock.js';
import { describe } from '../observers/safe.js';
import { memoryStore } from '../state/memory-store.js';
import type { StateStore } from '../state/store.js';

function fail(Kind: typeof TypeError | typeof RangeError, owner: string, name: string, rule: string, value: unknown): never {
  throw new Kind(`maestro-retry: ${owner} option \`${name}\` must be ${rule}, got ${describe(value)}`);
}

/**
 * The options object itself: `undefined` stands for `{}`; anything but a plain object is a
 * `TypeError`. The caller's object is only read, never written.
 */
export function readOptions<T extends object>(owner: string, options: T | undefined): Partial<T> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`maestro-retry: ${owner} options must be an object, got ${describe(options)}`);
  }
  return options;
}

function number(owner: string, name: string, value: unknown, rule: string): number {
  if (typeof value !== 'number') fail(TypeError, owner, name, rule, value);
  if (Number.isNaN(value)) fail(RangeError, owner, name, rule, value);
  return value;
}

/** An integer >= 1. */
export function positiveInteger(owner: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const rule = 'a positive integer';
  const n = number(owner, name, value, rule);
  if (!Number.isSafeInteger(n) || n < 1) fail(RangeError, owner, name, rule, n);
  return n;
}

/** A finite number > 0 (at most `Number.MAX_SAFE_INTEGER`). */
export function positiveNumber(owner: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const rule = 'a positive finite number';
  const n = number(owner, name, value, rule);
  if (!(n > 0 && n <= Number.MAX_SAFE_INTEGER)) fail(RangeError, owner, name, rule, n);
  return n;
}

/** A finite number >= 0 (at most `Number.MAX_SAFE_INTEGER`). */
export function nonNegativeNumber(owner: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const rule = 'a non-negative finite number';
  const n = number(owner, name, value, rule);
  if (!(n >= 0 && n <= Number.MAX_SAFE_INTEGER)) fail(RangeError, owner, name, rule, n);
  return n;
}

/** A number in the half-open interval (0, 1]. */
export function unitFraction(owner: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const rule = 'a number greater than 0 and at most 1';
  const n = number(owner, name, value, rule);
  if (!(n > 0 && n <= 1)) fail(RangeError, owner, name, rule, n);
  return n;
}

/** A number in the open interval (0, 1). */
export function openFraction(owner: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const rule = 'a number greater than 0 and less than 1';
  const n = number(owner, name, value, rule);
  if (!(n > 0 && n < 1)) fail(RangeError, owner, name, rule, n);
  return n;
}

/** A {@link Clock}: anything with a `now()` method (policies never sleep). */
export function clockOption(owner: string, value: unknown): Clock {
  if (value === undefined) return systemClock;
  if (typeof value !== 'object' || value === null || typeof (value as Partial<Clock>).now !== 'function') {
    fail(TypeError, owner, 'clock', 'an object with a now() method', value);
  }
  return value as Clock;
}

/** A {@link StateStore}: anything with a `cell()` method and a boolean `shared`. */
export function storeOption(owner: string, value: unknown): StateStore {
  if (value === undefined) return memoryStore();
  const store = value as Partial<StateStore> | null;
  if (typeof store !== 'object' || store === null || typeof store.cell !== 'function' || typeof store.shared !== 'boolean') {
    fail(TypeError, owner, 'store', 'a state store (an object with a cell() method and a boolean `shared`)', value);
  }
  return store as StateStore;
}

/**
 * The policy's name: a non-empty string, `fallback` (the policy's kind) when not given. A
 * policy whose state a shared store holds must be named: policies of one kind and name share
 * their state, so a default name would join unrelated ones.
 */
export function nameOption(owner: string, value: unknown, fallback: string, store: StateStore): string {
  if (value === undefined) {
    if (store.shared) fail(TypeError, owner, 'name', 'given when the store is shared (policies of one name share their state)', value);
    return fallback;
  }
  if (typeof value !== 'string') fail(TypeError, owner, 'name', 'a non-empty string', value);
  if (value.length === 0) fail(RangeError, owner, 'name', 'a non-empty string', value);
  return value;
}

/** The parts of a snapshot every policy's `toJSON()` writes. */
export interface SnapshotEnvelope {
  readonly kind: string;
  readonly takenAt: number;
  readonly state: Record<string, unknown>;
}

/**
 * The envelope of an `initialState` option: a policy's `toJSON()` output (or its parse from
 * JSON) for the policy of kind `kind`; `undefined` when not given. Each policy checks the
 * fields of `state` itself, with {@link snapshotField}.
 */
export function snapshotOption(owner: string, value: unknown, kind: string): SnapshotEnvelope | undefined {
  if (value === undefined) return undefined;
  const rule = `a snapshot from the toJSON() of a ${kind}`;
  const v = value as Partial<SnapshotEnvelope> | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(TypeError, owner, 'initialState', rule, value);
  if (v.kind !== kind) fail(TypeError, owner, 'initialState', `${rule} (its kind is ${describe(v.kind)})`, value);
  if (typeof v.takenAt !== 'number' || !Number.isFinite(v.takenAt)) fail(TypeError, owner, 'initialState.takenAt', 'a finite number', v.takenAt);
  if (typeof v.state !== 'object' || v.state === null) fail(TypeError, owner, 'initialState.state', 'an object', v.state);
  return v as SnapshotEnvelope;
}

/** One field of a snapshot's state, checked against `check`, which names what it wants. */
export function snapshotField<T>(owner: string, state: Record<string, unknown>, field: string, rule: string, check: (value: unknown) => boolean): T {
  const value = state[field];
  if (!check(value)) fail(TypeError, owner, `initialState.state.${field}`, rule, value);
  return value as T;
}

/** Whether `value` is a finite number. */
export const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
