/**
 * Hedging with `@Retryable`, at a delay learned from the operation's own latencies.
 *
 * `delay: 'p90'` hedges an attempt once it has run longer than 90% of the operation's recent
 * attempts: the library keeps a small histogram of them per operation (a `LatencyStore`), and
 * sends no hedge until it knows `minSamples` of them. A decorated method keeps its own
 * parameters, so it reads its attempt (and the attempt's `signal`) from `currentAttempt()`.
 * Hedge only idempotent work: a read, a quote, a lookup.
 *
 *   npx tsx examples/hedged-decorator.ts
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { currentAttempt, getRetryStatistics, LatencyStore, Retryable } from 'maestro-retry';
import { runWhenExecuted, type Log } from './support.js';

/** A quote service: 20 to 28 ms per request, but attempt 1 of request `slowCall` takes 2 s. */
function startServer(slowCall: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const call = Number(req.headers['x-call']);
    const ms = call === slowCall && req.headers['x-attempt'] === '1' ? 2000 : 20 + (call % 5) * 2;
    const timer = setTimeout(() => res.end(JSON.stringify({ call, attempt: Number(req.headers['x-attempt']) })), ms);
    res.on('close', () => clearTimeout(timer));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  }));
}

const SLOW_CALL = 25;
const latencies = new LatencyStore();
let base = '';

class QuoteService {
  @Retryable({ hedging: { delay: 'p90', minSamples: 20, latencies }, maxRetries: 2 })
  async quote(call: number): Promise<{ call: number; attempt: number }> {
    const { attempt, signal } = currentAttempt()!;
    const res = await fetch(`${base}/quote`, { signal, headers: { 'x-call': String(call), 'x-attempt': String(attempt) } });
    return (await res.json()) as { call: number; attempt: number };
  }
}

export async function main(log: Log = console.log): Promise<{ delayMs: number; slow: { attempt: number; ms: number }; hedges: number; hedgesWon: number }> {
  const { server, url } = await startServer(SLOW_CALL);
  base = url;
  const service = new QuoteService();
  let slow = { attempt: 0, ms: 0 };
  let delayMs = 0;
  try {
    for (let call = 1; call <= SLOW_CALL; call++) {
      if (call === SLOW_CALL) delayMs = Math.round(latencies.estimate('QuoteService.quote').quantile(0.9)!);
      const started = performance.now();
      const { attempt } = await service.quote(call);
      if (call === SLOW_CALL) slow = { attempt, ms: Math.round(performance.now() - started) };
    }
  } finally {
    await new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    });
  }
  const stats = getRetryStatistics('QuoteService.quote').operations['QuoteService.quote']!;
  log(`${SLOW_CALL - 1} quick quotes taught the delay: their p90, about ${delayMs} ms.`);
  log(`Quote ${SLOW_CALL}: attempt 1 hangs for 2 s; the hedge (attempt ${slow.attempt}) answered in ${slow.ms} ms.`);
  log(`hedges ${stats.hedges}, won ${stats.hedgesWon}, cancelled ${stats.cancelledAttempts}`);
  return { delayMs, slow, hedges: stats.hedges, hedgesWon: stats.hedgesWon };
}

runWhenExecuted('hedged-decorator', main);
