/**
 * The statistics page in a real browser: headless Debian Chromium (through playwright-core)
 * loads it from a loopback server while a scripted load of real calls runs. The counts it
 * shows match the registry's, a breaker opening shows within 2 s, and an operation named
 * with markup shows as text.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { CircuitBreaker, retry, RetryRegistry } from 'maestro-retry';
import { createDashboard, type Dashboard } from '../../src/dashboard/index.js';
import { CHROMIUM_PATH, chromium as chromiumBinary, describeWithService } from '../helpers/services.js';
import { serve, type Loopback } from './http.js';

const transient = (): Error => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

describeWithService(chromiumBinary, 'the statistics page in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let server: Loopback;
  let dashboard: Dashboard;
  const registry = new RetryRegistry();
  const breaker = new CircuitBreaker({ name: 'payments', failureThreshold: 3, resetTimeout: 60_000 });
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dashboard = createDashboard({ registry, policies: [breaker], intervalMs: 200 });
    server = await serve(dashboard);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => void (m.type() === 'error' && pageErrors.push(m.text())));
    await page.goto(`${server.origin}/`);
  });
  afterAll(async () => {
    await browser?.close();
    dashboard?.close();
    await server?.close();
  });

  async function shown(): Promise<Record<string, number>> {
    return page.evaluate(() => {
      const out: Record<string, number> = {};
      const read = (el: Element | null): number => Number((el?.textContent ?? '').replace(/,/g, ''));
      for (const k of ['calls', 'successes', 'failures', 'retries', 'inFlight']) out[k] = read(document.querySelector(`[data-total="${k}"]`));
      for (const row of document.querySelectorAll('#operations tbody tr[data-name]')) {
        const name = row.getAttribute('data-name')!;
        out[`${name}.calls`] = read(row.querySelector('[data-field="calls"]'));
        out[`${name}.retries`] = read(row.querySelector('[data-field="retries"]'));
      }
      return out;
    });
  }

  function expected(): Record<string, number> {
    const s = registry.getStatistics();
    const out: Record<string, number> = { calls: s.calls, successes: s.successes, failures: s.failures, retries: s.retries, inFlight: s.inFlight };
    for (const [name, o] of Object.entries(s.operations)) {
      out[`${name}.calls`] = o.calls;
      out[`${name}.retries`] = o.retries;
    }
    return out;
  }

  it('shows the counts of a running load, matching the registry once it settles', async () => {
    await page.waitForSelector('#status.live');
    let n = 0;
    const options = { registry, initialDelay: 2, maxRetries: 2, jitter: 'none' as const };
    const load = (async () => {
      const until = Date.now() + 800;
      while (Date.now() < until) {
        const k = n++;
        await Promise.allSettled([
          retry(async ({ attempt }) => {
            if (k % 3 === 0 && attempt === 1) throw transient();
            return k;
          }, { ...options, operationName: 'users.get' }),
          retry(async () => {
            throw transient();
          }, { ...options, operationName: 'orders.put' }),
        ]);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    // While the load runs, the page follows it.
    await page.waitForFunction(() => Number(document.querySelector('[data-total="calls"]')?.textContent?.replace(/,/g, '')) > 0, null, { timeout: 10_000 });
    await load;
    const want = expected();
    expect(want['users.get.calls']).toBeGreaterThan(2);
    await page.waitForFunction((calls) => Number(document.querySelector('[data-total="calls"]')?.textContent?.replace(/,/g, '')) === calls, want['calls'], { timeout: 10_000 });
    expect(await shown()).toEqual(want);
    expect(await page.textContent('[data-name="orders.put"] [data-field="giveUps"]')).toBe(`exhausted ${registry.getStatistics().operations['orders.put']!.giveUpReasons.exhausted}`);
    expect(await page.textContent('[data-name="users.get"] [data-field="p50"]')).toMatch(/ ms$/);
    expect(await page.locator('[data-name="users.get"] svg.spark polyline').count()).toBe(1);
  });

  it('shows a breaker opening within 2 s', async () => {
    expect(await page.textContent('[data-name="payments"] .badge')).toBe('closed');
    // Calls through the breaker fail until it opens (the third failure); the call then gives up.
    let opened = 0;
    const off = breaker.subscribe((e) => void (e.type === 'state-change' && e['to'] === 'open' && (opened = Date.now())));
    await expect(retry(async () => {
      throw transient();
    }, { registry, operationName: 'payments.charge', circuitBreaker: breaker, maxRetries: 5, initialDelay: 1 })).rejects.toThrow();
    off();
    expect(registry.getStatistics('payments.charge').giveUpReasons).toEqual({ 'circuit-open': 1 });
    expect(breaker.state).toBe('open');
    await page.waitForFunction(() => document.querySelector('[data-name="payments"] .badge')?.textContent === 'open', null, { timeout: 2000 });
    expect(opened).toBeGreaterThan(0);
    expect(Date.now() - opened).toBeLessThan(2000);
    expect(await page.getAttribute('[data-name="payments"] .badge', 'class')).toBe('badge state-open');
    expect(await page.textContent('[data-name="payments"] [data-field="transitions"]')).toBe('1');
  });

  it('shows an operation named with markup as text', async () => {
    const name = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    await retry(async () => 'ok', { registry, operationName: name });
    const cell = page.locator('#operations tbody tr[data-name] [data-field="name"]').filter({ hasText: '<script>' });
    await cell.waitFor({ timeout: 10_000 });
    expect(await cell.textContent()).toBe(name);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#operations img, #operations script').count()).toBe(0);
    expect(pageErrors).toEqual([]); // the CSP let the page's own script and style run, and nothing else was tried
  });
});
