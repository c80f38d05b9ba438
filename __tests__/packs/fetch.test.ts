/**
 * The fetch/undici pack against real failures of Node's global fetch and of the undici
 * package (fetch, request) from a real HTTP server on loopback: a refused port, a reset
 * connection, a headers timeout, AbortSignal timeouts and aborts, undici's status errors;
 * isRetryableResponse as retryOnResult; and retry() recovering once the fault clears.
 */
import { createServer } from 'node:http';
import { Agent, fetch as undiciFetch, request as undiciRequest } from 'undici';
import { isAttemptTimeoutError, isRetryExhaustedError, ManualClock, retry } from '../../src/index.js';
import { fetchErrors, isRetryableResponse } from '../../src/packs/fetch.js';
import { failureOf, loopbackServer, RecordingClock, refusedPort, reset, silent, status, thenOk, until, type LoopbackServer } from './support.js';

let server: LoopbackServer;
// undici's own client, with a short headers timeout and no pooled connections left behind.
const dispatcher = new Agent({ headersTimeout: 20, keepAliveTimeout: 10, pipelining: 0 });

beforeAll(async () => {
  server = await loopbackServer();
});
afterEach(() => server.reset());
afterAll(async () => {
  await dispatcher.close();
  await server.close();
});

/** The `cause.code` of a `TypeError: fetch failed`. */
function causeCode(error: unknown): unknown {
  // Not toBeInstanceOf: Node's global fetch rejects with a TypeError of the outer realm.
  expect((error as Error).name).toBe('TypeError');
  expect((error as Error).message).toBe('fetch failed');
  return ((error as Error).cause as { code?: unknown }).code;
}

describe('fetchErrors: fetch failed', () => {
  it('a refused connection is transient even for POST; retry() recovers once the server listens', async () => {
    const port = await refusedPort();
    const url = `http://127.0.0.1:${port}/orders`;
    const init = { method: 'POST', body: '{}' };
    const error = await failureOf(fetch(url, init));
    expect(causeCode(error)).toBe('ECONNREFUSED');
    expect(fetchErrors(init)(error)).toBe('transient');

    const late = createServer((_req, res) => res.end('created'));
    try {
      const res = await retry(() => fetch(url, init), {
        classify: [fetchErrors(init)], initialDelay: 1, registry: false,
        onRetry: () => new Promise<void>((resolve) => late.listen(port, '127.0.0.1', resolve)),
      });
      expect(await res.text()).toBe('created');
    } finally {
      late.closeAllConnections();
      await new Promise((resolve) => late.close(resolve));
    }
  });

  it('a reset connection (UND_ERR_SOCKET) is transient for GET, permanent for POST without an Idempotency-Key', async () => {
    server.answer = reset;
    const error = await failureOf(fetch(server.url));
    expect(causeCode(error)).toBe('UND_ERR_SOCKET');
    expect(fetchErrors()(error)).toBe('transient');
    expect(fetchErrors({ method: 'POST' })(error)).toBe('permanent');
    expect(fetchErrors({ method: 'post', headers: new Headers({ 'Idempotency-Key': 'k1' }) })(error)).toBe('transient');
    expect(fetchErrors({ method: 'PATCH', headers: [['idempotency-key', 'k2']] })(error)).toBe('transient');
    expect(fetchErrors({ method: 'POST', idempotent: true })(error)).toBe('transient');

    server.reset();
    server.answer = thenOk(reset);
    const res = await retry(() => fetch(server.url), { classify: [fetchErrors()], initialDelay: 1, registry: false });
    expect(await res.text()).toBe('ok');
    expect(server.requests).toBe(2);
  });

  it("undici's headers timeout (UND_ERR_HEADERS_TIMEOUT) is transient", async () => {
    server.answer = silent;
    const error = await failureOf(undiciFetch(server.url, { dispatcher }));
    expect(causeCode(error)).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(fetchErrors()(error)).toBe('transient');
  });

  it('AbortSignal.timeout (TimeoutError) is transient; an abort is permanent', async () => {
    server.answer = silent;
    const timedOut = await failureOf(fetch(server.url, { signal: AbortSignal.timeout(10) }));
    expect((timedOut as Error).name).toBe('TimeoutError');
    expect(fetchErrors()(timedOut)).toBe('transient');
    expect(fetchErrors({ method: 'DELETE' })(timedOut)).toBe('transient');
    expect(fetchErrors({ method: 'POST' })(timedOut)).toBe('permanent');

    const controller = new AbortController();
    const pending = failureOf(fetch(server.url, { signal: controller.signal }));
    setImmediate(() => controller.abort());
    const aborted = await pending;
    expect((aborted as Error).name).toBe('AbortError');
    expect(fetchErrors()(aborted)).toBe('permanent');
  });
});

