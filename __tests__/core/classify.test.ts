import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { MAX_CAUSE_DEPTH, httpStatusOf, isAbortError, isThrottlingError, isTimeoutError, isTransientError } from '../../src/decision/classify.js';
import { AttemptTimeoutError } from '../../src/errors/attempt-timeout-error.js';
import { PermanentError } from '../../src/errors/permanent-error.js';
import { TransientError } from '../../src/errors/transient-error.js';

/** A port nothing listens on: bound, read, released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  return port;
}

/** Starts `handler` on 127.0.0.1; the returned closer also drops open sockets. */
async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A `TypeError` from any realm (fetch's errors come from Node's realm, not Jest's sandbox). */
function expectTypeError(error: unknown, message?: string): void {
  expect(Object.prototype.toString.call(error)).toBe('[object Error]');
  expect((error as Error).name).toBe('TypeError');
  if (message !== undefined) expect((error as Error).message).toBe(message);
}

/** Every code the cause chain carries, outermost first. */
function codesAlong(error: unknown): unknown[] {
  const codes: unknown[] = [];
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 20; e = e.cause as typeof e, i++) codes.push(e.code);
  return codes;
}

/** `depth` plain, non-transient errors wrapping `innermost` (depth 0 = innermost itself). */
function chain(innermost: Error, depth: number): Error {
  let error = innermost;
  for (let i = 0; i < depth; i++) error = new Error(`wrapper ${i}`, { cause: error });
  return error;
}

const withCode = (code: string): Error => Object.assign(new Error('boom'), { code });
const withStatus = (status: unknown): Error => Object.assign(new Error('boom'), { status });

