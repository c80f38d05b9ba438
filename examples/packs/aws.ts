/**
 * Error packs: an AWS SDK v3 call retried on throttling.
 *
 * A DynamoDB client with its own retries off (`maxAttempts: 1`) calls a local stand-in for
 * DynamoDB that throttles the first request (a `ThrottlingException`, asking for 50 ms with
 * `x-amz-retry-after`) and answers the second. `awsErrors()` knows the SDK's throttling
 * names and reads the wait from the raw response the SDK keeps on the error.
 *
 *   npx tsx examples/packs/aws.ts
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { retry } from 'maestro-retry';
import { awsErrors } from 'maestro-retry/packs/aws';
import { runWhenExecuted, type Log } from '../support.js';
import { describeVerdict, startLoopback } from './loopback.js';

export async function main(log: Log = console.log): Promise<{ tables: string[]; delays: number[] }> {
  const dynamo = await startLoopback((_req, res, n) => {
    res.writeHead(n === 1 ? 400 : 200, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-retry-after': '50' });
    res.end(JSON.stringify(n === 1
      ? { __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' }
      : { TableNames: ['orders', 'users'] }));
  });
  const client = new DynamoDBClient({
    endpoint: dynamo.url, region: 'eu-west-1', maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example-only' },
  });
  const pack = awsErrors();
  const delays: number[] = [];
  try {
    const out = await retry(() => client.send(new ListTablesCommand({})), {
      classify: [pack],
      operationName: 'dynamodb.listTables',
      initialDelay: 10, // the backoff alone would wait 10 ms; the server's 50 ms wins
      onRetry: ({ attempt, error, delay }) => {
        delays.push(delay);
        log(`attempt ${attempt}: ${(error as Error).name} is ${describeVerdict(pack(error))}`);
        log(`retrying in ${delay} ms`);
      },
    });
    const tables = out.TableNames ?? [];
    log(`tables: ${tables.join(', ')}`);
    return { tables, delays };
  } finally {
    client.destroy();
    await dynamo.close();
  }
}

runWhenExecuted('aws', main);
