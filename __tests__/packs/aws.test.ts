/**
 * The AWS pack against real AWS SDK v3 errors: a DynamoDB client (its own retries off,
 * `maxAttempts: 1`) pointed at a loopback HTTP server that answers as DynamoDB does in the
 * awsJson1_0 protocol (an error's `__type` in a JSON body): throttling, 500/503, validation;
 * and a reset connection, a request timeout, a refused port, those in a plain Node child
 * (aws-client.mts), where Node's network errors reach the SDK as they do for users. retry()
 * recovers once the fault clears.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent } from 'node:http';
import { retry } from '../../src/index.js';
import { awsErrors } from '../../src/packs/aws.js';
import {
  failureOf, loopbackServer, RecordingClock, refusedPort, reset, runInNode, silent, thenOk,
  type Answer, type ChildCall, type ChildOutcome, type LoopbackServer,
} from './support.js';

// The SDK warns once that its releases after January 2027 need Node 22; not this suite's concern.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let server: LoopbackServer;
let client: DynamoDBClient;
const httpAgent = new Agent({ keepAlive: false });

/** A DynamoDB client with no retries of its own, fake credentials, at `endpoint`. */
function dynamo(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint, region: 'eu-west-1', maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
    requestHandler: new NodeHttpHandler({ httpAgent }),
  });
}

/** A DynamoDB error answer: `status` with the error's type in the body, as awsJson1_0 says. */
function awsError(status: number, type: string, headers: Record<string, string> = {}): Answer {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'req-1', ...headers });
    res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `${type} from the test server` }));
  };
}

const tables: Answer = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify({ TableNames: ['orders'] }));
};

beforeAll(async () => {
  server = await loopbackServer();
  client = dynamo(server.url);
});
afterEach(() => server.reset());
afterAll(async () => {
  client.destroy();
  httpAgent.destroy();
  await server.close();
});

function listTables(on: DynamoDBClient = client): Promise<unknown> {
  return on.send(new ListTablesCommand({}));
}

/** The SDK error for one call answered by `answer`. */
function errorFor(answer: Answer): Promise<unknown> {
  server.answer = answer;
  return failureOf(listTables());
}

describe('awsErrors against a DynamoDB client', () => {
  it('ThrottlingException (a 400) is throttling; retry() recovers when the server answers', async () => {
    const error = await errorFor(awsError(400, 'ThrottlingException'));
    expect((error as Error).name).toBe('ThrottlingException');
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
    expect(awsErrors()(error)).toBe('throttling');
    expect(awsErrors({ idempotent: false })(error)).toBe('throttling');

    server.reset();
    server.answer = thenOk(awsError(400, 'ThrottlingException'), tables);
    const result = await retry(() => listTables(), { classify: [awsErrors()], initialDelay: 1, registry: false });
    expect(result).toMatchObject({ TableNames: ['orders'] });
    expect(server.requests).toBe(2);
  });

  it('ProvisionedThroughputExceededException is throttling, with x-amz-retry-after as retryAfterMs', async () => {
    const error = await errorFor(awsError(400, 'ProvisionedThroughputExceededException', { 'x-amz-retry-after': '1500' }));
    expect(awsErrors()(error)).toEqual({ verdict: 'throttling', retryAfterMs: 1_500 });
  });

  it('500 and 503 are transient (with Retry-After); 501 is permanent, as the SDK has it', async () => {
    expect(awsErrors()(await errorFor(awsError(500, 'InternalServerError')))).toBe('transient');
    const unavailable = await errorFor(awsError(503, 'ServiceUnavailable', { 'retry-after': '2' }));
    expect(awsErrors()(unavailable)).toEqual({ verdict: 'transient', retryAfterMs: 2_000 });
    expect(awsErrors({ idempotent: false })(unavailable)).toBe('permanent');
    expect(awsErrors()(await errorFor(awsError(501, 'NotImplemented')))).toBe('permanent');

    server.reset();
    server.answer = thenOk(awsError(503, 'ServiceUnavailable', { 'retry-after': '2' }), tables);
    const clock = new RecordingClock();
    const result = await retry(() => listTables(), { classify: [awsErrors()], clock, initialDelay: 10, registry: false });
    expect(result).toMatchObject({ TableNames: ['orders'] });
    expect(server.requests).toBe(2);
    // The SDK keeps the raw response in `$response`, which only the pack reads the wait from.
    expect(clock.waits).toEqual([2_000]);
  });

  it('ValidationException is permanent: retry() makes one attempt', async () => {
    server.answer = awsError(400, 'ValidationException');
    const error = await failureOf(retry(() => listTables(), { classify: [awsErrors()], initialDelay: 1, registry: false }));
    expect((error as Error).name).toBe('ValidationException');
    expect(awsErrors()(error)).toBe('permanent');
    expect(server.requests).toBe(1);
  });
});

