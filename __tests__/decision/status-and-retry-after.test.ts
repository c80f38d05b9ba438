/**
 * Reading a status and a server's wait from an error: which values count as an HTTP status,
 * non-string messages, header bags whose `get` answers null/undefined or is not a function,
 * function values where an object is expected, out-of-range seconds in an HTTP date, and a
 * `retry-after-ms` of 0.
 */
import { httpStatusOf, isThrottlingError, isTransientError } from '../../src/decision/classify.js';
import { parseRetryAfter, retryAfterMs } from '../../src/decision/retry-after.js';

const NOW = Date.UTC(2024, 0, 1, 0, 0, 0);

describe('httpStatusOf: what counts as a status', () => {
  it('skips a non-integer number and reads the next field', () => {
    // kills classify.ts:46 LogicalOperator (`typeof === 'number' || Number.isInteger`)
    expect(httpStatusOf({ status: 503.5 })).toBeUndefined();
    expect(httpStatusOf({ status: 1.5, statusCode: 503 })).toBe(503);
    expect(httpStatusOf({ response: { status: 429.25, statusCode: 429 } })).toBe(429);
    expect(httpStatusOf({ $metadata: { httpStatusCode: 500.1 } })).toBeUndefined();
  });

  it('reads only a string (not an array or object that stringifies to 3 digits)', () => {
    // kills classify.ts:47 LogicalOperator (`typeof === 'string' || /^\d{3}$/.test`)
    expect(httpStatusOf({ status: ['503'] })).toBeUndefined();
    expect(httpStatusOf({ statusCode: { toString: () => '503' } })).toBeUndefined();
    expect(httpStatusOf({ status: ['503'], response: { status: '429' } })).toBe(429);
  });

  it('reads a string of exactly 3 digits, not one with a prefix or a suffix', () => {
    // kills classify.ts:47 Regex /\d{3}$/ ('a503', '5031') and Regex /^\d{3}/ ('5031', '503a')
    expect(httpStatusOf({ status: '503' })).toBe(503);
    expect(httpStatusOf({ status: 'a503' })).toBeUndefined();
    expect(httpStatusOf({ status: '5031' })).toBeUndefined();
    expect(httpStatusOf({ statusCode: '503a' })).toBeUndefined();
    expect(httpStatusOf({ status: '5031', statusCode: '502' })).toBe(502);
    expect(httpStatusOf({ response: { statusCode: 'x429' }, $metadata: { httpStatusCode: '503' } })).toBe(503);
  });
});

describe('classify: a message that is not a string', () => {
  it('does not read a non-string message that stringifies to a transient text', () => {
    // kills classify.ts:68 ConditionalExpression (`typeof message === 'string'` -> true)
    const e = new Error('x');
    (e as { message: unknown }).message = ['timed out'];
    expect(isTransientError(e)).toBe(false);
    const t = new Error('x');
    (t as { message: unknown }).message = { toString: () => 'too many requests' };
    expect(isThrottlingError(t)).toBe(false);
  });
});

describe('Retry-After header bags', () => {
  it('ignores a function as headers, even one carrying a retry-after property', () => {
    // kills retry-after.ts:11 ConditionalExpression (whole guard -> false), LogicalOperator (|| -> &&),
    // and ConditionalExpression (`typeof headers !== 'object'` -> false)
    const fnHeaders = Object.assign(() => undefined, { 'retry-after': '5' });
    expect(retryAfterMs({ headers: fnHeaders }, NOW)).toBeUndefined();
    expect(retryAfterMs({ headers: fnHeaders, response: { headers: { 'retry-after': '2' } } }, NOW)).toBe(2000);
    const fnWithGet = Object.assign(() => undefined, { get: () => '7' });
    expect(retryAfterMs({ response: { headers: fnWithGet } }, NOW)).toBeUndefined();
  });

  it('reads a bag whose get is not a function as a plain object', () => {
    // kills retry-after.ts:13 ConditionalExpression (`typeof get === 'function'` -> true)
    const headers = { get: { call: () => '9' }, 'retry-after': '3' };
    expect(retryAfterMs({ headers }, NOW)).toBe(3000);
  });

  it('falls back to the own keys when get answers null', () => {
    // kills retry-after.ts:16 ConditionalExpression (whole -> true), LogicalOperator (&& -> ||),
    // and ConditionalExpression (`value !== null` -> true)
    const headers = { get: (): null => null, 'Retry-After': '4' };
    expect(retryAfterMs({ headers }, NOW)).toBe(4000);
    const msHeaders = { get: (): null => null, 'RETRY-AFTER-MS': '250' };
    expect(retryAfterMs({ response: { headers: msHeaders } }, NOW)).toBe(250);
  });

  it('falls back to the own keys when get answers undefined', () => {
    // kills retry-after.ts:16 ConditionalExpression (`value !== undefined` -> true)
    const headers = { get: (): undefined => undefined, 'retry-After': '6' };
    expect(retryAfterMs({ headers }, NOW)).toBe(6000);
  });

  it('uses what get answers before the own keys', () => {
    // context for the tests above: a non-null answer from get wins
    const headers = { get: (n: string) => (n === 'retry-after' ? '1' : null), 'retry-after': '8' };
    expect(retryAfterMs({ headers }, NOW)).toBe(1000);
  });
});

describe('Retry-After values', () => {
  it('rejects an HTTP date whose seconds are above 60 (61 is not clamped to 59)', () => {
    // kills retry-after.ts:60 ConditionalExpression (`s > 60` -> false)
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:61 GMT', NOW)).toBeUndefined();
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:01:99 GMT', NOW - 60_000)).toBeUndefined();
    expect(parseRetryAfter('Mon Jan  1 00:00:75 2024', NOW - 1000)).toBeUndefined();
    // 60 (a leap second) is still read, as :59
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:60 GMT', NOW)).toBe(59_000);
  });

  it('reads a numeric retry-after-ms of 0 as "retry now", not as no hint', () => {
    // kills retry-after.ts:89 EqualityOperator (`value >= 0` -> `value > 0`)
    expect(retryAfterMs({ headers: { 'retry-after-ms': 0 } }, NOW)).toBe(0);
    expect(retryAfterMs({ headers: { 'retry-after-ms': 0, 'retry-after': '5' } }, NOW)).toBe(0);
    expect(retryAfterMs({ headers: { 'retry-after-ms': -1, 'retry-after': '5' } }, NOW)).toBe(5000);
  });
});

describe('retryAfterMs: what is a source', () => {
  it('ignores a function as the source or as a cause, even one with retryAfter', () => {
    // kills retry-after.ts:119 ConditionalExpression (whole guard -> false) and
    // ConditionalExpression (`typeof link !== 'object'` -> false)
    const fn = Object.assign(() => undefined, { retryAfter: 100 });
    expect(retryAfterMs(fn, NOW)).toBeUndefined();
    expect(retryAfterMs({ message: 'outer', cause: fn }, NOW)).toBeUndefined();
    expect(retryAfterMs({ cause: { cause: { retryAfter: 100 } } }, NOW)).toBe(100);
  });
});
