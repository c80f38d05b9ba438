/**
 * Reading user-supplied values that may be hostile: getters that throw, `Proxy` objects that
 * throw on every access, cycles. Nothing here ever throws.
 */

/** `value[key]`, or `undefined` when reading it throws. */
export function safeGet(value: unknown, key: PropertyKey): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Whether `value` looks like an error: an `Error` from any realm, or an object with a string `message`. */
export function isErrorLike(value: unknown): value is { message: string; name?: unknown } {
  if (typeof value !== 'object' || value === null) return false;
  try {
    if (value instanceof Error) return true;
    if (Object.prototype.toString.call(value) === '[object Error]') return true;
  } catch {
    return false;
  }
  return typeof safeGet(value, 'message') === 'string';
}

/** A short, never-throwing description of any value, for error messages. */
export function describe(value: unknown): string {
  try {
    switch (typeof value) {
      case 'number':
        return Object.is(value, -0) ? '-0' : String(value);
      case 'string': {
        const s = value.length > 60 ? `${value.slice(0, 57)}...` : value;
        return JSON.stringify(s);
      }
      case 'bigint':
        return `${value}n`;
      case 'undefined':
      case 'boolean':
      case 'symbol':
        return String(value);
      case 'function':
        return value.name ? `function ${value.name}` : 'an anonymous function';
      default: {
        if (value === null) return 'null';
        if (Array.isArray(value)) return `an array of length ${value.length}`;
        const ctor = safeGet(value, 'constructor');
        const name = typeof ctor === 'function' && typeof ctor.name === 'string' ? ctor.name : '';
        return name && name !== 'Object' ? `an instance of ${name}` : 'an object';
      }
    }
  } catch {
    return 'an unreadable value';
  }
}