describe('awsErrors on network failures (the SDK in a Node child: see aws-client.mts)', () => {
  const outcomes = new Map<string, ChildOutcome>();
  const hits = new Map<string, number>();
  const routes: Record<string, Answer> = { '/reset': reset, '/silent': silent, '/flaky-reset': thenOk(reset, tables) };

  beforeAll(async () => {
    server.answer = (req, res) => {
      const path = (req.url ?? '/').replace(/\/$/, '');
      const n = (hits.get(path) ?? 0) + 1;
      hits.set(path, n);
      (routes[path] ?? tables)(req, res, n);
    };
    const calls: ChildCall[] = [
      { name: 'reset', url: `${server.url}/reset` },
      { name: 'reset, not idempotent', url: `${server.url}/reset`, idempotent: false },
      { name: 'timeout', url: `${server.url}/silent`, timeoutMs: 30 },
      { name: 'refused, not idempotent', url: `http://127.0.0.1:${await refusedPort()}`, idempotent: false },
      { name: 'retry reset', url: `${server.url}/flaky-reset`, retry: true },
    ];
    for (const outcome of JSON.parse(await runInNode('aws-client.mts', calls)) as ChildOutcome[]) outcomes.set(outcome.name, outcome);
  }, 30_000);

  it('a reset connection is transient; permanent with idempotent: false (the server may have seen it)', () => {
    expect(outcomes.get('reset')).toMatchObject({ error: { code: 'ECONNRESET' }, verdict: 'transient' });
    expect(outcomes.get('reset, not idempotent')).toMatchObject({ error: { code: 'ECONNRESET' }, verdict: 'permanent' });
  });

  it('a request timeout (TimeoutError) is transient', () => {
    expect(outcomes.get('timeout')).toMatchObject({ error: { name: 'TimeoutError', code: 'ETIMEDOUT' }, verdict: 'transient' });
  });

  it('a refused connection is transient even with idempotent: false: the request never left', () => {
    expect(outcomes.get('refused, not idempotent')).toMatchObject({ error: { code: 'ECONNREFUSED' }, verdict: 'transient' });
  });

  it('retry() recovers once the connection holds', () => {
    expect(outcomes.get('retry reset')).toMatchObject({ value: ['orders'] });
    expect(hits.get('/flaky-reset')).toBe(2);
  });
});

describe('awsErrors: scope and options', () => {
  it('answers undefined for errors that are not the SDK\'s', () => {
    const pack = awsErrors();
    expect(pack(Object.assign(new Error('slow'), { name: 'ThrottlingException' }))).toBeUndefined();
    expect(pack(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBeUndefined();
  });

  it('reads the $retryable trait and a corrected clock skew as the SDK does', () => {
    const pack = awsErrors();
    const shaped = (extra: object): Error => Object.assign(new Error('x'), { name: 'SomeServiceError', $metadata: { httpStatusCode: 400 } }, extra);
    expect(pack(shaped({}))).toBe('permanent');
    expect(pack(shaped({ $retryable: {} }))).toBe('transient');
    expect(pack(shaped({ $retryable: { throttling: true } }))).toBe('throttling');
    expect(pack(shaped({ $metadata: { httpStatusCode: 403, clockSkewCorrected: true } }))).toBe('transient');
    expect(pack(shaped({ name: 'AbortError', $metadata: { httpStatusCode: 503 } }))).toBe('permanent');
  });

  it('rejects a bad option with a TypeError naming it', () => {
    expect(() => awsErrors({ idempotent: null as unknown as boolean })).toThrow(/`awsErrors\.idempotent` must be a boolean or undefined, got null/);
  });
});
