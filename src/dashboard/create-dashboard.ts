import type { IncomingMessage, ServerResponse } from 'node:http';
import { systemClock } from '../engine/clock.js';
import type { Clock } from '../engine/clock.js';
import { defaultRegistry } from '../registry/default-registry.js';
import { Feed } from './feed.js';
import { OperationTracker } from './operation-tracker.js';
import { readDashboardOptions, type DashboardOptions, type DashboardRegistry } from './options.js';
import { PAGE_CSP, PAGE_HTML } from './page.js';
import { PolicyTracker } from './policy-tracker.js';
import type { DashboardSnapshot } from './snapshot.js';

/**
 * A request handler for `node:http` (and so for Express, Fastify's raw request and response,
 * NestJS) that serves the statistics page and its live feed. See {@link createDashboard}.
 */
export interface Dashboard {
  (req: IncomingMessage, res: ServerResponse): void;
  /** The figures the feed would send now. */
  snapshot(): DashboardSnapshot;
  /** Feed clients connected now. */
  readonly clients: number;
  /** Stops: ends every feed, unsubscribes from the registry and the policies; later requests get 503. */
  close(): void;
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(`${text}\n`);
}

/**
 * Creates the live statistics page: per operation, calls and retries per second, success
 * rate, give-ups by reason, p50 and p99 attempt latency and a one-minute sparkline; per
 * circuit breaker, its state and time in it; per retry budget, what is left and refusals; per
 * rate limiter, its rate. It serves exactly two things, under `basePath`: the page (`/`) and
 * its Server-Sent Events feed (`/events`); every other path is a 404, a method other than GET
 * or HEAD a 405. It only reads, never listens by itself (mount it), and caps the feed at
 * `maxClients` viewers (503 beyond).
 *
 * @example
 * const dashboard = createDashboard({ policies: [breaker, budget] });
 * http.createServer(dashboard).listen(8080, '127.0.0.1');
 * // Express: app.use('/retries', dashboard)
 */
export function createDashboard(options: DashboardOptions = {}): Dashboard {
  const o = readDashboardOptions(options);
  const registry: DashboardRegistry = o.registry ?? defaultRegistry;
  const clock: Clock = o.clock ?? systemClock;
  const operations = new OperationTracker(o.maxOperations);
  const policies = new PolicyTracker(o.policies, clock.now());
  const unsubscribe = registry.subscribe(operations);

  const snapshot = (): DashboardSnapshot => {
    const now = clock.now();
    const statistics = registry.getStatistics();
    const rows = operations.rows(statistics, now);
    const { calls, inFlight, successes, failures, retries, successRate, totalOperations } = statistics;
    return {
      time: now,
      intervalMs: o.intervalMs,
      totals: { calls, inFlight, successes, failures, retries, successRate, operations: totalOperations, shown: rows.length },
      operations: rows,
      ...policies.rows(now),
    };
  };
  const feed = new Feed(o.maxClients, o.intervalMs, clock, () => JSON.stringify(snapshot()));
  const base = o.basePath;
  let closed = false;

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const target = path === base || path === `${base}/` ? 'page' : path === `${base}/events` ? 'feed' : undefined;
    if (target === undefined) return plain(res, 404, 'Not found');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed', { allow: 'GET, HEAD' });
    if (closed) return plain(res, 503, 'The statistics page has been closed');
    if (target === 'page') {
      res.writeHead(200, PAGE_HEADERS);
      res.end(req.method === 'HEAD' ? undefined : PAGE_HTML);
      return;
    }
    if (req.method === 'HEAD') return plain(res, 200, '', { 'content-type': 'text/event-stream; charset=utf-8' });
    if (!feed.add(res)) plain(res, 503, 'Too many viewers of the statistics page', { 'retry-after': '5' });
  };

  return Object.defineProperties(handler, {
    snapshot: { value: snapshot },
    clients: { get: () => feed.size },
    close: {
      value: (): void => {
        if (closed) return;
        closed = true;
        feed.close();
        unsubscribe();
        policies.close();
      },
    },
  }) as Dashboard;
}
