/**
 * The pack examples (examples/packs/) run here, so none can rot: each starts its own
 * loopback server, and its outcome is asserted. The got example is ESM only and runs in a
 * plain Node child, as `npx tsx examples/packs/got.mts` would.
 */
import { main as aws } from '../../examples/packs/aws';
import { main as axios } from '../../examples/packs/axios';
import { main as fetchExample } from '../../examples/packs/fetch';
import { main as grpc } from '../../examples/packs/grpc';
import { runInNode } from './support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Runs an example's main with a collecting log. */
async function run<R>(main: (log: (line: string) => void) => Promise<R>): Promise<{ result: R; lines: string[] }> {
  const lines: string[] = [];
  const result = await main((line) => lines.push(line));
  return { result, lines };
}

describe('the pack examples', () => {
  it('aws: a throttled DynamoDB call waits the 50 ms the server asked for, then lists the tables', async () => {
    const { result, lines } = await run(aws);
    expect(result).toEqual({ tables: ['orders', 'users'], delays: [50] });
    expect(lines[0]).toBe('attempt 1: ThrottlingException is throttling, wait 50 ms');
  });

  it('grpc: RESOURCE_EXHAUSTED with an 80 ms pushback is waited out, then the quote comes', async () => {
    const { result } = await run(grpc);
    expect(result).toEqual({ quote: { symbol: 'ACME', price: 42 }, delays: [80] });
  });

  it('axios: a POST whose connection dropped is not retried; with an Idempotency-Key it is', async () => {
    const { result, lines } = await run(axios);
    expect(result).toEqual({ plain: 'failed: ECONNRESET', keyed: 'created' });
    expect(lines).toEqual([
      'POST without a key: failed: ECONNRESET after 1 request(s)',
      'POST with an Idempotency-Key: created after 2 request(s)',
    ]);
  });

  it('fetch: a refused connection, then a 503, then the 200', async () => {
    const { result, lines } = await run(fetchExample);
    expect(result).toEqual({ status: 200, body: '{"ok":true}', attempts: 3 });
    expect(lines.slice(0, 2)).toEqual(['attempt 1: fetch failed (transient)', 'attempt 2: status 503, retryable']);
  });

  it('got: a 429 is throttling; the retry gets the items', async () => {
    const out = await runInNode('../../examples/packs/got.mts');
    expect(out.trim().split('\n')).toEqual(['attempt 1: HTTPError is throttling, wait 0 ms', 'items: 1, 2, 3']);
  }, 30_000);
});
