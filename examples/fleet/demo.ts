/**
 * The fleet demo: `npm run demo:fleet` (needs Redis; `REDIS_URL` overrides 127.0.0.1:6379).
 *
 * Three worker processes call one pricing service on 127.0.0.1, each 20 times a second,
 * through `retry()` with a circuit breaker and a retry budget they share through Redis
 * (`maestro-retry/redis`). The service is healthy for 2 s, fails every request for 5 s, and
 * recovers. The output shows the breaker opening in all three workers at once, the fleet's
 * retries held to the budget while the breaker lets trials through, the recovery, and ends
 * with each worker's statistics. It runs for about ten seconds.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import Redis from 'ioredis';
import { formatTable, runWhenExecuted, type Log } from '../support.js';

const WORKERS = 3;
const SECONDS = 10;
const DOWN_FROM = 2_000;
const DOWN_UNTIL = 7_000;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Line {
  readonly worker: number;
  readonly kind: string;
  readonly t?: number;
  readonly [field: string]: unknown;
}

export async function main(log: Log = console.log): Promise<Line[]> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch {
    log(`The fleet demo needs Redis at ${redisUrl} (set REDIS_URL): it does not answer.`);
    process.exitCode = 1;
    return [];
  }
  const prefix = `maestro-demo-${process.pid}`;
  let startedAt = Infinity;
  const service = createServer((_req, res) => {
    const t = Date.now() - startedAt;
    res.writeHead(t >= DOWN_FROM && t < DOWN_UNTIL ? 503 : 200).end();
  });
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(service.address() as { port: number }).port}/price`;
  log(`${WORKERS} workers, one breaker and one budget in Redis (prefix ${prefix}).`);
  log(`The service fails from ${DOWN_FROM / 1000} s to ${DOWN_UNTIL / 1000} s.\n`);

  const lines: Line[] = [];
  const workers = Array.from({ length: WORKERS }, (_, i) =>
    spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'worker.ts'), String(i + 1), url, redisUrl, prefix, String(SECONDS)], { stdio: 'pipe' }),
  );
  const seconds = new Map<number, Line[]>();
  const ready = workers.map((w) => narrate(w, lines, seconds, log));
  await Promise.all(ready.map((r) => r.ready));
  startedAt = Date.now() + 200;
  for (const w of workers) w.stdin.write(`${startedAt}\n`);
  await Promise.all(ready.map((r) => r.done));
  service.close();
  log('');
  log('Each worker at the end (retries = attempts after the first; the budget');
  log('figures are the shared window, the same in every worker):');
  const stats = lines.filter((l) => l.kind === 'stats').sort((a, b) => a.worker - b.worker);
  const cell = (l: Line, k: string): string => String(l[k]);
  for (const row of formatTable(
    ['worker', 'calls', 'ok', 'attempts', 'retries', 'fast-failed', 'refused', 'breaker'],
    stats.map((l) => [`worker ${l.worker}`, ...['calls', 'ok', 'attempts', 'retries', 'fastFailed', 'budgetRefused', 'breaker'].map((k) => cell(l, k))]),
  )) log(row);
  const budget = stats[0];
  const retries = Number(budget?.windowRetries);
  if (budget !== undefined) log(`shared budget window: ${retries} ${retries === 1 ? 'retry' : 'retries'} for ${cell(budget, 'windowCalls')} calls`);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  return lines;
}

/**
 * Prints a worker's events as they come: each breaker change at once, and, once every worker
 * has reported a second, the fleet's counts for it.
 */
function narrate(worker: ChildProcessWithoutNullStreams, lines: Line[], seconds: Map<number, Line[]>, log: Log): { ready: Promise<void>; done: Promise<void> } {
  worker.stderr.pipe(process.stderr);
  let isReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (isReady = r));
  createInterface({ input: worker.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as Line;
    lines.push(line);
    const at = `${(line.t ?? 0).toFixed(2).padStart(5)} s`;
    if (line.kind === 'ready') isReady();
    else if (line.kind === 'breaker') log(`${at}  worker ${line.worker}: breaker ${String(line.from)} -> ${String(line.to)}`);
    else if (line.kind.startsWith('store-')) log(`${at}  worker ${line.worker}: ${line.kind}`);
    else if (line.kind === 'second') {
      const all = [...(seconds.get(line.t!) ?? []), line];
      seconds.set(line.t!, all);
      if (all.length < WORKERS) return;
      const sum = (k: string): string => String(all.reduce((n, l) => n + Number(l[k]), 0)).padStart(3);
      log(`${at}  fleet: ${sum('calls')} calls ${sum('ok')} ok ${sum('retries')} retries ` +
        `${sum('fastFailed')} fast-failed ${sum('budgetRefused')} refused`);
    }
  });
  return { ready, done: new Promise((resolve) => worker.once('exit', () => resolve())) };
}

runWhenExecuted('demo', main);
