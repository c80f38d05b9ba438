/**
 * Error packs: axios, and the idempotency rule.
 *
 * A stand-in API drops the connection on the first request of each order. A POST is not
 * idempotent: the server may have seen it before the connection dropped, so `axiosErrors()`
 * does not retry it; the same POST carrying an `Idempotency-Key` is retried (the server can
 * tell a repeat). A refused connection or failed DNS lookup would be retried in both cases:
 * the request never left.
 *
 *   npx tsx examples/packs/axios.ts
 */
import axios from 'axios';
import { Agent } from 'node:http';
import { retry } from 'maestro-retry';
import { axiosErrors } from 'maestro-retry/packs/axios';
import { runWhenExecuted, type Log } from '../support.js';
import { startLoopback } from './loopback.js';

export async function main(log: Log = console.log): Promise<{ plain: string; keyed: string }> {
  const seen = new Map<string, number>();
  const api = await startLoopback((req, res) => {
    const order = req.url ?? '/';
    seen.set(order, (seen.get(order) ?? 0) + 1);
    if (seen.get(order) === 1) req.socket.destroy(); // the first request of each order: connection dropped
    else res.end('created');
  });
  const httpAgent = new Agent({ keepAlive: false });
  const client = axios.create({ baseURL: api.url, httpAgent, timeout: 2_000 });
  const post = (path: string, headers: Record<string, string> = {}) => (): Promise<string> =>
    client.post<string>(path, { item: 'book' }, { headers }).then((res) => res.data);
  const options = { classify: [axiosErrors()], initialDelay: 10 };
  try {
    const plain = await retry(post('/orders/1'), options).catch((error: { code?: string }) => `failed: ${error.code}`);
    log(`POST without a key: ${plain} after ${seen.get('/orders/1')} request(s)`);
    const keyed = await retry(post('/orders/2', { 'Idempotency-Key': 'order-2' }), options);
    log(`POST with an Idempotency-Key: ${keyed} after ${seen.get('/orders/2')} request(s)`);
    return { plain, keyed };
  } finally {
    httpAgent.destroy();
    await api.close();
  }
}

runWhenExecuted('axios', main);
