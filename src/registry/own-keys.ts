/**
 * Sets `object[key] = value` as an own, enumerable data property, whatever the key: a key
 * such as `__proto__` becomes an ordinary property instead of changing the prototype.
 */
export function setOwn<V>(object: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A plain object made from a map's entries, with every key an own property. */
export function fromMap<V>(map: ReadonlyMap<string, V>): Record<string, V> {
  const object: Record<string, V> = {};
  for (const [key, value] of map) setOwn(object, key, value);
  return object;
}
