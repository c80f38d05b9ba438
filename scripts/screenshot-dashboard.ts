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
import { createDashboard, type WatchablePolicy } from 'maestro-retry/dashboard';

const out = process.argv[2] ?? 'docs/dashboard.png';

/**
 * A policy as the page watches it. The policies report their events through `subscribe`; one
 * that has no `subscribe` yet is shown from its `stats`, its breaker transitions taken from
 * `onStateChange`.
 */
function watchable(policy: object, name: string): WatchablePolicy {
  if (typeof (policy as Partial<WatchablePolicy>).subscribe === 'function') return policy as WatchablePolicy;
  const onStateChange = (policy as { onStateChange?: CircuitBreaker['onStateChange'] }).onStateChange;
  return {
    name,
    get stats() {
      return (policy as { stats: unknown }).stats;
    },
    subscribe: (listener) =>
      onStateChange?.((e) => listener({ policy: 'circuit-breaker', name, type: 'state-change', timestamp: e.at, from: e.from, to: e.to })) ?? (() => undefined),
  } as WatchablePolicy;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const reset = (): Error => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
const status = (code: number): Error => Object.assign(new Error(`HTTP ${code}`), { status: code });

async function main(): Promise<void> {
  const registry = new RetryRegistry();
  const breaker = new CircuitBreaker({ failureThreshold: 5, resetTimeout: 60_000 });
  const budget = RetryBudget.tokenBucket({ capacity: 500 });
  const limiter = new AdaptiveRateLimiter();
  const dashboard = createDashboard({
    registry,
    intervalMs: 250,
    policies: [watchable(breaker, 'payments'), watchable(budget, 'aws-sdk'), watchable(limiter, 's3')],
  });
  const server = createServer(dashboard);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1180, height: 740 } });
  await page.goto(url);

  let k = 0;
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
  }, { ...opts, operationName: 'orders.put' });
  const searchQuery = withRetry(async () => {
    await sleep(15 + (k % 20));
    if (k % 9 === 0) throw status(404);
    return 'hits';
  }, { ...opts, operationName: 'search.query' });

  // Seven seconds of load, its rate rising and falling, so the sparklines have a shape.
  for (let second = 0; second < 7; second++) {
    const perTick = [2, 4, 6, 8, 6, 4, 5][second]!;
    for (let tick = 0; tick < 10; tick++) {
      await Promise.allSettled([
        ...Array.from({ length: perTick }, () => usersGet()),
        ordersPut(),
        ...(tick % 2 === 0 ? [searchQuery()] : []),
      ]);
      budget.tryRetry(tick % 3 === 0);
      limiter.onResult(second >= 3 && tick === 0); // throttled now and then, later on
      if (limiter.acquire() > 0) limiter.onResult(false);
      await sleep(Math.max(0, 100 - perTick * 4));
    }
    if (second === 4) {
      // The payments dependency goes down: five failures open its breaker.
      for (let i = 0; i < 5; i++) if (breaker.tryAcquire()) breaker.onFailure();
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
