import fc from 'fast-check';
import { parseRetryAfter, retryAfterMs } from '../../src/decision/retry-after.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0); // Wed, 15 Jan 2025 12:00:00 GMT
const MAX_TIMER = 2 ** 31 - 1;
const TEN_YEARS = Date.UTC(2035, 0, 15, 12, 0, 0) - NOW;

const withHeaders = (headers: unknown): Error => Object.assign(new Error('Too Many Requests'), { headers });
const withResponseHeaders = (headers: unknown): Error => Object.assign(new Error('Service Unavailable'), { response: { status: 503, headers } });

describe('parseRetryAfter: delay-seconds', () => {
  it.each<[unknown, number]>([
    ['0', 0], ['1', 1000], ['120', 120_000], [' 3 ', 3000], ['1.5', 1500], ['007', 7000], [5, 5000], [0, 0], [0.25, 250],
  ])('reads %j as %i ms', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  it('keeps values above 2^31-1 ms exact (no wrap, no clamp)', () => {
    expect(parseRetryAfter('2147484', NOW)).toBe(2_147_484_000);
    expect(parseRetryAfter('2147484', NOW)).toBeGreaterThan(MAX_TIMER);
    expect(parseRetryAfter(String(10 * 365 * 86_400), NOW)).toBe(10 * 365 * 86_400_000);
  });

  it('turns an absurdly long number of seconds into a huge wait, never NaN or negative', () => {
    const ms = parseRetryAfter('9'.repeat(400), NOW);
    expect(ms).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
  });
});

describe('parseRetryAfter: HTTP dates, relative to the now passed', () => {
  it('reads an IMF-fixdate', () => {
    expect(parseRetryAfter('Wed, 15 Jan 2025 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Wed, 15 Jan 2025 12:00:30 GMT', NOW - 5000)).toBe(35_000);
    expect(parseRetryAfter('wed, 15 jan 2025 12:00:30 gmt', NOW)).toBe(30_000);
  });

  it('reads the obsolete RFC 850 and asctime forms, asctime as GMT whatever the local zone', () => {
    expect(parseRetryAfter('Wednesday, 15-Jan-25 12:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Wed Jan 15 12:02:00 2025', NOW)).toBe(120_000);
    expect(parseRetryAfter('Wed Jan  5 12:00:00 2025', Date.UTC(2025, 0, 5, 11, 0, 0))).toBe(3_600_000);
  });

  it('puts a two-digit year within 50 years of now (RFC 9110 5.6.7)', () => {
    // From 2025, "76" is 1976 (2076 would be more than 50 years ahead): in the past, so 0.
    expect(parseRetryAfter('Thursday, 01-Jan-76 00:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('Friday, 01-Jan-75 00:00:00 GMT', NOW)).toBe(Date.UTC(2075, 0, 1) - NOW);
    expect(parseRetryAfter('Friday, 01-Jan-70 00:00:00 GMT', Date.UTC(1969, 11, 31, 23, 59, 0))).toBe(60_000);
    expect(parseRetryAfter('Monday, 01-Jan-74 00:00:00 GMT', NOW)).toBe(Date.UTC(2074, 0, 1) - NOW);
  });

  it('answers 0 for a date in the past', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('Wed, 15 Jan 2025 12:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:00 GMT', NOW)).toBe(0);
  });

  it('answers about ten years of ms for a date ten years ahead, more than a timer can hold', () => {
    const ms = parseRetryAfter('Mon, 15 Jan 2035 12:00:00 GMT', NOW);
    expect(ms).toBe(TEN_YEARS);
    expect(ms).toBeGreaterThan(MAX_TIMER);
  });

  it('reads a leap second as the last second of its minute', () => {
    expect(parseRetryAfter('Wed, 15 Jan 2025 12:00:60 GMT', NOW)).toBe(59_000);
  });
});

describe('parseRetryAfter: what is no hint', () => {
  it.each<unknown>([
    '-1', '-0.5', 'NaN', 'Infinity', '-Infinity', '1e3', '0x10', '+5', '5s', '5 seconds', '', '   ', '.5', '1.', '1,5',
    'soon', 'now', 'tomorrow', 'garbage', 'x 5', 'Retry in 5', 'retry 2099', 'Jan 1', 'abc 2020', '2035-01-15T12:00:00Z',
    'Wed, 31 Feb 2025 00:00:00 GMT', 'Wed, 15 Foo 2025 12:00:00 GMT', 'Wed, 15 Jan 2025 24:00:00 GMT', 'Wed, 15 Jan 2025 12:60:00 GMT',
    'Wed, 15 Jan 2025 12:00:00 PST', 'Wed, 00 Jan 2025 12:00:00 GMT', 'Wed, 15 Jan 2025 12:00:00 GMT trailing',
    -1, -0.001, NaN, Infinity, -Infinity, null, undefined, true, {}, [], ['5'], 5n, Symbol('5'),
  ])('ignores %p', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });

  it('does not read garbage as a date: Date.parse would make "x 2099" a wait of 74 years', () => {
    expect(Date.parse('x 2099')).toBeGreaterThan(NOW); // what a naive parser would use
    expect(parseRetryAfter('x 2099', NOW)).toBeUndefined();
  });
});

