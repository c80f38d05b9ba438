/**
 * Error packs: fetch, with errors and responses.
 *
 * fetch rejects only when no response came (here: the stand-in is not listening yet, so the
 * connection is refused) and resolves on a 503. `fetchErrors(init)` judges the rejection:
 * fetch's errors do not carry their request, so it is given the same `RequestInit`.
 * `isRetryableResponse` judges the 503 as `retryOnResult`, and the engine waits the
 * response's `Retry-After`.
 *
 *   npx tsx examples/packs/fetch.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { retry } from 'maestro-retry';
import { fetchErrors, isRetryableResponse } from 'maestro-retry/packs/fetch';
import { runWhenExecuted, type Log } from '../support.js';

export async function main(log: Log = console.log): Promise<{ status: number; body: string; attempts: number }> {
  let requests = 0;
  const server = createServer((_req, res) => {
    if (++requests === 1) res.writeHead(503, { 'retry-after': '0' }).end('busy');
    else res.end('{"ok":true}');
  });
  // Find a free port, and leave it closed for the first attempt.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));

  const init: RequestInit = { method: 'PUT', body: '{"name":"Ada"}' };
  let attempts = 0;
  try {
    const res = await retry(({ signal }) => {
      attempts++;
      return fetch(`http://127.0.0.1:${port}/users/42`, { ...init, signal });
    }, {
      classify: [fetchErrors(init)],
      retryOnResult: (r) => isRetryableResponse(r, init),
      initialDelay: 10,
      onRetry: async ({ attempt, error, result }) => {
        if (error !== undefined) log(`attempt ${attempt}: ${(error as Error).message} (${String(fetchErrors(init)(error))})`);
        else {
          log(`attempt ${attempt}: status ${(result as Response).status}, retryable`);
          await (result as Response).body?.cancel(); // free the connection
        }
        if (!server.listening) await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      },
    });
    const body = await res.text();
    log(`attempt ${attempts}: status ${res.status}, ${body}`);
    return { status: res.status, body, attempts };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

runWhenExecuted('fetch', main);
