/**
 * The axios pack against real axios errors from a real HTTP server on loopback: timeouts,
 * resets, a refused port, 503 with Retry-After, 429, 400; the idempotency rule for POST; and
 * retry() recovering once the fault clears.
 */
import axios, { type AxiosRequestConfig } from 'axios';
import { Agent } from 'node:http';
import { retry } from '../../src/index.js';
import { axiosErrors } from '../../src/packs/axios.js';
import { failureOf, loopbackServer, ok, RecordingClock, refusedPort, reset, silent, status, thenOk, type LoopbackServer } from './support.js';

let server: LoopbackServer;
// No keep-alive: every request opens its own connection, and nothing stays open after a test.
const httpAgent = new Agent({ keepAlive: false });
const client = axios.create({ httpAgent, timeout: 2_000 });

beforeAll(async () => {
  server = await loopbackServer();
});
afterEach(() => server.reset());
afterAll(async () => {
  await server.close();
  httpAgent.destroy();
});

/** The error axios rejects with for one request to the loopback server. */
function errorOf(config: AxiosRequestConfig = {}): Promise<unknown> {
  return failureOf(client.request({ url: `${server.url}/thing`, method: 'get', ...config }));
}

describe('axiosErrors: statuses', () => {
  it('503 with Retry-After is transient with the wait in ms; retry() waits it and recovers', async () => {
    server.answer = status(503, { 'retry-after': '2' });
    const error = await errorOf();
    expect(axiosErrors()(error)).toEqual({ verdict: 'transient', retryAfterMs: 2_000 });

    server.reset();
    server.answer = thenOk(status(503, { 'retry-after': '2' }));
    const clock = new RecordingClock();
    const res = await retry(() => client.get(`${server.url}/thing`), { classify: [axiosErrors()], clock, initialDelay: 10, registry: false });
    expect(res.data).toBe('ok');
    expect(server.requests).toBe(2);
    expect(clock.waits).toEqual([2_000]);
  });

  it('429 is throttling', async () => {
    server.answer = status(429);
    expect(axiosErrors()(await errorOf())).toBe('throttling');
  });

  it('400 and 404 are permanent: retry() makes one attempt', async () => {
    server.answer = status(404);
    expect(axiosErrors()(await errorOf())).toBe('permanent');
    server.reset();
    server.answer = status(400);
    const error = await failureOf(retry(() => client.get(`${server.url}/thing`), { classify: [axiosErrors()], initialDelay: 1, registry: false }));
    expect((error as { response: { status: number } }).response.status).toBe(400);
    expect(server.requests).toBe(1);
  });

  it('a 503 to a POST is permanent, unless it carries an Idempotency-Key or idempotent: true is said', async () => {
    server.answer = status(503);
    const post = await errorOf({ method: 'post', data: { a: 1 } });
    expect(axiosErrors()(post)).toBe('permanent');
    expect(axiosErrors({ idempotent: true })(post)).toBe('transient');
    const keyed = await errorOf({ method: 'post', data: { a: 1 }, headers: { 'Idempotency-Key': 'order-17' } });
    expect(axiosErrors()(keyed)).toBe('transient');
    // idempotent: false wins over the method.
    expect(axiosErrors({ idempotent: false })(await errorOf())).toBe('permanent');
  });
});

describe('axiosErrors: network failures', () => {
  it('a timeout (ECONNABORTED) is transient; retry() recovers when the server answers', async () => {
    server.answer = silent;
    const error = await errorOf({ timeout: 20 });
    expect((error as { code: string }).code).toBe('ECONNABORTED');
    expect(axiosErrors()(error)).toBe('transient');

    // The server stays silent until the first attempt has timed out; the second attempt has
    // room to spare on a loaded machine.
    let slow = true;
    server.answer = (req, res, n) => (slow ? silent : ok)(req, res, n);
    let attempts = 0;
    const res = await retry(({ attempt }) => {
      attempts = attempt;
      return client.get(`${server.url}/thing`, { timeout: attempt === 1 ? 20 : 2_000 });
    }, { classify: [axiosErrors()], initialDelay: 1, registry: false, onRetry: () => { slow = false; } });
    expect(res.data).toBe('ok');
    expect(attempts).toBe(2);
  });

  it('a reset connection (ECONNRESET) is transient for GET, permanent for POST: the server may have seen it', async () => {
    server.answer = reset;
    const get = await errorOf();
    expect((get as { code: string }).code).toBe('ECONNRESET');
    expect(axiosErrors()(get)).toBe('transient');
    const post = await errorOf({ method: 'post', data: 'x' });
    expect(axiosErrors()(post)).toBe('permanent');
    expect(axiosErrors()(await errorOf({ method: 'patch', data: 'x', headers: { 'idempotency-key': 'k1' } }))).toBe('transient');

    server.reset();
    server.answer = thenOk(reset);
    const res = await retry(() => client.get(`${server.url}/thing`), { classify: [axiosErrors()], initialDelay: 1, registry: false });
    expect(res.data).toBe('ok');
    expect(server.requests).toBe(2);
  });

  it('a refused connection (ECONNREFUSED) is transient even for POST: the request never left', async () => {
    const port = await refusedPort();
    const error = await failureOf(client.post(`http://127.0.0.1:${port}/thing`, { a: 1 }));
    expect((error as { code: string }).code).toBe('ECONNREFUSED');
    expect(axiosErrors()(error)).toBe('transient');
  });

  it('a cancelled request (ERR_CANCELED) is permanent', async () => {
    server.answer = silent;
    const controller = new AbortController();
    const pending = errorOf({ signal: controller.signal });
    setImmediate(() => controller.abort());
    const error = await pending;
    expect((error as { code: string }).code).toBe('ERR_CANCELED');
    expect(axiosErrors()(error)).toBe('permanent');
  });
});

describe('axiosErrors: scope and options', () => {
  it('answers undefined for errors that are not axios errors', () => {
    const pack = axiosErrors();
    expect(pack(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBeUndefined();
    expect(pack({ response: { status: 503 } })).toBeUndefined();
    expect(pack('boom')).toBeUndefined();
  });

  it('rejects a bad option with a TypeError naming it', () => {
    expect(() => axiosErrors({ idempotent: 'yes' as unknown as boolean })).toThrow(/`axiosErrors\.idempotent` must be a boolean or undefined, got "yes"/);
    expect(() => axiosErrors(42 as never)).toThrow(TypeError);
  });
});
