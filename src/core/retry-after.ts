import { MAX_CAUSE_DEPTH } from './classify.js';
import { safeGet } from './safe.js';

const DELAY_SECONDS = /^\d+(?:\.\d+)?$/;

/**
 * Reads a header from a `Headers` object (anything with a `get` method: fetch's `Headers`,
 * axios's `AxiosHeaders`) or a plain object (any key case; an array value gives its first item).
 */
function header(headers: unknown, name: string): unknown {
  if (headers === null || typeof headers !== 'object') return undefined;
  const get = safeGet(headers, 'get');
  if (typeof get === 'function') {
    try {
      const value = (get as (this: unknown, n: string) => unknown).call(headers, name);
      if (value !== null && value !== undefined) return value;
    } catch {
      // fall through to a plain-object read
    }
  }
  let keys: string[];
  try {
    keys = Object.keys(headers);
  } catch {
    return undefined;
  }
  for (const key of keys) {
    if (key.toLowerCase() === name) {
      const value = safeGet(headers, key);
      return Array.isArray(value) ? value[0] : value;
    }
  }
  return undefined;
}

/**
 * Parses a `Retry-After` value: delay-seconds, or an HTTP date (relative to `now`, in epoch
 * ms). A date in the past means 0. Garbage, negative numbers and NaN mean no hint.
 */
export function parseRetryAfter(value: unknown, now: number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (DELAY_SECONDS.test(text)) return Number(text) * 1000;
  // An HTTP date names a weekday or month; this also keeps Date.parse('-1') (year -1) out.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function hintOf(source: object, now: number): number | undefined {
  const ms = safeGet(source, 'retryAfter');
  if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) return ms;
  for (const headers of [safeGet(source, 'headers'), safeGet(safeGet(source, 'response'), 'headers')]) {
    const precise = header(headers, 'retry-after-ms');
    const preciseMs = typeof precise === 'string' && DELAY_SECONDS.test(precise.trim()) ? Number(precise) : undefined;
    if (preciseMs !== undefined) return preciseMs;
    const hinted = parseRetryAfter(header(headers, 'retry-after'), now);
    if (hinted !== undefined) return hinted;
  }
  return undefined;
}

/**
 * The server's wait hint carried by a failed attempt's error (or by a result `retryOnResult`
 * rejected), in ms: a numeric `retryAfter` (ms), or a `Retry-After` header (seconds or an HTTP
 * date; also `retry-after-ms`) on `headers` or `response.headers`, looked for along the
 * `cause` chain. `undefined` when there is none.
 *
 * @example
 * retryAfterMs({ response: { headers: { 'retry-after': '2' } } }, Date.now()); // 2000
 */
export function retryAfterMs(source: unknown, now: number): number | undefined {
  let link = source;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH; depth++) {
    if (link === null || typeof link !== 'object') return undefined;
    const hint = hintOf(link, now);
    if (hint !== undefined) return hint;
    link = safeGet(link, 'cause');
  }
  return undefined;
}