describe('fetchErrors with the engine\'s attemptTimeout', () => {
  // The attempt timer runs on a ManualClock: an attempt times out exactly when the test says,
  // however slow the machine.
  /** Counts the requests for `path`; called with each request, says whether it was one. */
  function countRequests(path: string): ((req: { url?: string }) => boolean) & { count: number } {
    const seen = Object.assign((req: { url?: string }) => req.url === path && ++seen.count > 0, { count: 0 });
    return seen;
  }

  it('an AttemptTimeoutError is retried for a GET', async () => {
    // Requests are counted by path: a request an earlier test aborted may still arrive.
    const seen = countRequests('/get');
    let slow = true;
    server.answer = (req, res, n) => (seen(req) && slow ? silent : status(200))(req, res, n);
    const clock = new ManualClock(Date.now());
    const call = retry(({ signal }) => fetch(`${server.url}/get`, { signal }), {
      classify: [fetchErrors()], attemptTimeout: 30, initialDelay: 1, clock, registry: false, onRetry: () => { slow = false; },
    });
    await until(() => seen.count === 1);
    await clock.advance(30); // attempt 1 times out
    await clock.advance(1); // the backoff; attempt 2 starts, and the server answers it
    expect((await call).status).toBe(200);
    expect(seen.count).toBe(2);
  });

  it('an AttemptTimeoutError is not retried for a POST: the server may have seen it', async () => {
    const seen = countRequests('/post');
    server.answer = (req, res, n) => void seen(req);
    const clock = new ManualClock(Date.now());
    const init = { method: 'POST', body: 'x' };
    const call = failureOf(retry(({ signal }) => fetch(`${server.url}/post`, { ...init, signal }), {
      classify: [fetchErrors(init)], attemptTimeout: 30, initialDelay: 1, clock, registry: false,
    }));
    await until(() => seen.count === 1);
    await clock.advance(30);
    expect(isAttemptTimeoutError(await call)).toBe(true);
    expect(clock.pendingTimers).toBe(0); // no retry waiting
    expect(seen.count).toBe(1);
  });
});

describe("fetchErrors: undici's own errors", () => {
  it('request() with throwOnError: 503 with Retry-After is transient with the wait; 429 throttling; 400 permanent', async () => {
    const errorFor = (answer: typeof silent): Promise<unknown> => {
      server.answer = answer;
      return failureOf(undiciRequest(server.url, { dispatcher, throwOnError: true }));
    };
    const unavailable = await errorFor(status(503, { 'retry-after': '3' }));
    expect((unavailable as { code: string }).code).toBe('UND_ERR_RESPONSE_STATUS_CODE');
    expect(fetchErrors()(unavailable)).toEqual({ verdict: 'transient', retryAfterMs: 3_000 });
    expect(fetchErrors()(await errorFor(status(429)))).toBe('throttling');
    expect(fetchErrors()(await errorFor(status(400)))).toBe('permanent');
    expect(fetchErrors({ method: 'POST' })(unavailable)).toBe('permanent');
  });

  it('a refused connection from request() (a bare ECONNREFUSED) is transient; other undici errors permanent', async () => {
    const port = await refusedPort();
    const refused = await failureOf(undiciRequest(`http://127.0.0.1:${port}`, { dispatcher, method: 'POST', body: 'x' }));
    expect((refused as { code: string }).code).toBe('ECONNREFUSED');
    expect(fetchErrors({ method: 'POST' })(refused)).toBe('transient');
    const invalid = await failureOf(undiciRequest(server.url, { dispatcher, method: 'GET', headers: { 'content-length': 'x' } }));
    expect((invalid as { code: string }).code).toBe('UND_ERR_INVALID_ARG');
    expect(fetchErrors()(invalid)).toBe('permanent');
  });
});

describe('isRetryableResponse as retryOnResult', () => {
  it('retries a 503 after its Retry-After and returns the 200', async () => {
    server.answer = thenOk(status(503, { 'retry-after': '2' }));
    const clock = new RecordingClock();
    const res = await retry(() => fetch(server.url), { retryOnResult: (r) => isRetryableResponse(r), clock, initialDelay: 10, registry: false });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(clock.waits).toEqual([2_000]);
  });

  it('says no to 400, to a POST without an Idempotency-Key and to a 2xx; yes to 429 and a keyed POST', async () => {
    server.answer = status(400);
    expect(isRetryableResponse(await fetch(server.url))).toBe(false);
    server.answer = status(429);
    expect(isRetryableResponse(await fetch(server.url))).toBe(true);
    server.answer = status(503);
    const post = await fetch(server.url, { method: 'POST', body: 'x' });
    expect(isRetryableResponse(post, { method: 'POST' })).toBe(false);
    expect(isRetryableResponse(post, { method: 'POST', headers: { 'Idempotency-Key': 'k' } })).toBe(true);
    server.answer = undefined;
    expect(isRetryableResponse(await fetch(server.url))).toBe(false);
  });

  it('a call whose retries run out rejects with a RetryExhaustedError holding the last response', async () => {
    server.answer = status(502);
    const error = await failureOf(retry(() => fetch(server.url), { retryOnResult: (r) => isRetryableResponse(r), maxRetries: 1, initialDelay: 1, registry: false }));
    expect(isRetryExhaustedError(error)).toBe(true);
    expect(((error as { lastResult: Response }).lastResult).status).toBe(502);
    expect(server.requests).toBe(2);
  });
});

describe('fetchErrors: scope and options', () => {
  it('answers undefined for errors that are not fetch failures', () => {
    const pack = fetchErrors();
    expect(pack(new TypeError('x is not a function'))).toBeUndefined();
    expect(pack(Object.assign(new Error('Request failed'), { status: 503 }))).toBeUndefined();
    expect(pack(undefined)).toBeUndefined();
  });

  it('rejects bad options with a TypeError naming them', () => {
    expect(() => fetchErrors({ method: 42 as unknown as string })).toThrow(/`fetchErrors\.method` must be a string or undefined, got 42/);
    expect(() => fetchErrors({ headers: 'x' as never })).toThrow(/`fetchErrors\.headers`/);
    expect(() => isRetryableResponse({} as Response)).toThrow(/`isRetryableResponse\(response\)`/);
  });
});
