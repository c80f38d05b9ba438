/**
 * Cross-realm class checks. Each error class of this library carries a brand under a
 * `Symbol.for` key, so a guard recognises errors made by another copy of the library (the
 * CommonJS and the ESM build loaded in one process, a second install, a `vm` context, a Jest
 * sandbox) where `instanceof` would fail. The key has no version: a brand names a class, and
 * what "a TransientError" means holds across versions, so every version's guards agree.
 */
const BRAND = Symbol.for('maestro-retry.error');

/** Marks `error` as an instance of the named error class. */
export function brand(error: Error, name: string): void {
  // configurable, so a subclass constructor can re-brand with its own (longer) list
  Object.defineProperty(error, BRAND, { value: name, enumerable: false, configurable: true });
}

/**
 * Whether `value` is an instance of `type` (this copy of the library), or was branded with
 * `name` (or a subclass's brand list contains it) by any copy. Never throws: a revoked `Proxy`,
 * a throwing `getPrototypeOf` trap or a throwing getter answer `false`.
 */
export function isBranded(value: unknown, type: abstract new (...args: never[]) => unknown, name: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  try {
    if (value instanceof type) return true;
    const mark = (value as Record<symbol, unknown>)[BRAND];
    return typeof mark === 'string' && (mark === name || mark.split(' ').includes(name));
  } catch {
    return false;
  }
}

/**
 * The brand `value` carries (its class's name, or a subclass's space-separated list), read
 * once for several checks with {@link isOrMarked}; `undefined` when it has none or reading it
 * throws.
 */
export function markOf(value: object): string | undefined {
  try {
    const mark = (value as Record<symbol, unknown>)[BRAND];
    return typeof mark === 'string' ? mark : undefined;
  } catch {
    return undefined;
  }
}

/**
 * {@link isBranded} for a `value` whose mark was already read with {@link markOf}: the same
 * answer, without reading the mark again for each class asked about. Never throws.
 */
export function isOrMarked(value: object, type: abstract new (...args: never[]) => unknown, mark: string | undefined, name: string): boolean {
  try {
    if (value instanceof type) return true;
  } catch {
    return false;
  }
  return mark !== undefined && (mark === name || mark.split(' ').includes(name));
}

