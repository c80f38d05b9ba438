/**
 * The got side of got.test.ts, run in a plain Node process (got is ESM only; Jest compiles
 * the suites to CommonJS): makes each call of its JSON argument with got (got's own retries
 * off), and prints what came of each, judged by the got pack on the real error object.
 */
import got, { type Method } from 'got';
import { retry } from '../../src/index.js';
import { gotErrors } from '../../src/packs/got.js';
import { RecordingClock, type ChildCall, type ChildOutcome } from './support.js';

const calls = JSON.parse(process.argv[2] ?? '[]') as ChildCall[];

async function run(call: ChildCall): Promise<ChildOutcome> {
  const pack = gotErrors(call.idempotent === undefined ? undefined : { idempotent: call.idempotent });
  const once = (): Promise<string> => got(call.url, {
    method: (call.method ?? 'GET') as Method,
    headers: call.headers ?? {},
    body: call.method === 'POST' || call.method === 'PATCH' ? '{}' : undefined,
    retry: { limit: 0 },
    timeout: call.timeoutMs === undefined ? {} : { request: call.timeoutMs },
  }).text();
  const clock = new RecordingClock();
  try {
    const value = call.retry ? await retry(once, { classify: [pack], clock, initialDelay: 1, registry: false }) : await once();
    return { name: call.name, value, waits: clock.waits };
  } catch (error) {
    const e = error as { name: string; code?: string; event?: string; response?: { statusCode: number } };
    return {
      name: call.name,
      error: { name: e.name, code: e.code, event: e.event, status: e.response?.statusCode },
      verdict: pack(error),
      waits: clock.waits,
    };
  }
}

const outcomes: ChildOutcome[] = [];
for (const call of calls) outcomes.push(await run(call));
process.stdout.write(JSON.stringify(outcomes));
