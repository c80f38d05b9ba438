/**
 * Error packs: a gRPC call that honours the server's pushback.
 *
 * A grpc-js server on loopback (one method, defined by hand) refuses the first call with
 * RESOURCE_EXHAUSTED and `grpc-retry-pushback-ms: 80` in its trailers, and answers the
 * second. `grpcErrors()` calls it throttling and hands the 80 ms to the engine, which waits
 * that long instead of its own backoff. (A negative pushback would mean "do not retry".)
 *
 *   npx tsx examples/packs/grpc.ts
 */
import * as grpc from '@grpc/grpc-js';
import { retry } from 'maestro-retry';
import { grpcErrors } from 'maestro-retry/packs/grpc';
import { runWhenExecuted, type Log } from '../support.js';
import { describeVerdict } from './loopback.js';

/** One unary method with JSON messages; a .proto and its loader would do the same. */
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const parse = (bytes: Buffer): unknown => JSON.parse(bytes.toString());
const service = {
  getQuote: {
    path: '/quotes.Quotes/GetQuote', requestStream: false, responseStream: false,
    requestSerialize: json, requestDeserialize: parse, responseSerialize: json, responseDeserialize: parse,
  },
} satisfies grpc.ServiceDefinition;

export async function main(log: Log = console.log): Promise<{ quote: unknown; delays: number[] }> {
  let calls = 0;
  const server = new grpc.Server();
  server.addService(service, {
    getQuote: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      if (++calls > 1) return callback(null, { symbol: 'ACME', price: 42 });
      const metadata = new grpc.Metadata();
      metadata.set('grpc-retry-pushback-ms', '80');
      callback({ code: grpc.status.RESOURCE_EXHAUSTED, details: 'quota exceeded', metadata });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  const client = new (grpc.makeGenericClientConstructor(service, 'Quotes'))(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const getQuote = (symbol: string): Promise<unknown> => new Promise((resolve, reject) => {
    client.makeUnaryRequest(service.getQuote.path, json, parse, { symbol }, { deadline: Date.now() + 2_000 },
      (error: grpc.ServiceError | null, value?: unknown) => (error ? reject(error) : resolve(value)));
  });

  const pack = grpcErrors();
  const delays: number[] = [];
  try {
    const quote = await retry(() => getQuote('ACME'), {
      classify: [pack],
      initialDelay: 10,
      onRetry: ({ attempt, error, delay }) => {
        delays.push(delay);
        log(`attempt ${attempt}: ${(error as Error).message} is ${describeVerdict(pack(error))}`);
        log(`retrying in ${delay} ms`);
      },
    });
    log(`quote: ${JSON.stringify(quote)}`);
    return { quote, delays };
  } finally {
    client.close();
    server.forceShutdown();
  }
}

runWhenExecuted('grpc', main);
