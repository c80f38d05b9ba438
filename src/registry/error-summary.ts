import type { ErrorSummary } from '../engine/types.js';
import { describe, safeGet } from '../observers/safe.js';

/** The longest message kept in history; longer ones are cut, so one huge message cannot balloon memory. */
export const MAX_MESSAGE_LENGTH = 1024;

/**
 * What history keeps of an error: its name, its message (at most 1,024 characters) and its
 * code. Never throws, whatever was thrown (a string, `undefined`, a hostile `Proxy`).
 */
export function summarizeError(error: unknown): ErrorSummary {
  if (error === null || (typeof error !== 'object' && typeof error !== 'function')) {
    return { name: typeof error === 'string' ? 'string' : String(error === null ? 'null' : typeof error), message: cut(typeof error === 'string' ? error : describe(error)) };
  }
  const rawName = safeGet(error, 'name');
  const rawMessage = safeGet(error, 'message');
  const rawCode = safeGet(error, 'code');
  const name = typeof rawName === 'string' && rawName.length > 0 ? cut(rawName, 128) : 'Error';
  const message = typeof rawMessage === 'string' ? cut(rawMessage) : '';
  return typeof rawCode === 'string' || typeof rawCode === 'number'
    ? { name, message, code: typeof rawCode === 'string' ? cut(rawCode, 128) : rawCode }
    : { name, message };
}

function cut(text: string, max = MAX_MESSAGE_LENGTH): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // do not split a surrogate pair
  // A plain slice would keep the whole original string alive (V8 slices point into their
  // parent); splitting and joining copies the head into a string of its own.
  return `${text.slice(0, end)}\u2026`.split('').join('');
}