describe('retryAfterMs: where the hint is found', () => {
  it('reads retryAfter (ms) on the error', () => {
    expect(retryAfterMs(Object.assign(new Error('x'), { retryAfter: 1500 }), NOW)).toBe(1500);
    expect(retryAfterMs({ retryAfter: 0 }, NOW)).toBe(0);
  });

  it('ignores a negative, NaN, infinite or non-numeric retryAfter and falls back to the headers', () => {
    for (const retryAfter of [-1, NaN, Infinity, '5000', null]) {
      expect(retryAfterMs({ retryAfter }, NOW)).toBeUndefined();
      expect(retryAfterMs({ retryAfter, headers: { 'retry-after': '2' } }, NOW)).toBe(2000);
    }
  });

  it('reads a fetch Headers object on headers and on response.headers', () => {
    expect(retryAfterMs(withHeaders(new Headers({ 'Retry-After': '3' })), NOW)).toBe(3000);
    expect(retryAfterMs(withResponseHeaders(new Headers({ 'retry-after': 'Wed, 15 Jan 2025 12:00:10 GMT' })), NOW)).toBe(10_000);
  });

  it('reads a fetch Response (a result rejected by retryOnResult)', () => {
    const response = new Response(null, { status: 503, headers: { 'Retry-After': '4' } });
    expect(retryAfterMs(response, NOW)).toBe(4000);
  });

  it.each(['retry-after', 'Retry-After', 'RETRY-AFTER', 'rEtRy-AfTeR'])('reads a plain object whose key is %j', (key) => {
    expect(retryAfterMs(withHeaders({ [key]: '7' }), NOW)).toBe(7000);
    expect(retryAfterMs(withResponseHeaders({ [key]: '7' }), NOW)).toBe(7000);
  });

  it('reads the first item of an array value, and a numeric value as seconds', () => {
    expect(retryAfterMs(withHeaders({ 'retry-after': ['2', '9'] }), NOW)).toBe(2000);
    expect(retryAfterMs(withHeaders({ 'Retry-After': 6 }), NOW)).toBe(6000);
  });

  it('reads retry-after-ms, from a string or a number, before retry-after', () => {
    expect(retryAfterMs(withHeaders(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' })), NOW)).toBe(250);
    expect(retryAfterMs(withHeaders({ 'Retry-After-Ms': 125, 'retry-after': '9' }), NOW)).toBe(125);
    expect(retryAfterMs(withHeaders({ 'retry-after-ms': ' 75 ' }), NOW)).toBe(75);
  });

  it('falls back to retry-after when retry-after-ms is garbage or negative', () => {
    expect(retryAfterMs(withHeaders({ 'retry-after-ms': 'soon', 'retry-after': '1' }), NOW)).toBe(1000);
    expect(retryAfterMs(withHeaders({ 'retry-after-ms': -5, 'retry-after': '1' }), NOW)).toBe(1000);
    expect(retryAfterMs(withHeaders({ 'retry-after-ms': '-5', 'retry-after': '1' }), NOW)).toBe(1000);
  });

  it('prefers retryAfter, then the error headers, then response.headers', () => {
    const all = Object.assign(new Error('x'), { retryAfter: 10, headers: { 'retry-after': '2' }, response: { headers: { 'retry-after': '3' } } });
    expect(retryAfterMs(all, NOW)).toBe(10);
    const noMs = Object.assign(new Error('x'), { headers: { 'retry-after': '2' }, response: { headers: { 'retry-after': '3' } } });
    expect(retryAfterMs(noMs, NOW)).toBe(2000);
    const garbageFirst = Object.assign(new Error('x'), { headers: { 'retry-after': 'later' }, response: { headers: { 'retry-after': '3' } } });
    expect(retryAfterMs(garbageFirst, NOW)).toBe(3000);
  });

  it('reads an axios error (response.headers as a plain object with lower-case keys)', () => {
    const axios = Object.assign(new Error('Request failed with status code 429'), {
      isAxiosError: true, response: { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '12' } },
    });
    expect(retryAfterMs(axios, NOW)).toBe(12_000);
  });

  it('reads a Map with a lower-case key through its get method', () => {
    expect(retryAfterMs(withHeaders(new Map([['retry-after', '8']])), NOW)).toBe(8000);
  });

  it('falls back to the plain keys when a get method throws', () => {
    const headers = { get() { throw new Error('broken'); }, 'Retry-After': '5' };
    expect(retryAfterMs(withHeaders(headers), NOW)).toBe(5000);
  });

  it('follows the cause chain: a hint 10 causes deep counts, 11 deep does not', () => {
    const nest = (depth: number): unknown => {
      let e: unknown = withHeaders({ 'retry-after': '1' });
      for (let i = 0; i < depth; i++) e = new Error(`wrap ${i}`, { cause: e });
      return e;
    };
    expect(retryAfterMs(nest(1), NOW)).toBe(1000);
    expect(retryAfterMs(nest(10), NOW)).toBe(1000);
    expect(retryAfterMs(nest(11), NOW)).toBeUndefined();
  });

  it('takes the outermost hint of a chain', () => {
    const inner = Object.assign(new Error('inner'), { retryAfter: 9000 });
    expect(retryAfterMs(Object.assign(new Error('outer', { cause: inner }), { retryAfter: 1 }), NOW)).toBe(1);
  });

  it('terminates on a cause loop', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.defineProperty(a, 'cause', { value: b });
    expect(retryAfterMs(a, NOW)).toBeUndefined();
  });

  it.each<unknown>([undefined, null, 'retry-after: 5', 5, {}, new Error('x'), { headers: null }, { headers: 'retry-after: 5' }, { response: null }])(
    'finds no hint on %p', (value) => {
      expect(retryAfterMs(value, NOW)).toBeUndefined();
    },
  );

  it('survives a Proxy that throws on every access and getters that throw', () => {
    const proxy = new Proxy({}, {
      get() { throw new Error('get'); }, ownKeys() { throw new Error('ownKeys'); }, getPrototypeOf() { throw new Error('proto'); },
    });
    expect(retryAfterMs(proxy, NOW)).toBeUndefined();
    expect(retryAfterMs(withHeaders(proxy), NOW)).toBeUndefined();
    const hostile = Object.defineProperty(new Error('x'), 'headers', { get() { throw new Error('headers'); } });
    Object.defineProperty(hostile, 'response', { value: { headers: { 'retry-after': '2' } } });
    expect(retryAfterMs(hostile, NOW)).toBe(2000);
  });
});

describe('retry-after properties', () => {
  const headerValue = fc.oneof(
    fc.string(), fc.integer(), fc.double(), fc.constantFrom('-1', 'NaN', 'Infinity', '1e400', '9'.repeat(400)),
    fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
  );

  it('parseRetryAfter never answers a negative number or NaN', () => {
    fc.assert(fc.property(headerValue, fc.integer({ min: 0, max: 2 ** 45 }), (value, now) => {
      const ms = parseRetryAfter(value, now);
      if (ms !== undefined) {
        expect(typeof ms).toBe('number');
        expect(ms >= 0).toBe(true);
      }
    }), { numRuns: 1000 });
  });

  it('retryAfterMs never throws and never answers a negative number or NaN, for any value', () => {
    const source = fc.oneof(
      fc.anything({ withBigInt: true, withMap: true, withNullPrototype: true }),
      fc.record({ retryAfter: fc.oneof(fc.double(), fc.anything()) }),
      fc.record({ headers: fc.dictionary(fc.constantFrom('retry-after', 'Retry-After', 'retry-after-ms', 'x'), headerValue) }),
      fc.record({ response: fc.record({ headers: fc.dictionary(fc.constantFrom('retry-after', 'RETRY-AFTER-MS'), fc.oneof(headerValue, fc.array(headerValue))) }) }),
    );
    fc.assert(fc.property(source, fc.integer({ min: 0, max: 2 ** 45 }), (value, now) => {
      const ms = retryAfterMs(value, now);
      if (ms !== undefined) {
        expect(typeof ms).toBe('number');
        expect(ms >= 0).toBe(true);
      }
    }), { numRuns: 1000 });
  });

  it('retryAfterMs answers the same given the time or a function that reads it', () => {
    const source = fc.oneof(
      fc.record({ retryAfter: fc.oneof(fc.double(), fc.anything()) }),
      fc.record({ headers: fc.dictionary(fc.constantFrom('retry-after', 'Retry-After', 'retry-after-ms', 'x'), headerValue) }),
      fc.record({ response: fc.record({ headers: fc.dictionary(fc.constantFrom('retry-after', 'RETRY-AFTER-MS'), fc.oneof(headerValue, fc.array(headerValue))) }) }),
      fc.record({ cause: fc.record({ headers: fc.dictionary(fc.constantFrom('retry-after'), headerValue) }) }),
    );
    fc.assert(fc.property(source, fc.integer({ min: 0, max: 2 ** 45 }), (value, now) => {
      expect(retryAfterMs(value, () => now)).toBe(retryAfterMs(value, now));
    }), { numRuns: 1000 });
  });

  it('an HTTP date formatted by toUTCString round-trips to its distance from now', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400 }), (seconds) => {
      const at = NOW + seconds * 1000;
      expect(parseRetryAfter(new Date(at).toUTCString(), NOW)).toBe(seconds * 1000);
      expect(parseRetryAfter(new Date(NOW - seconds * 1000).toUTCString(), NOW)).toBe(0);
    }));
  });
});

describe('retryAfterMs: a function for now', () => {
  const DATE = 'Wed, 21 Oct 2015 07:28:00 GMT';
  const AT = Date.UTC(2015, 9, 21, 7, 28, 0);

  it('is called only to convert a date, and gives the same answer as its value', () => {
    const now = jest.fn(() => AT - 5_000);
    expect(retryAfterMs({ headers: { 'retry-after': DATE } }, now)).toBe(5_000);
    expect(now).toHaveBeenCalledTimes(1);
    expect(retryAfterMs({ headers: { 'retry-after': DATE } }, AT - 5_000)).toBe(5_000);
  });

  it('is not called for seconds, milliseconds, a numeric retryAfter or no hint', () => {
    const now = jest.fn(() => 0);
    expect(retryAfterMs({ headers: { 'retry-after': '3' } }, now)).toBe(3_000);
    expect(retryAfterMs({ headers: { 'retry-after-ms': '250' } }, now)).toBe(250);
    expect(retryAfterMs({ retryAfter: 40 }, now)).toBe(40);
    expect(retryAfterMs(new Error('no hint'), now)).toBeUndefined();
    expect(parseRetryAfter(7, now)).toBe(7_000);
    expect(now).not.toHaveBeenCalled();
  });
});