describe('isTransientError on real network failures', () => {
  it('recognises fetch to a closed loopback port (TypeError: fetch failed, ECONNREFUSED in its cause)', async () => {
    const port = await closedPort();
    const error: unknown = await fetch(`http://127.0.0.1:${port}/`).then(() => 'resolved', (e: unknown) => e);
    expectTypeError(error, 'fetch failed');
    expect(codesAlong(error)).toContain('ECONNREFUSED');
    expect(isTransientError(error)).toBe(true);
  });

  it('recognises a response whose socket the server destroyed mid-body (undici UND_ERR_SOCKET)', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial', () => res.socket?.destroy());
    });
    try {
      const error: unknown = await fetch(server.url).then((r) => r.text()).then(() => 'resolved', (e: unknown) => e);
      expectTypeError(error);
      expect(codesAlong(error)).toContain('UND_ERR_SOCKET');
      expect(isTransientError(error)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('recognises a request whose socket the server destroyed before answering (fetch and node:http)', async () => {
    const server = await serve((req) => req.socket.destroy());
    try {
      const viaFetch: unknown = await fetch(server.url).then(() => 'resolved', (e: unknown) => e);
      expectTypeError(viaFetch, 'fetch failed');
      expect(isTransientError(viaFetch)).toBe(true);

      const viaHttp = await new Promise<NodeJS.ErrnoException>((resolve) => {
        http.get(server.url).on('error', resolve);
      });
      expect(viaHttp.code).toBe('ECONNRESET');
      expect(viaHttp.message).toBe('socket hang up');
      expect(isTransientError(viaHttp)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('treats the reason of AbortSignal.timeout() as transient', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(signal.aborted).toBe(true);
    const reason: unknown = signal.reason;
    expect((reason as Error).name).toBe('TimeoutError');
    expect(isTransientError(reason)).toBe(true);
    expect(isTimeoutError(reason)).toBe(true);
    expect(isAbortError(reason)).toBe(false);
  });

  it('treats the reason of AbortController.abort() as a cancellation, not transient', () => {
    const controller = new AbortController();
    controller.abort();
    const reason: unknown = controller.signal.reason;
    expect((reason as Error).name).toBe('AbortError');
    expect(isTransientError(reason)).toBe(false);
    expect(isAbortError(reason)).toBe(true);
    expect(isTimeoutError(reason)).toBe(false);
  });

  it('treats an AbortError as final even when its cause looks transient', () => {
    const abort = new DOMException('stopped', 'AbortError');
    Object.defineProperty(abort, 'cause', { value: withCode('ECONNRESET') });
    expect(isTransientError(abort)).toBe(false);
    expect(isTransientError(new Error('fetch failed', { cause: abort }))).toBe(false);
  });
});

describe('isTransientError on HTTP client error shapes', () => {
  it('recognises an axios error with a 503 response', () => {
    const error = Object.assign(new Error('Request failed with status code 503'), {
      isAxiosError: true, code: 'ERR_BAD_RESPONSE', response: { status: 503, headers: { 'retry-after': '1' } },
    });
    expect(isTransientError(error)).toBe(true);
  });

  it('rejects an axios error with a 404 response', () => {
    const error = Object.assign(new Error('Request failed with status code 404'), {
      isAxiosError: true, code: 'ERR_BAD_REQUEST', response: { status: 404, headers: {} },
    });
    expect(isTransientError(error)).toBe(false);
  });

  it('recognises an axios timeout (ECONNABORTED, and ETIMEDOUT with clarifyTimeoutError)', () => {
    expect(isTransientError(Object.assign(new Error('timeout of 1000ms exceeded'), { isAxiosError: true, code: 'ECONNABORTED' }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('exceeded'), { isAxiosError: true, code: 'ETIMEDOUT' }))).toBe(true);
  });

  it('recognises a got HTTPError by response.statusCode', () => {
    const error = Object.assign(new Error('Response code 502 (Bad Gateway)'), {
      name: 'HTTPError', code: 'ERR_NON_2XX_3XX_RESPONSE', response: { statusCode: 502 },
    });
    expect(isTransientError(error)).toBe(true);
    expect(isTransientError(Object.assign(new Error('Response code 400 (Bad Request)'), {
      name: 'HTTPError', code: 'ERR_NON_2XX_3XX_RESPONSE', response: { statusCode: 400 },
    }))).toBe(false);
  });

  it('recognises got request errors by code (ETIMEDOUT, ECONNRESET)', () => {
    expect(isTransientError(Object.assign(new Error('Timeout awaiting request for 100ms'), { name: 'TimeoutError', code: 'ETIMEDOUT' }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('read ECONNRESET'), { name: 'RequestError', code: 'ECONNRESET' }))).toBe(true);
  });

  it('recognises a ky HTTPError by response.status and an AWS SDK error by $metadata.httpStatusCode', () => {
    expect(isTransientError(Object.assign(new Error('Request failed with status code 504'), { name: 'HTTPError', response: { status: 504 } }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('InternalError'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }))).toBe(true);
  });

  it('reads a three-digit status given as a string, and ignores a non-integer one', () => {
    expect(httpStatusOf({ status: '503' })).toBe(503);
    expect(isTransientError(withStatus('503'))).toBe(true);
    expect(isTransientError(withStatus(503.5))).toBe(false);
    expect(isTransientError(withStatus('503 Service Unavailable'))).toBe(false);
    expect(isTransientError(withStatus(NaN))).toBe(false);
  });
});

describe('isTransientError on each listed code, status and message', () => {
  const codes = [
    'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'ENETDOWN',
    'EHOSTUNREACH', 'EHOSTDOWN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
  ];
  it.each(codes)('retries code %s', (code) => {
    expect(isTransientError(withCode(code))).toBe(true);
  });

  it.each(['ENOENT', 'EACCES', 'ENOTFOUND', 'ERR_INVALID_ARG_TYPE', 'UND_ERR_ABORTED', 'econnreset'])('does not retry code %s', (code) => {
    expect(isTransientError(withCode(code))).toBe(false);
  });

  it.each([408, 425, 429, 500, 502, 503, 504])('retries HTTP %i on status, statusCode and response.status', (status) => {
    expect(isTransientError(withStatus(status))).toBe(true);
    expect(isTransientError(Object.assign(new Error('boom'), { statusCode: status }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('boom'), { response: { status } }))).toBe(true);
  });

  it.each([200, 301, 400, 401, 403, 404, 409, 422, 501, 505, 599])('does not retry HTTP %i', (status) => {
    expect(isTransientError(withStatus(status))).toBe(false);
    expect(isTransientError(Object.assign(new Error('boom'), { response: { status } }))).toBe(false);
  });

  it.each([
    'Request timeout', 'operation TIMED OUT', 'Connection refused by peer', 'connection reset', 'Network unreachable',
    'Temporary failure in name resolution', 'Rate limit exceeded', 'DEADLINE EXCEEDED', 'TimeOut',
  ])('retries the message %j', (message) => {
    expect(isTransientError(new Error(message))).toBe(true);
  });

  it.each(['Not found', 'Invalid input', 'time out', 'connection closed', 'refused', ''])('does not retry the message %j', (message) => {
    expect(isTransientError(new Error(message))).toBe(false);
  });

  it('retries an error named TimeoutError and an AttemptTimeoutError', () => {
    expect(isTransientError(Object.assign(new Error('x'), { name: 'TimeoutError' }))).toBe(true);
    expect(isTransientError(new DOMException('x', 'TimeoutError'))).toBe(true);
    expect(isTransientError(new AttemptTimeoutError(100, 1))).toBe(true);
  });
});

describe('isTransientError on the library error classes and on non-errors', () => {
  it('retries a TransientError whatever its message', () => {
    expect(isTransientError(new TransientError('conflict'))).toBe(true);
    expect(isTransientError(new TransientError('x', { cause: new Error('not found') }))).toBe(true);
  });

  it('never retries a PermanentError, even one with a transient message or cause', () => {
    expect(isTransientError(new PermanentError('no such user'))).toBe(false);
    expect(isTransientError(new PermanentError('request timeout'))).toBe(false);
    expect(isTransientError(new PermanentError('gave up', { cause: withCode('ECONNRESET') }))).toBe(false);
    expect(isTransientError(Object.assign(new PermanentError('x'), { status: 503 }))).toBe(false);
  });

  it('does retry a transient error that wraps a PermanentError deeper down', () => {
    expect(isTransientError(new TransientError('retry me', { cause: new PermanentError('inner') }))).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a thrown string', 'ECONNRESET timeout'],
    ['undefined', undefined],
    ['null', null],
    ['a number', 503],
    ['NaN', NaN],
    ['a bigint', 503n],
    ['a symbol', Symbol('timeout')],
    ['a boolean', true],
    ['a function', () => 'timeout'],
    ['a plain object without a message', { code: 'ECONNRESET', status: 503 }],
  ])('does not retry %s', (_label, value) => {
    expect(isTransientError(value)).toBe(false);
    expect(isThrottlingError(value)).toBe(false);
    expect(isTimeoutError(value)).toBe(false);
  });

  it('classifies a plain object with a string message like an error', () => {
    expect(isTransientError({ message: 'x', code: 'ECONNRESET' })).toBe(true);
    expect(isTransientError({ message: 'x', code: 'ENOENT' })).toBe(false);
  });

  it('does not throw on an error whose getters throw, and still reads what it can', () => {
    const hostile = new Error('connection reset');
    for (const key of ['name', 'code', 'status', 'statusCode', 'response', 'cause', '$metadata']) {
      Object.defineProperty(hostile, key, { get() { throw new Error(`getter ${key}`); } });
    }
    expect(isTransientError(hostile)).toBe(true);
    expect(isThrottlingError(hostile)).toBe(false);
    expect(isTimeoutError(hostile)).toBe(false);
    expect(isAbortError(hostile)).toBe(false);
  });

  it('does not throw on a Proxy that throws on every access', () => {
    const proxy = new Proxy({}, {
      get() { throw new Error('get'); },
      getPrototypeOf() { throw new Error('getPrototypeOf'); },
      has() { throw new Error('has'); },
      ownKeys() { throw new Error('ownKeys'); },
      getOwnPropertyDescriptor() { throw new Error('getOwnPropertyDescriptor'); },
    });
    expect(isTransientError(proxy)).toBe(false);
    expect(isThrottlingError(proxy)).toBe(false);
    expect(isTimeoutError(proxy)).toBe(false);
    expect(isAbortError(proxy)).toBe(false);
  });
});

describe('the cause chain', () => {
  it('follows cause to find a transient error', () => {
    expect(isTransientError(new Error('outer', { cause: new Error('mid', { cause: withCode('EPIPE') }) }))).toBe(true);
  });

  it('terminates on a cause loop (a.cause = b, b.cause = a)', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.defineProperty(a, 'cause', { value: b });
    expect(isTransientError(a)).toBe(false);
    expect(isThrottlingError(a)).toBe(false);
    expect(isTimeoutError(a)).toBe(false);
  });

  it('terminates on an error that is its own cause', () => {
    const self = new Error('self');
    Object.defineProperty(self, 'cause', { value: self });
    expect(isTransientError(self)).toBe(false);
  });

  it(`follows exactly ${MAX_CAUSE_DEPTH} cause links: transient at depth 10 counts, at depth 11 does not`, () => {
    expect(MAX_CAUSE_DEPTH).toBe(10);
    // depth = number of `.cause` hops from the thrown error (depth 0 is the thrown error itself).
    expect(isTransientError(chain(withCode('ECONNRESET'), 10))).toBe(true);
    expect(isTransientError(chain(withCode('ECONNRESET'), 11))).toBe(false);
    expect(isThrottlingError(chain(withStatus(429), 10))).toBe(true);
    expect(isThrottlingError(chain(withStatus(429), 11))).toBe(false);
    expect(isTimeoutError(chain(withCode('ETIMEDOUT'), 10))).toBe(true);
    expect(isTimeoutError(chain(withCode('ETIMEDOUT'), 11))).toBe(false);
  });

  it('reads at most 10 cause links of a chain 10,000 deep', () => {
    let reads = 0;
    let error: Error = withCode('ECONNRESET');
    for (let i = 0; i < 10_000; i++) {
      const cause = error;
      error = new Error(`wrapper ${i}`);
      Object.defineProperty(error, 'cause', { get() { reads++; return cause; } });
    }
    expect(isTransientError(error)).toBe(false);
    expect(reads).toBeLessThanOrEqual(MAX_CAUSE_DEPTH + 1);
  });

  it('stops at a cause that is not an error', () => {
    expect(isTransientError(new Error('x', { cause: 'ECONNRESET' }))).toBe(false);
    expect(isTransientError(new Error('x', { cause: { code: 'ECONNRESET' } }))).toBe(false);
  });
});

describe('isThrottlingError', () => {
  it('recognises HTTP 429 on every status field', () => {
    expect(isThrottlingError(withStatus(429))).toBe(true);
    expect(isThrottlingError(Object.assign(new Error('x'), { statusCode: 429 }))).toBe(true);
    expect(isThrottlingError(Object.assign(new Error('x'), { response: { status: 429 } }))).toBe(true);
    expect(isThrottlingError(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 429 } }))).toBe(true);
    expect(isThrottlingError(Object.assign(new Error('x'), { name: 'HTTPError', response: { statusCode: 429 } }))).toBe(true);
  });

  it.each([
    'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottledException', 'TooManyRequestsException',
    'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'BandwidthLimitExceeded', 'LimitExceededException',
    'RequestThrottled', 'SlowDown', 'PriorRequestNotComplete', 'EC2ThrottledException',
  ])('recognises the AWS error name and code %s', (name) => {
    expect(isThrottlingError(Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: 400 } }))).toBe(true);
    expect(isThrottlingError(Object.assign(new Error('x'), { code: name }))).toBe(true);
  });

  it('recognises S3 SlowDown even though it comes with a 503', () => {
    expect(isThrottlingError(Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } }))).toBe(true);
  });

  it.each(['Rate limit exceeded', 'rate-limited', 'Too Many Requests', 'Request was throttled'])('recognises the message %j', (message) => {
    expect(isThrottlingError(new Error(message))).toBe(true);
  });

  it('does not count 503, 500, timeouts or connection errors as throttling', () => {
    expect(isThrottlingError(withStatus(503))).toBe(false);
    expect(isThrottlingError(Object.assign(new Error('Service Unavailable'), { response: { status: 503 } }))).toBe(false);
    expect(isThrottlingError(withStatus(500))).toBe(false);
    expect(isThrottlingError(withCode('ECONNRESET'))).toBe(false);
    expect(isThrottlingError(new AttemptTimeoutError(10, 1))).toBe(false);
  });

  it('finds throttling in the cause chain, but never under a PermanentError', () => {
    expect(isThrottlingError(new Error('outer', { cause: withStatus(429) }))).toBe(true);
    expect(isThrottlingError(new PermanentError('quota gone', { cause: withStatus(429) }))).toBe(false);
  });

  it('is a subset of transient for the HTTP and message forms', () => {
    for (const e of [withStatus(429), new Error('Rate limit exceeded')]) {
      expect(isThrottlingError(e)).toBe(true);
      expect(isTransientError(e)).toBe(true);
    }
  });
});

