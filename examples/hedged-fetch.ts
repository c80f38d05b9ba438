/**
 * Hedged `fetch`: when a request is slow, send a second copy and take the first answer.
 *
 * A loopback server stands in for a service with a slow tail: the first attempt of every
 * other call takes 2 s, everything else 5 ms. Each call is `retry()` with `hedging`; the
 * attempt's `signal` goes to `fetch`, so when one copy answers, the other is aborted and the
 * server sees its connection close (it stops working on it). The call settles only once the
 * loser has settled. Hedge only idempotent requests: the server may run both copies.
 *
 *   npx tsx examples/hedged-fetch.ts
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { retry, RetryRegistry } from 'maestro-retry';
import { formatTable, runWhenExecuted, type Log } from './support.js';

/** The server: `/price?call=n` with header `x-attempt: k`; attempt 1 of odd calls is slow. */
function startServer(): Promise<{ server: Server; url: string; aborted: () => number }> {
  let aborted = 0;
  const server = createServer((req, res) => {
    const call = Number(new URL(req.url!, 'http://x').searchParams.get('call'));
    const attempt = Number(req.headers['x-attempt']);
    const slow = call % 2 === 1 && attempt === 1;
    const timer = setTimeout(() => res.end(JSON.stringify({ call, attempt, cents: 1999 })), slow ? 2000 : 5);
    res.on('close', () => {
      if (!res.writableFinished) {
        clearTimeout(timer);
        aborted++;
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    resolve({ server, url: `http://127.0.0.1:${port}`, aborted: () => aborted });
  }));
}

interface Quote { call: number; attempt: number; cents: number }

export async function main(log: Log = console.log): Promise<{
  calls: Array<{ call: number; wonBy: number; ms: number }>;
  stats: { hedges: number; hedgesWon: number; cancelledAttempts: number };
  abortedOnServer: number;
}> {
  const { server, url, aborted } = await startServer();
  const registry = new RetryRegistry();
  const calls: Array<{ call: number; wonBy: number; ms: number }> = [];
  try {
    for (let call = 1; call <= 4; call++) {
      const started = performance.now();
      const quote = await retry(async ({ attempt, signal }) => {
        const res = await fetch(`${url}/price?call=${call}`, { signal, headers: { 'x-attempt': String(attempt) } });
        return (await res.json()) as Quote;
      }, { operationName: 'price', registry, hedging: { delay: 100 } });
      calls.push({ call, wonBy: quote.attempt, ms: Math.round(performance.now() - started) });
    }
  } finally {
    // Closing waits for the server to see every connection end (the losers' too).
    await new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    });
  }
  log('Four calls; attempt 1 of calls 1 and 3 is slow (2 s).');
  log('A hedge starts after 100 ms.');
  for (const line of formatTable(['call', 'answered by attempt', 'took (ms)'], calls.map((c) => [String(c.call), String(c.wonBy), String(c.ms)]))) {
    log(`  ${line}`);
  }
  const s = registry.getStatistics('price');
  log(`hedges ${s.hedges}, won ${s.hedgesWon}, cancelled ${s.cancelledAttempts}; the server saw ${aborted()} requests aborted`);
  return { calls, stats: { hedges: s.hedges, hedgesWon: s.hedgesWon, cancelledAttempts: s.cancelledAttempts }, abortedOnServer: aborted() };
}

runWhenExecuted('hedged-fetch', main);
