/**
 * The demo: `npm run demo`.
 *
 * Starts a small HTTP service on 127.0.0.1 that misbehaves the way real dependencies do
 * (connection resets, 503 with Retry-After, 429, a response too slow to wait for, a 404,
 * a gateway that stays down, a maintenance window), then calls it with the platform `fetch`
 * through `withRetry`, `retry` and a client class whose methods are `@Retryable`. Hooks
 * narrate every attempt; the run ends with the statistics every call left in the registry.
 * Delays are small (100 ms initial), so the whole run takes about three seconds.
 *
 * `npm run demo -- --dashboard` also serves the live statistics page on 127.0.0.1 while the
 * demo runs, prints its URL, and keeps serving it after the demo ends, until Ctrl-C.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRetryStatistics, isAttemptTimeoutError, retry, Retryable, withRetry, type RetryOptions, type RetryStatistics } from 'maestro-retry';
import { createDashboard } from 'maestro-retry/dashboard';
import { describeError, formatStatistics, runWhenExecuted, type Log } from './support.js';

// ---------------------------------------------------------------------------------------
// The misbehaving service. Each route counts its requests and fails the first few.

interface Service {
  readonly url: string;
  close(): Promise<void>;
}

function startService(): Promise<Service> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const hit = (hits.get(path) ?? 0) + 1;
    hits.set(path, hit);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    switch (path) {
      case '/inventory': // the connection drops twice: like a pod restarting behind a load balancer
        if (hit <= 2) return void req.socket.destroy();
        return json(200, { sku: 'A-100', inStock: 42 });
      case '/prices': // overloaded once; asks the client to come back in 1 s
        if (hit === 1) return json(503, { error: 'overloaded' }, { 'retry-after': '1' });
        return json(200, { sku: 'A-100', eur: 19.9 });
      case '/search?q=lamp': // rate limited twice; says when to retry, in ms
        if (hit <= 2) return json(429, { error: 'slow down' }, { 'retry-after-ms': '150' });
        return json(200, { hits: ['desk lamp', 'floor lamp'] });
      case '/report': { // the first response would take 5 s; the client stops waiting at 300 ms
        const timer = setTimeout(() => json(200, { pages: 12 }), hit === 1 ? 5000 : 20);
        res.on('close', () => clearTimeout(timer)); // the client hung up: stop working on it
        return;
      }
      case '/users/7': // does not exist, and never will
        return json(404, { error: 'no such user' });
      case '/legacy': // a dependency that stays down
        return json(502, { error: 'upstream unreachable' });
      case '/maintenance': // down for an hour: no point in waiting for it
        return json(503, { error: 'maintenance' }, { 'retry-after': '3600' });
      default:
        return json(404, { error: 'no such route' });
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections(); // fetch keeps connections alive; end them now
          server.close(() => done());
        }),
      });
    });
  });
}

// ---------------------------------------------------------------------------------------
// The client side: what an application would write.

/**
 * `fetch` resolves on any HTTP status; an error status is still a response. Turning it into
 * an error that carries `status` and `headers` is all maestro-retry needs: 408, 425, 429 and
 * 5xx statuses are transient, other statuses are not, and a `Retry-After` (or
 * `retry-after-ms`) header sets the next delay. Callers get an error they can catch too.
 * (The alternative, `retryOnResult: (res) => res.status >= 500`, retries responses instead.)
 */
class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(readonly status: number, readonly statusText: string, readonly headers: Headers) {
    super(`HTTP ${status} ${statusText}`);
  }
}

async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(url, { signal });
  if (!response.ok) {
    await response.body?.cancel(); // release the connection
    throw new HttpError(response.status, response.statusText, response.headers);
  }
  return (await response.json()) as T;
}

/** Where the narration goes: the console, or the tests' collector. */
let log: Log = console.log;

/** How a failed attempt reads in the narration. */
function what(error: unknown): string {
  if (isAttemptTimeoutError(error)) return `no response within ${error.timeout} ms`;
  if (!(error instanceof HttpError)) return describeError(error);
  const hint = ['retry-after', 'retry-after-ms'].find((h) => error.headers.has(h));
  return `HTTP ${error.status}${hint === undefined ? '' : `, ${hint}: ${error.headers.get(hint)}`}`;
}

/**
 * The options every call below shares: a quick schedule (100, 200, 400 ms) and hooks that
 * narrate each attempt. A decorator's options are fixed when its class is defined, so the
 * hooks write to a module-level `log` rather than to something held by an instance.
 */