describe('isTimeoutError and isAbortError', () => {
  it('recognises timeout codes, TimeoutError and AttemptTimeoutError, here or in the cause', () => {
    for (const code of ['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
      expect(isTimeoutError(withCode(code))).toBe(true);
    }
    expect(isTimeoutError(new Error('fetch failed', { cause: new AttemptTimeoutError(5, 2) }))).toBe(true);
    expect(isTimeoutError(withCode('ECONNRESET'))).toBe(false);
    expect(isTimeoutError(withStatus(504))).toBe(false);
  });

  it('recognises an AbortError only at the top level, and only on an error-like value', () => {
    expect(isAbortError(new DOMException('x', 'AbortError'))).toBe(true);
    expect(isAbortError(Object.assign(new Error('x'), { name: 'AbortError' }))).toBe(true);
    expect(isAbortError({ name: 'AbortError' })).toBe(false);
    expect(isAbortError('AbortError')).toBe(false);
    expect(isAbortError(new Error('x', { cause: new DOMException('x', 'AbortError') }))).toBe(false);
  });
});

describe('classification properties', () => {
  it('never throws and always answers a boolean, for any value', () => {
    fc.assert(fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true }), (value) => {
      expect(typeof isTransientError(value)).toBe('boolean');
      expect(typeof isThrottlingError(value)).toBe('boolean');
      expect(typeof isTimeoutError(value)).toBe('boolean');
      expect(typeof isAbortError(value)).toBe('boolean');
    }), { numRuns: 500 });
  });

  it('never throws for errors with arbitrary fields and causes', () => {
    const field = fc.oneof(fc.anything(), fc.constantFrom('ECONNRESET', 429, 503, '503', 'TimeoutError', 'AbortError'));
    const errorArb = fc.letrec<{ error: Error }>((tie) => ({
      error: fc.record({
        message: fc.oneof(fc.string(), fc.constantFrom('timeout', 'rate limit')),
        name: field, code: field, status: field, response: fc.option(fc.record({ status: field, statusCode: field })),
        cause: fc.option(tie('error'), { depthSize: 'small' }),
      }, { requiredKeys: ['message'] }).map((fields) => Object.assign(new Error(fields.message), fields)),
    })).error;
    fc.assert(fc.property(errorArb, (error) => {
      expect(typeof isTransientError(error)).toBe('boolean');
      expect(typeof isThrottlingError(error)).toBe('boolean');
    }), { numRuns: 300 });
  });

  it('lets a PermanentError at the top win over anything in its cause', () => {
    fc.assert(fc.property(fc.constantFrom<unknown>(withCode('ECONNRESET'), withStatus(503), new TransientError(), 'x', undefined), (cause) => {
      expect(isTransientError(new PermanentError('stop', { cause }))).toBe(false);
    }));
  });
});
