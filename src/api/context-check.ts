import { describe } from '../observers/safe.js';

/**
 * Checks the `context` argument of `executeWithRetry` and `handleError`: `undefined` or an
 * object. A string there is most likely an operation name; it is not taken as one (for
 * `executeWithRetry(fn, context, ...args)` that would swallow a string meant for `fn`), and the
 * `TypeError` shows how to write it.
 *
 * @example
 * checkContext('executeWithRetry', 'fetch_data');
 * // TypeError: maestro-retry: executeWithRetry() takes its `context` as an object, got "fetch_data":
 * //            to name the operation, write { operationName: "fetch_data" }
 */
export function checkContext(method: string, context: unknown): void {
  if (context === undefined || (typeof context === 'object' && context !== null && !Array.isArray(context))) return;
  const hint = typeof context === 'string' ? `: to name the operation, write { operationName: ${JSON.stringify(context)} }` : '';
  throw new TypeError(`maestro-retry: ${method}() takes its \`context\` as an object, got ${describe(context)}${hint}`);
}