const shared = {
  maxRetries: 3,
  initialDelay: 100,
  onRetry: ({ attempt, error, delay }) => log(fit(`  attempt ${attempt}: ${what(error)}; retry in ${Math.round(delay)} ms`)),
  onGiveUp: ({ attempt, error, reason }) => log(fit(`  attempt ${attempt}: ${what(error)}; gave up: ${reason}`)),
  onSuccess: ({ attempt, elapsedMs }) => log(`  attempt ${attempt}: ok, ${Math.round(elapsedMs)} ms after the call began`),
} satisfies RetryOptions;

/** A client class for the same service, its methods made retrying by `@Retryable`. */
class CatalogClient {
  constructor(private readonly baseUrl: string) {}

  @Retryable(shared) // recorded as 'CatalogClient.search'
  async search(q: string): Promise<{ hits: string[] }> {
    return getJson(`${this.baseUrl}/search?q=${encodeURIComponent(q)}`);
  }

  @Retryable(shared)
  async getUser(id: number): Promise<{ id: number; name: string }> {
    return getJson(`${this.baseUrl}/users/${id}`);
  }

  @Retryable({ ...shared, maxRetries: 2 })
  async getLegacy(): Promise<unknown> {
    return getJson(`${this.baseUrl}/legacy`);
  }

  @Retryable(shared)
  async getStatus(): Promise<unknown> {
    return getJson(`${this.baseUrl}/maintenance`);
  }
}

/** Keeps a line within an 80-column terminal. */
function fit(line: string): string {
  return line.length <= 80 ? line : `${line.slice(0, 77)}...`;
}

// ---------------------------------------------------------------------------------------

export async function main(out: Log = console.log): Promise<{ statistics: RetryStatistics; elapsedMs: number }> {
  log = out;
  const started = Date.now();
  const service = await startService();
  const base = service.url;
  log(`maestro-retry demo: a misbehaving HTTP service on ${base}`);

  /** Runs one scenario: a title, the call, then what the caller finally got. */
  async function call(title: string, run: () => Promise<unknown>): Promise<void> {
    log('');
    log(title);
    try {
      log(`  => ${JSON.stringify(await run())}`);
    } catch (error) {
      log(`  => the caller catches ${describeError(error)}`);
    }
  }

  try {
    // withRetry: wrap a function once, call the wrapper like the original.
    const getInventory = withRetry(() => getJson(`${base}/inventory`), { ...shared, operationName: 'getInventory' });
    const getPrices = withRetry(() => getJson(`${base}/prices`), { ...shared, operationName: 'getPrices' });
    await call('withRetry: GET /inventory, the connection is reset twice', getInventory);
    await call('withRetry: GET /prices, 503 with Retry-After: 1', getPrices);

    // retry(): the function gets the attempt's signal. With attemptTimeout, a hung request
    // is aborted (its socket freed) and retried.
    await call('retry: GET /report, the first answer would take 5 s (attemptTimeout 300)', () =>
      retry(({ signal }) => getJson(`${base}/report`, signal), { ...shared, attemptTimeout: 300, operationName: 'getReport' }));

    // @Retryable: the client's methods retry on their own.
    const catalog = new CatalogClient(base);
    await call('@Retryable: GET /search?q=lamp, 429 twice with retry-after-ms: 150', () => catalog.search('lamp'));
    await call('@Retryable: GET /users/7, a 404 that no retry can fix', () => catalog.getUser(7));
    await call('@Retryable: GET /legacy, 502 every time (maxRetries 2)', () => catalog.getLegacy());
    await call('@Retryable: GET /maintenance, 503 with Retry-After: 3600', () => catalog.getStatus());
  } finally {
    await service.close();
  }

  // Every call above was recorded in the shared registry.
  const statistics = getRetryStatistics();
  const elapsedMs = Date.now() - started;
  log('');
  log(`getRetryStatistics(), after ${(elapsedMs / 1000).toFixed(1)} s:`);
  formatStatistics(statistics).forEach((line) => log(line));
  return { statistics, elapsedMs };
}

/**
 * `--dashboard`: the statistics page of the default registry, on 127.0.0.1 only, served
 * while the demo runs and after it, until Ctrl-C.
 */
async function withDashboard(out: Log): Promise<void> {
  const dashboard = createDashboard();
  const server = createServer(dashboard);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  out(`Live statistics: http://127.0.0.1:${port}/ (served until Ctrl-C)`);
  out('');
  await main(out);
  out('');
  out(`The demo is done; the page stays up at http://127.0.0.1:${port}/ until Ctrl-C.`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  dashboard.close();
  server.closeAllConnections();
  server.close();
}

runWhenExecuted('demo', (out) => (process.argv.includes('--dashboard') ? withDashboard(out) : main(out)));
