/**
 * The live statistics page in a plain `node:http` server: `npx tsx examples/dashboard-http.ts`
 * (add `--serve` to keep it up and open it in a browser; Ctrl-C stops it).
 *
 * `createDashboard()` returns a request handler: give it to `http.createServer`, or mount it
 * in a framework (`app.use('/retries', dashboard)` in Express). It serves one page and its
 * live feed, nothing else, and never listens by itself: here it is bound to 127.0.0.1 only.
 * The example runs a small load of retried calls, then reads the feed as the page does (a
 * Server-Sent Events stream of JSON snapshots) and prints what the page shows.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CircuitBreaker, RetryRegistry, withRetry } from 'maestro-retry';
import { createDashboard, type DashboardSnapshot } from 'maestro-retry/dashboard';
import { formatTable, runWhenExecuted, type Log } from './support.js';

/** Reads the first event of a Server-Sent Events stream (what the page receives on opening). */
async function firstSnapshot(url: string): Promise<DashboardSnapshot> {
  const response = await fetch(url);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!text.includes('\n\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  await reader.cancel(); // as a closed tab does: the page frees this viewer's resources
  const data = text.split('\n').find((line) => line.startsWith('data: '));
  return JSON.parse(data!.slice('data: '.length)) as DashboardSnapshot;
}

const reset = (): Error => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

export async function main(log: Log = console.log, { serve = false } = {}): Promise<{ snapshot: DashboardSnapshot; registry: RetryRegistry }> {
  const registry = new RetryRegistry(); // leave it out to show the default registry
  const breaker = new CircuitBreaker({ name: 'legacy', failureThreshold: 3 });
  const dashboard = createDashboard({ registry, policies: [breaker], intervalMs: 1000 });
  const server = createServer(dashboard);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  log(`The statistics page: ${url}`);

  // A dependency that drops every third connection, and one that stays down.
  let n = 0;
  const getQuote = withRetry(async (symbol: string) => {
    if (++n % 3 === 1) throw reset();
    return { symbol, price: 42 };
  }, { registry, operationName: 'quotes.get', initialDelay: 5 });
  const getLegacy = withRetry(async () => {
    throw Object.assign(new Error('bad gateway'), { status: 502 });
  }, { registry, operationName: 'legacy.get', maxRetries: 2, initialDelay: 5, circuitBreaker: breaker });
  await Promise.allSettled(Array.from({ length: 12 }, () => getQuote('ACME')));
  // Three failures open the breaker: the second call fails fast, without reaching the service.
  for (let i = 0; i < 2; i++) await getLegacy().catch(() => undefined);

  const snapshot = await firstSnapshot(`${url}events`);
  log('');
  log('What the page shows:');
  const ms = (v: number | null): string => (v === null ? '-' : v.toFixed(1));
  const reasons = (r: Record<string, number | undefined>): string => Object.entries(r).map(([k, n]) => `${k} ${n}`).join(', ') || '-';
  formatTable(['operation', 'calls', 'retries', 'success', 'p50 ms', 'gave up'], snapshot.operations.map((o) => [
    o.name, String(o.calls), String(o.retries), `${Math.round(o.successRate * 100)}%`, ms(o.p50Ms), reasons(o.giveUpReasons),
  ])).forEach((line) => log(line));
  for (const b of snapshot.breakers) log(`breaker ${b.name}: ${b.state} (${b.transitions} transition)`);
  const t = snapshot.totals;
  log(`${t.calls} calls, ${t.retries} retries, ${t.failures} gave up`);

  if (serve) {
    log('');
    log('Serving until Ctrl-C.');
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  }
  dashboard.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  return { snapshot, registry };
}

runWhenExecuted('dashboard-http', (log) => main(log, { serve: process.argv.includes('--serve') }));
