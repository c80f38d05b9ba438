/**
 * The gRPC pack against real grpc-js errors from a real grpc-js server on loopback: a
 * hand-written service (no .proto) whose one method answers as each test says: UNAVAILABLE,
 * RESOURCE_EXHAUSTED with `grpc-retry-pushback-ms` in its trailers, a handler slower than the
 * client's deadline (DEADLINE_EXCEEDED), INVALID_ARGUMENT; and retry() recovering.
 */
import * as grpc from '@grpc/grpc-js';
import { retry } from '../../src/index.js';
import { grpcErrors, grpcPushback } from '../../src/packs/grpc.js';
import { failureOf, RecordingClock, refusedPort } from './support.js';

/** One unary method whose messages are raw bytes. */
const service = {
  call: {
    path: '/test.Probe/Call',
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: Buffer) => value,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (value: Buffer) => value,
    responseDeserialize: (bytes: Buffer) => bytes,
  },
} satisfies grpc.ServiceDefinition;

type Handler = (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>, n: number) => void;

const ok: Handler = (_call, callback) => callback(null, Buffer.from('ok'));
let answer: Handler = ok;
let calls = 0;

/** Fails the call with `code`, with `trailers` as its metadata. */
function fail(code: grpc.status, details: string, trailers: Record<string, string> = {}): Handler {
  return (_call, callback) => {
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
    callback({ code, details, metadata });
  };
}

/** `handler` for the first call, then ok: a fault that clears. */
function thenOk(handler: Handler): Handler {
  return (call, callback, n) => (n === 1 ? handler(call, callback, n) : ok(call, callback, n));
}

const server = new grpc.Server();
const Client = grpc.makeGenericClientConstructor(service, 'Probe');
let client: InstanceType<typeof Client>;
let address: string;

