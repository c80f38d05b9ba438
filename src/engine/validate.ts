import { describe } from '../observers/safe.js';

/** Throws a `TypeError` naming the option and the value it got. */
export function typeFail(option: string, expected: string, value: unknown): never {
  throw new TypeError(`maestro-retry: option \`${option}\` must be ${expected}, got ${describe(value)}`);
}

/** Throws a `RangeError` naming the option and the value it got. */
export function rangeFail(option: string, expected: string, value: unknown): never {
  throw new RangeError(`maestro-retry: option \`${option}\` must be ${expected}, got ${describe(value)}`);
}

/** A number in [min, Number.MAX_SAFE_INTEGER]; `min` exclusive when `positive`. */
export function checkNumber(option: string, value: unknown, positive: boolean): number {
  if (typeof value !== 'number') typeFail(option, 'a number', value);
  const expected = `a ${positive ? 'positive' : 'non-negative'} finite number of ms, at most Number.MAX_SAFE_INTEGER`;
  if (Number.isNaN(value) || value < 0 || (positive && value === 0) || value > Number.MAX_SAFE_INTEGER) {
    rangeFail(option, expected, value);
  }
  return value;
}

/** A function, or a `TypeError`. */
export function checkFunction<F>(option: string, value: unknown): F {
  if (typeof value !== 'function') typeFail(option, 'a function', value);
  return value as F;
}

/** An object whose named members are functions (a structural check for pluggable policies). */
export function checkShape<T>(option: string, value: unknown, methods: readonly string[], what: string): T {
  if (typeof value !== 'object' || value === null) typeFail(option, what, value);
  for (const method of methods) {
    let member: unknown;
    try {
      member = (value as Record<string, unknown>)[method];
    } catch {
      member = undefined;
    }
    if (typeof member !== 'function') typeFail(option, `${what} (with a \`${method}\` method)`, value);
  }
  return value as T;
}

/** A boolean, or a `TypeError`. */
export function checkBoolean(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') typeFail(option, 'a boolean', value);
  return value;
}
