/**
 * The got pack against real got errors from a real HTTP server on loopback: a timeout, a
 * reset connection, a refused port, 503 with Retry-After, 429, 400; the idempotency rule for
 * POST; and retry() recovering once the fault clears.
 *
 * got 14 is ESM only and Jest compiles these suites to CommonJS (`await import('got')` fails
 * under this config with "Must use import to load ES Module"), so got runs in a plain Node
 * child (got-client.mts) that judges each real error with the pack and reports the verdict;
 * the server, and every assertion, stay here.
 */
import { gotErrors } from '../../src/packs/got.js';
import {
  loopbackServer, refusedPort, reset, runInNode, silent, status, thenOk,
  type Answer, type ChildCall, type ChildOutcome, type LoopbackServer,
} from './support.js';

/** Each path answers its own way; the `flaky-` ones fail once, then answer 200 "ok". */
const routes: Record<string, Answer> = {
  '/unavailable': status(503, { 'retry-after': '2' }),
  '/busy': status(429),
  '/bad': status(400),
  '/reset': reset,
  '/silent': silent,
  '/flaky-unavailable': thenOk(status(503, { 'retry-after': '2' })),
  '/flaky-reset': thenOk(reset),
  '/flaky-bad': thenOk(status(400)),
};

let server: LoopbackServer;
const outcomes = new Map<string, ChildOutcome>();
const hits = new Map<string, number>();

beforeAll(async () => {
  server = await loopbackServer();
  server.answer = (req, res) => {
    const path = req.url ?? '/';
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    (routes[path] ?? status(404))(req, res, n);
  };
  const at = (path: string): string => `${server.url}${path}`;
  const calls: ChildCall[] = [
    { name: '503', url: at('/unavailable') },
    { name: '429', url: at('/busy') },
    { name: '400', url: at('/bad') },
    { name: 'reset GET', url: at('/reset') },
    { name: 'reset POST', url: at('/reset'), method: 'POST' },
    { name: 'reset POST keyed', url: at('/reset'), method: 'POST', headers: { 'Idempotency-Key': 'order-17' } },
    { name: 'reset POST idempotent', url: at('/reset'), method: 'POST', idempotent: true },
    { name: 'timeout', url: at('/silent'), timeoutMs: 30 },
    { name: 'refused POST', url: `http://127.0.0.1:${await refusedPort()}/`, method: 'POST' },
    { name: 'retry 503', url: at('/flaky-unavailable'), retry: true },
    { name: 'retry reset', url: at('/flaky-reset'), retry: true },
    { name: 'retry 400', url: at('/flaky-bad'), retry: true },
  ];
  const results = JSON.parse(await runInNode('got-client.mts', calls)) as ChildOutcome[];
  for (const outcome of results) outcomes.set(outcome.name, outcome);
}, 30_000);
afterAll(() => server.close());

function outcome(name: string): ChildOutcome {
  const found = outcomes.get(name);
  if (found === undefined) throw new Error(`no outcome named ${name}`);
  return found;
}

describe('gotErrors on real got errors (got in a Node child)', () => {
  it('HTTPError 503 with Retry-After is transient with the wait; 429 throttling; 400 permanent', () => {
    expect(outcome('503')).toMatchObject({ error: { name: 'HTTPError', status: 503 }, verdict: { verdict: 'transient', retryAfterMs: 2_000 } });
    expect(outcome('429')).toMatchObject({ error: { name: 'HTTPError', status: 429 }, verdict: 'throttling' });
    expect(outcome('400')).toMatchObject({ error: { name: 'HTTPError', status: 400 }, verdict: 'permanent' });
  });

  it('a reset connection is transient for GET; for POST only with an Idempotency-Key or idempotent: true', () => {
    expect(outcome('reset GET')).toMatchObject({ error: { name: 'RequestError', code: 'ECONNRESET' }, verdict: 'transient' });
    expect(outcome('reset POST')).toMatchObject({ error: { code: 'ECONNRESET' }, verdict: 'permanent' });
    expect(outcome('reset POST keyed').verdict).toBe('transient');
    expect(outcome('reset POST idempotent').verdict).toBe('transient');
  });

  it('a TimeoutError in the request phase is transient', () => {
    expect(outcome('timeout')).toMatchObject({ error: { name: 'TimeoutError', code: 'ETIMEDOUT', event: 'request' }, verdict: 'transient' });
  });

  it('a refused connection is transient even for POST: the request never left', () => {
    expect(outcome('refused POST')).toMatchObject({ error: { name: 'RequestError', code: 'ECONNREFUSED' }, verdict: 'transient' });
  });

  it('retry() waits the Retry-After of a 503 and recovers; recovers from a reset; stops at a 400', () => {
    expect(outcome('retry 503')).toEqual({ name: 'retry 503', value: 'ok', waits: [2_000] });
    expect(hits.get('/flaky-unavailable')).toBe(2);
    expect(outcome('retry reset')).toMatchObject({ value: 'ok' });
    expect(hits.get('/flaky-reset')).toBe(2);
    expect(outcome('retry 400')).toMatchObject({ error: { status: 400 }, verdict: 'permanent', waits: [] });
    expect(hits.get('/flaky-bad')).toBe(1);
  });
});

describe('gotErrors: shapes, scope and options', () => {
  // Shaped as got 14 builds them (dist/source/core/errors.js): a `name`, a `code`, the
  // request's `options`; a TimeoutError's `event`.
  const gotError = (name: string, extra: object): Error => Object.assign(new Error('x'), { name, options: { method: 'POST', headers: {} } }, extra);

  it('a timeout while connecting proves the request never left: transient even for POST', () => {
    expect(gotErrors()(gotError('TimeoutError', { code: 'ETIMEDOUT', event: 'connect' }))).toBe('transient');
    expect(gotErrors()(gotError('TimeoutError', { code: 'ETIMEDOUT', event: 'lookup' }))).toBe('transient');
    expect(gotErrors()(gotError('TimeoutError', { code: 'ETIMEDOUT', event: 'response' }))).toBe('permanent');
  });

  it('AbortError, MaxRedirectsError and ParseError are permanent', () => {
    for (const name of ['AbortError', 'MaxRedirectsError', 'ParseError']) expect(gotErrors({ idempotent: true })(gotError(name, {}))).toBe('permanent');
  });

  it('answers undefined for errors that are not got\'s', () => {
    expect(gotErrors()(Object.assign(new Error('x'), { name: 'HTTPError', response: { statusCode: 503 } }))).toBeUndefined();
    expect(gotErrors()(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBeUndefined();
  });

  it('rejects a bad option with a TypeError naming it', () => {
    expect(() => gotErrors({ idempotent: 'no' as unknown as boolean })).toThrow(/`gotErrors\.idempotent` must be a boolean or undefined, got "no"/);
  });
});