beforeAll(async () => {
  server.addService(service, {
    call: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => answer(call, callback, ++calls),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  address = `127.0.0.1:${port}`;
  client = new Client(address, grpc.credentials.createInsecure());
});
beforeEach(() => {
  answer = ok;
  calls = 0;
});
afterAll(() => {
  client.close();
  server.forceShutdown();
});

/** One unary call, as a promise; `deadlineMs` from now when given. */
function call(on: InstanceType<typeof Client> = client, deadlineMs?: number): Promise<Buffer> {
  const options: grpc.CallOptions = deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs };
  return new Promise((resolve, reject) => {
    on.makeUnaryRequest(service.call.path, service.call.requestSerialize, service.call.responseDeserialize, Buffer.from('ping'), options,
      (error: grpc.ServiceError | null, value?: Buffer) => (error ? reject(error) : resolve(value!)));
  });
}

describe('grpcErrors against a grpc-js server', () => {
  it('UNAVAILABLE is transient; retry() recovers when the server answers', async () => {
    answer = fail(grpc.status.UNAVAILABLE, 'draining');
    const error = await failureOf(call());
    expect((error as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
    expect(grpcErrors()(error)).toBe('transient');
    expect(grpcErrors({ idempotent: false })(error)).toBe('transient');

    calls = 0;
    answer = thenOk(fail(grpc.status.UNAVAILABLE, 'draining'));
    const reply = await retry(() => call(), { classify: [grpcErrors()], initialDelay: 1, registry: false });
    expect(reply.toString()).toBe('ok');
    expect(calls).toBe(2);
  });

  it('RESOURCE_EXHAUSTED is throttling, with the pushback from the trailers as retryAfterMs', async () => {
    answer = fail(grpc.status.RESOURCE_EXHAUSTED, 'quota', { 'grpc-retry-pushback-ms': '1500' });
    const error = await failureOf(call());
    expect(grpcPushback((error as grpc.ServiceError).metadata)).toBe(1_500);
    expect(grpcErrors()(error)).toEqual({ verdict: 'throttling', retryAfterMs: 1_500 });

    calls = 0;
    answer = thenOk(fail(grpc.status.RESOURCE_EXHAUSTED, 'quota', { 'grpc-retry-pushback-ms': '1500' }));
    const clock = new RecordingClock();
    const reply = await retry(() => call(), { classify: [grpcErrors()], clock, initialDelay: 10, registry: false });
    expect(reply.toString()).toBe('ok');
    expect(calls).toBe(2);
    expect(clock.waits).toEqual([1_500]); // the pushback, not the 10 ms backoff
  });

  it('a pushback longer than maxDelay ends the call at once with reason retry-after', async () => {
    answer = fail(grpc.status.UNAVAILABLE, 'maintenance', { 'grpc-retry-pushback-ms': '60000' });
    const reasons: string[] = [];
    const error = await failureOf(retry(() => call(), {
      classify: [grpcErrors()], maxDelay: 1_000, initialDelay: 1, registry: false, onGiveUp: (e) => void reasons.push(e.reason),
    }));
    expect((error as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
    expect(reasons).toEqual(['retry-after']);
    expect(calls).toBe(1);
  });

  it('composes with the default classification: an error the pack does not know is judged as before', async () => {
    let attempts = 0;
    const reply = await retry(() => {
      attempts++;
      if (attempts === 1) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      return call();
    }, { classify: [grpcErrors()], initialDelay: 1, registry: false });
    expect(reply.toString()).toBe('ok');
    expect(attempts).toBe(2);
  });

  it('a negative or unparseable pushback means "do not retry": permanent, whatever the code', async () => {
    for (const value of ['-1', 'soon', '007']) {
      answer = fail(grpc.status.UNAVAILABLE, 'go away', { 'grpc-retry-pushback-ms': value });
      const error = await failureOf(call());
      expect(grpcErrors()(error)).toBe('permanent');
    }
    calls = 0;
    answer = fail(grpc.status.RESOURCE_EXHAUSTED, 'quota', { 'grpc-retry-pushback-ms': '-1' });
    await failureOf(retry(() => call(), { classify: [grpcErrors()], initialDelay: 1, registry: false }));
    expect(calls).toBe(1);
  });

  it('DEADLINE_EXCEEDED (a client deadline against a slow handler) is transient, permanent with idempotent: false', async () => {
    answer = () => {}; // never answers; the client gives up at its deadline
    const error = await failureOf(call(client, 20));
    expect((error as grpc.ServiceError).code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(grpcErrors()(error)).toBe('transient');
    expect(grpcErrors({ idempotent: false })(error)).toBe('permanent');

    // The handler stays slow until the first attempt has failed (on a loaded machine a 20 ms
    // deadline may pass before the call even reaches the server).
    let slow = true;
    answer = (c, callback, n) => (slow ? undefined : ok(c, callback, n));
    let attempts = 0;
    const reply = await retry(({ attempt }) => {
      attempts = attempt;
      return call(client, attempt === 1 ? 20 : 2_000);
    }, { classify: [grpcErrors()], initialDelay: 1, registry: false, onRetry: () => { slow = false; } });
    expect(reply.toString()).toBe('ok');
    expect(attempts).toBe(2);
  });

  it('INVALID_ARGUMENT is permanent: retry() makes one attempt', async () => {
    answer = fail(grpc.status.INVALID_ARGUMENT, 'bad id', { 'grpc-retry-pushback-ms': '10' });
    const error = await failureOf(retry(() => call(), { classify: [grpcErrors()], initialDelay: 1, registry: false }));
    expect((error as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(grpcErrors()(error)).toBe('permanent');
    expect(calls).toBe(1);
  });

  it('ABORTED is transient for idempotent calls, permanent otherwise', async () => {
    answer = fail(grpc.status.ABORTED, 'transaction aborted');
    const error = await failureOf(call());
    expect(grpcErrors()(error)).toBe('transient');
    expect(grpcErrors({ idempotent: false })(error)).toBe('permanent');
  });

  it('a reply over the client\'s size limit (RESOURCE_EXHAUSTED raised by grpc-js) is permanent', async () => {
    answer = (_call, callback) => callback(null, Buffer.alloc(64, 1));
    const small = new Client(address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 16 });
    try {
      const error = await failureOf(call(small));
      expect((error as grpc.ServiceError).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(grpcErrors()(error)).toBe('permanent');
    } finally {
      small.close();
    }
  });

  it('no server on the port: grpc-js reports UNAVAILABLE, transient', async () => {
    const port = await refusedPort();
    const nobody = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      const error = await failureOf(call(nobody, 2_000));
      expect((error as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
      expect(grpcErrors()(error)).toBe('transient');
    } finally {
      nobody.close();
    }
  });
});

describe('grpcErrors: pushback parsing, scope and options', () => {
  it('reads the pushback as A6 defines it', () => {
    const metadata = (value: string): grpc.Metadata => {
      const m = new grpc.Metadata();
      m.set('grpc-retry-pushback-ms', value);
      return m;
    };
    expect(grpcPushback(new grpc.Metadata())).toBeUndefined();
    expect(grpcPushback(undefined)).toBeUndefined();
    expect(grpcPushback(metadata('0'))).toBe(0);
    expect(grpcPushback(metadata('2147483647'))).toBe(2_147_483_647);
    expect(grpcPushback(metadata('2147483648'))).toBe('stop');
    expect(grpcPushback(metadata('1.5'))).toBe('stop');
    expect(grpcPushback(metadata(''))).toBe('stop');
    expect(grpcPushback({ 'grpc-retry-pushback-ms': ['250'] })).toBe(250);
  });

  it('answers undefined for errors that are not gRPC errors', () => {
    const pack = grpcErrors();
    expect(pack(Object.assign(new Error('x'), { code: 14 }))).toBeUndefined();
    expect(pack(Object.assign(new Error('x'), { code: 'ECONNRESET', details: '' }))).toBeUndefined();
    expect(pack(Object.assign(new Error('ok'), { code: 0, details: '' }))).toBeUndefined();
  });

  it('rejects a bad option with a TypeError naming it', () => {
    expect(() => grpcErrors({ idempotent: 1 as unknown as boolean })).toThrow(/`grpcErrors\.idempotent` must be a boolean or undefined, got 1/);
  });
});
