/**
 * The statistics page's handler on a real loopback server: what it serves (and refuses), the
 * feed's figures against the registry's after real calls on a ManualClock, refreshes on the
 * clock, the viewer cap, and what a disconnect and close() free.
 */
import { createHash } from 'node:crypto';
import { ManualClock, RetryRegistry, flushMicrotasks, retry } from 'maestro-retry';
import { createDashboard, type Dashboard, type DashboardRegistry, type DashboardSnapshot } from '../../src/dashboard/index.js';
import type { CallObserver } from '../../src/observers/observer.js';
import { ConnResetError, scriptedCall } from '../otel/scenario.js';
import { fakeBreaker, fakeBudget, fakeLimiter } from './fake-policies.js';
import { fetchRaw, openStream, serve, type Loopback } from './http.js';

/** A registry whose subscriptions can be counted. */
function countingRegistry(registry: RetryRegistry): DashboardRegistry & { active: number } {
  const counted = {
    active: 0,
    getStatistics: () => registry.getStatistics(),
    subscribe(observer: CallObserver) {
      counted.active++;
      const off = registry.subscribe(observer);
      return () => {
        counted.active--;
        off();
      };
    },
  };
  return counted;
}

/** Waits (real time, a few ms at most) until `check` holds. */
async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('createDashboard', () => {
  let clock: ManualClock;
  let registry: RetryRegistry;
  let dashboard: Dashboard;
  let server: Loopback;

  async function start(options: Parameters<typeof createDashboard>[0] = {}): Promise<void> {
    dashboard = createDashboard({ registry, clock, ...options });
    server = await serve(dashboard);
  }
  beforeEach(() => {
    clock = new ManualClock();
    registry = new RetryRegistry();
  });
  afterEach(async () => {
    dashboard?.close();
    await server?.close();
  });

  it('serves one self-contained page, locked down by its headers', async () => {
    await start();
    const page = await fetchRaw(server.port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
    // Nothing is fetched from anywhere: no linked asset, no URL but the SVG namespace name.
    expect(page.body).not.toMatch(/<link|\ssrc=|\shref=|@import|url\(/i);
    expect(page.body.match(/https?:\/\/[^\s'"]+/g)).toEqual(['http://www.w3.org/2000/svg']);
    // The CSP allows exactly the inline script and style, by hash.
    const csp = page.headers['content-security-policy']!;
    const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const script = /<script>([\s\S]*)<\/script>/.exec(page.body)![1]!;
    const style = /<style>([\s\S]*)<\/style>/.exec(page.body)![1]!;
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toMatch(/^default-src 'none'; /);
    expect((await fetchRaw(server.port, '/?x=1')).status).toBe(200);
    expect((await fetchRaw(server.port, '/', 'HEAD')).status).toBe(200);
  });

  it.each([
    '/index.html', '/events/', '/events/..', '/../etc/passwd', '/%2e%2e/package.json', '/..%2fpackage.json',
    '//events', '/events/../../src/index.ts', '/static/app.js', '/favicon.ico',
  ])('answers %s with 404', async (path) => {
    await start();
    const reply = await fetchRaw(server.port, path);
    expect([reply.status, reply.body]).toEqual([404, 'Not found\n']);
  });

  it('answers other methods with 405, and serves under basePath only when given one', async () => {
    await start({ basePath: '/ops/retries' });
    expect((await fetchRaw(server.port, '/ops/retries/', 'POST')).status).toBe(405);
    expect((await fetchRaw(server.port, '/ops/retries')).status).toBe(200);
    expect((await fetchRaw(server.port, '/ops/retries/')).status).toBe(200);
    expect((await fetchRaw(server.port, '/')).status).toBe(404);
    const feed = await openStream(server.port, '/ops/retries/events');
    expect(feed.status).toBe(200);
    feed.destroy();
  });

  it("sends the registry's counts, rates, latency quantiles, history and policies", async () => {
    const breaker = fakeBreaker('payments');
    const budget = fakeBudget();
    const limiter = fakeLimiter('s3');
    await start({ policies: [breaker, budget, limiter, fakeBreaker('payments')] });
    for (const ms of [10, 20, 30, 40, 50]) await scriptedCall({ clock, registry }, 'users.get', [[ms]]);
    await scriptedCall({ clock, registry }, 'orders.put', [[5, new ConnResetError('x')], [5, new ConnResetError('y')]], 1);
    const openedAt = clock.now();
    breaker.stats = { state: 'open' };
    breaker.emit('state-change', openedAt, { from: 'closed', to: 'open' });
    budget.emit('refused', clock.now());
    limiter.stats = { enabled: true, fillRate: 4.5 };
    limiter.emit('throttled', clock.now(), { rate: 4.5 });
    await clock.advance(1000 - clock.now() + 750); // into second 1: second 0 is complete

    const feed = await openStream(server.port, '/events');
    expect(feed.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const s = (await feed.waitFor(1)) as DashboardSnapshot;
    const stats = registry.getStatistics();
    expect(s.totals).toEqual({ calls: 6, inFlight: 0, successes: 5, failures: 1, retries: 1, successRate: stats.successRate, operations: 2, shown: 2 });
    const users = s.operations.find((o) => o.name === 'users.get')!;
    expect(users).toMatchObject({ calls: 5, successes: 5, failures: 0, retries: 0, successRate: 1, giveUpReasons: {}, p50Ms: 30, p99Ms: 50, callsPerSecond: 1, retriesPerSecond: 0 });
    expect(users.history).toHaveLength(60);
    expect(users.history.at(-1)).toBe(5);
    expect(users.history.slice(0, -1).every((n) => n === 0)).toBe(true);
    const orders = s.operations.find((o) => o.name === 'orders.put')!;
    expect(orders).toMatchObject({ calls: 1, failures: 1, retries: 1, giveUpReasons: { exhausted: 1 }, retriesPerSecond: 0.2, p50Ms: 5 });
    expect(orders.history.at(-1)).toBe(1); // calls started in second 0, whatever their attempts
    expect(s.breakers).toEqual([
      { name: 'payments', state: 'open', inStateMs: 1750 - openedAt, inStateAtLeast: false, transitions: 1 },
      { name: 'payments #2', state: 'closed', inStateMs: 1750, inStateAtLeast: true, transitions: 0 },
    ]);
    expect(s.budgets).toEqual([{ name: 'retry-budget', available: 100, tokens: 500, capacity: 500, refusals: 1 }]);
    expect(s.limiters).toEqual([{ name: 's3', enabled: true, rate: 4.5, throttles: 1, waits: 0 }]);
    feed.destroy();
  });

  it('refreshes every intervalMs on its clock, with the counts of the moment', async () => {
    await start({ intervalMs: 500 });
    const feed = await openStream(server.port, '/events');
    expect(((await feed.waitFor(1)) as DashboardSnapshot).totals.calls).toBe(0);
    // A call that needs no timer (runAll would also run the refresh loop, for ever).
    await retry(async () => 'pong', { operationName: 'ping', registry, clock });
    await clock.advance(500);
    expect(((await feed.waitFor(2)) as DashboardSnapshot).totals.calls).toBe(1);
    await clock.advance(499);
    await flushMicrotasks();
    expect(feed.messages).toHaveLength(2); // not before the interval is up
    await clock.advance(1);
    await feed.waitFor(3);
    feed.destroy();
  });

  it('serves at most maxClients feeds; the next one gets a 503', async () => {
    await start({ maxClients: 2 });
    const a = await openStream(server.port, '/events');
    const b = await openStream(server.port, '/events');
    const c = await fetchRaw(server.port, '/events');
    expect([c.status, c.headers['retry-after']]).toEqual([503, '5']);
    expect(dashboard.clients).toBe(2);
    a.destroy();
    await until(() => dashboard.clients === 1);
    const d = await openStream(server.port, '/events'); // room again
    expect(d.status).toBe(200);
    b.destroy();
    d.destroy();
  });

  it("frees a client's resources when it disconnects: no client, no timer left", async () => {
    await start();
    const feed = await openStream(server.port, '/events');
    await feed.waitFor(1);
    expect(dashboard.clients).toBe(1);
    expect(clock.pendingTimers).toBe(1); // the refresh loop's sleep
    feed.destroy();
    await until(() => dashboard.clients === 0);
    await flushMicrotasks();
    expect(clock.pendingTimers).toBe(0);
    // A new viewer starts the loop again.
    const again = await openStream(server.port, '/events');
    await again.waitFor(1);
    expect(clock.pendingTimers).toBe(1);
    again.destroy();
  });

  it('close() ends every feed, unsubscribes everywhere and answers 503 afterwards', async () => {
    const counted = countingRegistry(registry);
    const breaker = fakeBreaker();
    dashboard = createDashboard({ registry: counted, clock, policies: [breaker] });
    server = await serve(dashboard);
    expect([counted.active, breaker.listeners.size]).toEqual([1, 1]);
    const feed = await openStream(server.port, '/events');
    await feed.waitFor(1);
    const ended = new Promise((resolve) => feed.response.on('end', resolve));
    dashboard.close();
    await ended;
    expect([dashboard.clients, counted.active, breaker.listeners.size, clock.pendingTimers]).toEqual([0, 0, 0, 0]);
    expect((await fetchRaw(server.port, '/')).status).toBe(503);
    dashboard.close(); // twice is harmless
  });

  it('checks its options', () => {
    expect(() => createDashboard({ maxClients: 0 })).toThrow(new RangeError('maestro-retry: createDashboard option `maxClients` must be an integer >= 1, got 0'));
    expect(() => createDashboard({ intervalMs: 10 })).toThrow(/`intervalMs` must be a finite number >= 50, got 10/);
    expect(() => createDashboard({ basePath: '/x/' })).toThrow(/`basePath` must be '' or a path like '\/retries'/);
    expect(() => createDashboard({ basePath: '/../x' })).not.toThrow(); // a literal prefix: compared, never resolved
    expect(() => createDashboard({ registry: {} as never })).toThrow(/`registry` must be a registry/);
    expect(() => createDashboard({ policies: [{}] as never })).toThrow(/option `policies` needs a policy with a subscribe/);
    expect(() => createDashboard({ clock: { now: () => 0 } as never })).toThrow(/`clock` must have now\(\) and sleep\(\)/);
  });
});
