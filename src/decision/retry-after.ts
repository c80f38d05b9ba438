import { MAX_CAUSE_DEPTH } from './classify.js';
import { describe, safeGet } from '../observers/safe.js';

const DELAY_SECONDS = /^\d+(?:\.\d+)?$/;

/**
 * Reads a header from a `Headers` object (anything with a `get` method: fetch's `Headers`,
 * axios's `AxiosHeaders`) or a plain object (any key case; an array value gives its first item).
 * `name` must be lower case. Never throws; `undefined` when absent.
 *
 * @example
 * header({ 'Retry-After': '2' }, 'retry-after'); // '2'
 */
export function header(headers: unknown, name: string): unknown {
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

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) and the obsolete RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`). */
const RFC_DATE = /^(?:[a-z]{3,9},\s*)?(\d{1,2})[ -]([a-z]{3})[ -](\d{4}|\d{2})\s+(\d{2}):(\d{2}):(\d{2})\s+(?:GMT|UTC|UT|\+0000)$/i;
/** The obsolete asctime form (`Sun Nov  6 08:49:37 1994`), which is in GMT. */
const ASCTIME = /^[a-z]{3}\s+([a-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})$/i;

/**
 * An HTTP date (RFC 9110 5.6.7) in epoch ms, or `undefined`. Strict on purpose: `Date.parse`
 * reads almost anything with a number in it as a date (`'retry in 5'` is May 2001, `'x 2099'`
 * is 2099), and a garbage header must mean "no hint", not a wait of decades.
 */
function httpDate(text: string, now: number): number | undefined {
  const rfc = RFC_DATE.exec(text);
  const asc = rfc === null ? ASCTIME.exec(text) : null;
  // [day, month, year, hours, minutes, seconds]
  const parts = rfc !== null ? rfc.slice(1) : asc !== null ? [asc[2], asc[1], asc[6], asc[3], asc[4], asc[5]] : undefined;
  if (parts === undefined) return undefined;
  const [day, month, year, hours, minutes, seconds] = parts as [string, string, string, string, string, string];
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  const d = Number(day);
  const h = Number(hours);
  const m = Number(minutes);
  const s = Number(seconds);
  if (monthIndex < 0 || h > 23 || m > 59 || s > 60) return undefined;
  let y = Number(year);
  if (year.length === 2) {
    // RFC 9110: a two-digit year more than 50 years ahead is the latest such year in the past.
    const current = new Date(now).getUTCFullYear();
    y += current - (current % 100);
    if (y > current + 50) y -= 100;
  }
  const at = Date.UTC(y, monthIndex, d, h, m, Math.min(s, 59)); // a leap second counts as :59
  return new Date(at).getUTCDate() === d ? at : undefined; // 31 Feb rolls over: not a date
}

/**
 * The current time in epoch ms, or a function that reads it. A function is called only when a
 * `Retry-After` value is a string that is not a number of seconds (it may be a date), so a
 * caller with a real clock reads it only then.
 */
export type NowSource = number | (() => number);

/**
 * Parses a `Retry-After` value: delay-seconds, or an HTTP date (relative to `now`, in epoch
 * ms). A date in the past means 0. Garbage, negative numbers and NaN mean no hint.
 */
export function parseRetryAfter(value: unknown, now: NowSource): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (DELAY_SECONDS.test(text)) return Number(text) * 1000;
  const t = typeof now === 'number' ? now : now();
  const at = httpDate(text, t);
  if (at === undefined) return undefined;
  const ms = at - t;
  return ms > 0 ? ms : Number.isNaN(ms) ? undefined : 0;
}

/** A `retry-after-ms` value (a non-standard header some APIs send, in ms). */
function parseMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return DELAY_SECONDS.test(text) ? Number(text) : undefined;
}

function hintOf(source: object, now: NowSource): number | undefined {
  const ms = safeGet(source, 'retryAfter');
  if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) return ms;
  const own = headersHint(safeGet(source, 'headers'), now);
  if (own !== undefined) return own;
  // Most errors have neither `headers` nor `response`: nothing is parsed or allocated for them.
  const response = safeGet(source, 'response');
  return response === undefined ? undefined : headersHint(safeGet(response, 'headers'), now);
}

/** The hint in one set of headers: `retry-after-ms`, else `retry-after`. */
function headersHint(headers: unknown, now: NowSource): number | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const preciseMs = parseMs(header(headers, 'retry-after-ms'));
  if (preciseMs !== undefined) return preciseMs;
  return parseRetryAfter(header(headers, 'retry-after'), now);
}

/**
 * The server's wait hint carried by a failed attempt's error (or by a result `retryOnResult`
 * rejected), in ms: a numeric `retryAfter` (ms), or a `Retry-After` header (seconds or an HTTP
 * date; also `retry-after-ms`) on `headers` or `response.headers`, looked for along the
 * `cause` chain. `undefined` when there is none. `now` converts an HTTP date: epoch ms, or a
 * function that reads them, called only when a date needs it; the system clock (`Date.now`)
 * when left out.
 *
 * @example
 * retryAfterMs({ response: { headers: { 'retry-after': '2' } } }); // 2000
 * retryAfterMs(error, clock.now()); // an HTTP date read against another clock
 */
export function retryAfterMs(source: unknown, now: NowSource = Date.now): number | undefined {
  if (typeof now !== 'number' && typeof now !== 'function') {
    throw new TypeError(`maestro-retry: retryAfterMs() \`now\` must be epoch ms or a function returning them (such as Date.now), got ${describe(now)}`);
  }
  let link = source;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH; depth++) {
    if (link === null || typeof link !== 'object') return undefined;
    const hint = hintOf(link, now);
    if (hint !== undefined) return hint;
    link = safeGet(link, 'cause');
  }
  return undefined;
}
