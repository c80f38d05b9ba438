/**
 * A bound on how many distinct names an exporter reports, so an attribute or a table cannot
 * grow without limit when names are built from data (a URL, a user id). The first `limit`
 * distinct names are kept as they are; every later new name is reported as `fallback`.
 * A kept name stays kept for the life of the object, so a series never changes its name.
 */
export class BoundedNames {
  readonly limit: number;
  readonly fallback: string;
  readonly #kept = new Set<string>();
  #overflowed = 0;

  /**
   * @param limit how many distinct names to keep (a non-negative integer).
   * @param fallback the name every other name is reported as.
   * @param owner names the option in the error thrown for a bad `limit`.
   */
  constructor(limit: number, fallback: string, owner: string) {
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0) {
      throw new RangeError(`maestro-retry: ${owner} must be a non-negative integer, got ${typeof limit === 'number' ? String(limit) : typeof limit}`);
    }
    this.limit = limit;
    this.fallback = fallback;
  }

  /** `name` when it is kept (or there is room to keep it), else the fallback. */
  get(name: string): string {
    if (this.#kept.has(name)) return name;
    if (this.#kept.size < this.limit) {
      this.#kept.add(name);
      return name;
    }
    this.#overflowed++;
    return this.fallback;
  }

  /** Whether `name` is one of the kept names. */
  has(name: string): boolean {
    return this.#kept.has(name);
  }

  /** How many times a name was reported as the fallback. */
  get overflowed(): number {
    return this.#overflowed;
  }
}
