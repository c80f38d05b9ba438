import type { ErrorClass } from '../engine/types.js';

/** Whether `error` is an instance of one of `classes` (a throwing `Symbol.hasInstance` does not match). */
export function matchesAny(classes: readonly ErrorClass[], error: unknown): boolean {
  for (const cls of classes) {
    try {
      if (error instanceof (cls as unknown as abstract new () => unknown)) return true;
    } catch {
      // no match
    }
  }
  return false;
}
