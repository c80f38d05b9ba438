/**
 * Takes docs/dashboard.png: the statistics page in headless Chromium (Debian's
 * /usr/bin/chromium, through playwright-core) while a scripted load of real calls runs for a
 * few seconds against a registry, a circuit breaker, a retry budget and a rate limiter.
 *
 *   npx tsx scripts/screenshot-dashboard.ts [out.png]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { AdaptiveRateLimiter, CircuitBreaker, RetryBudget, RetryRegistry, withRetry } from 'maestro-retry';
import { createDashboard } from 'maestro-retry/dashboard';

const out = process.argv[2] ?? 'docs/dashboard.png';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const reset = (): Error => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
const status = (code: number): Error => Object.assign(new Error(`HTTP ${code}`), { status: code });

async function main(): Promise<void> {
  const registry = new RetryRegistry();
  const breaker = new CircuitBreaker({ name: 'payments', failureThreshold: 5, resetTimeout: 60_000 });
  const budget = RetryBudget.tokenBucket({ name: 'orders', capacity: 500 });
  const limiter = new AdaptiveRateLimiter({ name: 'search' });
  const dashboard = createDashboard({ registry, intervalMs: 250, policies: [breaker, budget, limiter] });
  const server = createServer(dashboard);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1180, height: 740 } });
  await page.goto(url);

  let k = 0;
  let paymentsDown = false;
  const opts = { registry, initialDelay: 3, maxRetries: 3 };
  const usersGet = withRetry(async () => {
    await sleep(2 + (k % 7));
    if (++k % 6 === 0) throw reset();
    return 'user';
  }, { ...opts, operationName: 'users.get' });
  const ordersPut = withRetry(async () => {
    await sleep(8 + (k % 11));
    if (k % 4 !== 0) throw status(503);
    return 'order';
  }, { ...opts, operationName: 'orders.put', budget });
  const searchQuery = withRetry(async () => {
    await sleep(15 + (k % 20));
    if (k % 9 === 0) throw status(404);
    if (k % 17 === 0) throw status(429);
    return 'hits';
  }, { ...opts, operationName: 'search.query', rateLimiter: limiter });
  const paymentsCharge = withRetry(async () => {
    await sleep(20 + (k % 13));
    if (paymentsDown) throw reset();
    return 'charged';
  }, { ...opts, operationName: 'payments.charge', circuitBreaker: breaker });

  // Seven seconds of load, its rate rising and falling, so the sparklines have a shape; the
  // payments dependency goes down in the fifth second, and its breaker opens.
  for (let second = 0; second < 7; second++) {
    const perTick = [2, 4, 6, 8, 6, 4, 5][second]!;
    paymentsDown = second >= 4;
    for (let tick = 0; tick < 10; tick++) {
      await Promise.allSettled([
        ...Array.from({ length: perTick }, () => usersGet()),
        ordersPut(),
        ...(tick % 2 === 0 ? [searchQuery()] : []),
        ...(tick % 3 === 0 ? [paymentsCharge()] : []),
      ]);
      await sleep(Math.max(0, 100 - perTick * 4));
    }
  }
  await sleep(600);
  await page.waitForSelector('[data-name="payments"] .state-open');
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out} (${url})`);
  await browser.close();
  dashboard.close();
  server.closeAllConnections();
  server.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
