/**
 * The network half of aws.test.ts, run in a plain Node process: under Jest, Node's own
 * network errors reach the AWS SDK from another realm and the SDK replaces them with an
 * "AWS SDK error wrapper" that has lost its code, which no user outside Jest ever sees. Makes
 * each call of its JSON argument with a DynamoDB client (`maxAttempts: 1`), and prints what
 * came of each, judged by the AWS pack on the real error object.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent } from 'node:http';
import { retry } from '../../src/index.js';
import { awsErrors } from '../../src/packs/aws.js';
import { RecordingClock, type ChildCall, type ChildOutcome } from './support.js';

const calls = JSON.parse(process.argv[2] ?? '[]') as ChildCall[];
const httpAgent = new Agent({ keepAlive: false });

async function run(call: ChildCall): Promise<ChildOutcome> {
  const pack = awsErrors(call.idempotent === undefined ? undefined : { idempotent: call.idempotent });
  const client = new DynamoDBClient({
    endpoint: call.url, region: 'eu-west-1', maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
    requestHandler: new NodeHttpHandler({ httpAgent, requestTimeout: call.timeoutMs, throwOnRequestTimeout: true }),
  });
  const once = (): Promise<unknown> => client.send(new ListTablesCommand({})).then((out) => out.TableNames);
  const clock = new RecordingClock();
  try {
    const value = call.retry ? await retry(once, { classify: [pack], clock, initialDelay: 1, registry: false }) : await once();
    return { name: call.name, value, waits: clock.waits };
  } catch (error) {
    const e = error as { name: string; code?: string; $metadata?: { httpStatusCode?: number } };
    return { name: call.name, error: { name: e.name, code: e.code, status: e.$metadata?.httpStatusCode }, verdict: pack(error), waits: clock.waits };
  } finally {
    client.destroy();
  }
}

const outcomes: ChildOutcome[] = [];
for (const call of calls) outcomes.push(await run(call));
httpAgent.destroy();
process.stdout.write(JSON.stringify(outcomes));
