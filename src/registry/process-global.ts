/**
 * Values shared by every copy of this library loaded in one process. The CommonJS and the ESM
 * build are two copies of every module (a dependency that `require`s the library while the
 * app `import`s it loads both), and so is a second install; module-level state would split
 * in two. What must be one per process is kept on `globalThis` under a `Symbol.for` key,
 * which every copy and every realm of the process resolves to the same symbol.
 */

/**
 * The process-wide value for `name`, made with `create` by the first copy of the library that
 * asks. The key carries `version`: bump it when the shape the copies rely on changes, so a
 * copy of another shape keeps a value of its own rather than misuse a foreign one. Where
 * `globalThis` cannot take the key (frozen), this copy keeps its own value.
 *
 * @example
 * const registry = processGlobal('default-registry', 1, () => new RetryRegistry());
 */
export function processGlobal<T>(name: string, version: number, create: () => T): T {
  const key = Symbol.for(`maestro-retry.${name}@${version}`);
  const holder = globalThis as unknown as Record<symbol, T | undefined>;
  const existing = holder[key];
  if (existing !== undefined) return existing;
  const value = create();
  try {
    // not writable nor configurable: no later copy can swap it for another
    Object.defineProperty(globalThis, key, { value, enumerable: false, writable: false, configurable: false });
  } catch {
    // a frozen globalThis: this copy keeps its own value
  }
  return value;
}
