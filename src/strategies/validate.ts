/**
 * Option validation shared by the policies. Each reader takes the owner's name (the class or
 * factory) so a message says where the bad value went, applies the default for `undefined`
 * (so `{ windowMs: undefined }` cannot erase a default) and throws `TypeError` for a wrong type
 * and `RangeError` for a value out of range.
 */
import type { Clock } from '../engine/seams.js';
import { systemClock } from '../engine/clock.js';
import { describe } from '../observers/safe.js';

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
