/**
 * One worker process of the fleet simulation (`bench/simulate-fleet.ts`). It offers `rate`
 * calls a second to the loopback dependency through `retry()` with the policy under test
 * (per-process, or shared through Redis) for `durationMs`, from the epoch time the parent
 * writes on its stdin once every worker is ready, and prints one JSON line of what it saw:
 * calls started and succeeded per bucket, when its breaker opened, its policy's statistics.
 *
 *   node --import tsx bench/sim/fleet-worker.ts '<json config>'
 */
import { Agent, request } from 'node:http';
import Redis from 'ioredis';
import { retry } from '../../src/api/retry.js';
import { redisStore, type RedisStore } from '../../src/redis/index.js';
import { CircuitBreaker } from '../../src/strategies/circuit-breaker.js';
import { RetryBudget } from '../../src/strategies/retry-budget.js';

/** A policy of the simulation. */
export type FleetPolicy = 'plain' | 'budget-local' | 'budget-shared' | 'breaker-local' | 'breaker-shared';

export interface WorkerConfig {
  readonly worker: number;
  readonly policy: FleetPolicy;
  /** Calls a second this worker offers. */
  readonly rate: number;
  readonly port: number;
  readonly redisUrl: string;
  readonly prefix: string;
  readonly durationMs: number;
  readonly bucketMs: number;
  /** The Redis store's bound on a wait (`timeoutMs`); the store's default (50 ms) when missing. */
  readonly timeoutMs?: number;
}

export interface WorkerReport {
  readonly worker: number;
  readonly started: number[];
  readonly succeeded: number[];
  /** Calls per bucket (of their start) whose first attempt was never sent (refused by an open breaker). */
  readonly unsent: number[];
  /** Ms after `startAt` of each closed → open move of its breaker. */
  readonly opened: number[];
  readonly fallbacks: number;
  readonly stats: unknown;
}

/** The breaker and budget settings of the simulation (shared ones differ only by their store). */
export const BREAKER = { failureRateThreshold: 0.5, minimumCalls: 20, windowMs: 2_000, resetTimeout: 1_000, halfOpenMaxCalls: 1 } as const;
export const RETRIES = { maxRetries: 3, initialDelay: 100, maxDelay: 1_000, jitter: 'full' } as const;

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]!) as WorkerConfig;
  let client: Redis | undefined;
  let store: RedisStore | undefined;
  if (config.policy.endsWith('-shared')) {
    client = new Redis(config.redisUrl);
    client.on('error', () => undefined);
    await client.ping();
    // The store's defaults (a 50 ms bound on any wait) unless the run asks for another bound:
    // on a loaded machine a starved event loop alone can delay an answer past 50 ms.
    store = redisStore(client, { prefix: config.prefix, ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }) });
  }
  const shared = store === undefined ? {} : { name: 'dependency', store };
  const breaker = config.policy.startsWith('breaker') ? new CircuitBreaker({ ...BREAKER, ...shared }) : undefined;
  const budget = config.policy.startsWith('budget') ? RetryBudget.ratio(shared) : undefined;
  const buckets = Math.ceil(config.durationMs / config.bucketMs) + 1;
  const started = new Array<number>(buckets).fill(0);
  const succeeded = new Array<number>(buckets).fill(0);
  const unsent = new Array<number>(buckets).fill(0);
  const opened: number[] = [];
  let fallbacks = 0;
  let startAt = Infinity;
  const since = () => Date.now() - startAt;
  const bucket = () => Math.min(buckets - 1, Math.max(0, Math.floor(since() / config.bucketMs)));
  breaker?.subscribe((e) => e.type === 'state-change' && e.to === 'open' && opened.push(since()));
  for (const p of [breaker, budget]) p?.subscribe((e) => e.type === 'store-fallback' && fallbacks++);
  if (process.env.FLEET_DEBUG) for (const p of [breaker, budget]) p?.subscribe((e) => process.stderr.write(`w${config.worker} ${since()} ${e.type} ${String(e.from ?? '')}>${String(e.to ?? '')} ${String((e.error as Error | undefined)?.message ?? '')}\n`));

  const agent = new Agent({ keepAlive: true });
  const get = (attempt: number): Promise<void> =>
    new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port: config.port, path: `/?worker=${config.worker}&attempt=${attempt}`, agent }, (response) => {
        response.resume();
        response.on('end', () => (response.statusCode === 200 ? resolve() : reject(Object.assign(new Error(`HTTP ${response.statusCode}`), { status: response.statusCode }))));
      }).on('error', reject).end();
    });
  const options = { ...RETRIES, registry: false as const, ...(breaker ? { circuitBreaker: breaker } : {}), ...(budget ? { budget } : {}) };

  process.stdout.write('ready\n');
  startAt = Number(await new Promise<string>((r) => process.stdin.once('data', (d) => r(String(d)))));
  process.stdin.destroy(); // nothing more comes, and an open stdin would keep the process alive
  const cfg = { ...config, startAt };
  await new Promise((r) => setTimeout(r, cfg.startAt - Date.now()));
  const calls: Array<Promise<unknown>> = [];
  const interval = 1000 / cfg.rate;
  // A steady rate, each worker offset by a fraction of the interval so the fleet's calls interleave.
  for (let n = 0; ; n++) {
    const due = cfg.startAt + (n + cfg.worker / 8) * interval;
    if (due - cfg.startAt >= cfg.durationMs) break;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const b = bucket();
    started[b]!++;
    let sent = false;
    const call = retry(({ attempt }) => ((sent = true), get(attempt)), options);
    calls.push(call.then(() => succeeded[bucket()]!++, () => (sent ? undefined : unsent[b]!++)));
  }
  await Promise.all(calls);
  const stats = breaker?.stats ?? budget?.stats ?? null;
  const report: WorkerReport = { worker: cfg.worker, started, succeeded, unsent, opened, fallbacks, stats };
  process.stdout.write(JSON.stringify(report) + '\n');
  await store?.close();
  client?.disconnect();
  agent.destroy();
}

if (require.main === module) void main();
