/**
 * One of the three worker processes of the fleet demo (`npm run demo:fleet`). It calls the
 * demo's dependency 20 times a second through `retry()`, with a circuit breaker and a retry
 * budget shared with the other workers through Redis. It writes one JSON line per event the
 * parent narrates (its breaker's state changes, each second's counts) and, at the end, its
 * statistics. It starts calling at the time (epoch ms) the parent writes on its stdin.
 *
 *   tsx examples/fleet/worker.ts <worker number> <dependency url> <redis url> <key prefix> <seconds>
 */
import { Agent, request } from 'node:http';
import Redis from 'ioredis';
import { CircuitBreaker, RetryBudget, isCircuitOpenError, retry } from 'maestro-retry';
import { redisStore } from 'maestro-retry/redis';

const [worker, url, redisUrl, prefix, seconds] = process.argv.slice(2) as [string, string, string, string, string];
const say = (line: object): void => void process.stdout.write(JSON.stringify({ worker: Number(worker), ...line }) + '\n');

async function main(): Promise<void> {
  const client = new Redis(redisUrl);
  client.on('error', () => undefined);
  await client.ping();
  const store = redisStore(client, { prefix });
  // Every worker builds the same two policies under the same names: Redis holds one state each.
  const breaker = new CircuitBreaker({ name: 'pricing', failureRateThreshold: 0.5, minimumCalls: 10, windowMs: 2_000, resetTimeout: 1_500, store });
  const budget = RetryBudget.ratio({ name: 'pricing', ratio: 0.2, minRetriesPerSecond: 2, windowMs: 5_000, store });
  say({ kind: 'ready' });
  const start = Number(await new Promise<string>((r) => process.stdin.once('data', (d) => r(String(d)))));
  process.stdin.destroy(); // nothing more comes, and an open stdin would keep the process alive
  await new Promise((r) => setTimeout(r, start - Date.now()));
  const t = (): number => (Date.now() - start) / 1000;
  breaker.subscribe((e) => e.type === 'state-change' && say({ t: t(), kind: 'breaker', from: e.from, to: e.to }));
  for (const p of [breaker, budget]) p.subscribe((e) => e.type.startsWith('store-') && say({ t: t(), kind: e.type }));

  const agent = new Agent({ keepAlive: true });
  const second = { calls: 0, attempts: 0, retries: 0, ok: 0, fastFailed: 0, budgetRefused: 0 };
  const total = { ...second };
  const get = (): Promise<void> =>
    new Promise((resolve, reject) => {
      request(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode }))));
      }).on('error', reject).end();
    });
  const count = (key: keyof typeof second): void => {
    second[key]++;
    total[key]++;
  };
  const call = async (): Promise<void> => {
    count('calls');
    try {
      await retry(({ attempt }) => {
        count('attempts');
        if (attempt > 1) count('retries');
        return get();
      }, { operationName: 'getPrice', circuitBreaker: breaker, budget, maxRetries: 3, initialDelay: 100, registry: false });
      count('ok');
    } catch (error) {
      if (isCircuitOpenError(error)) count('fastFailed');
    }
  };
  budget.subscribe((e) => e.type === 'refused' && count('budgetRefused'));
  const calls: Array<Promise<void>> = [];
  const ticker = setInterval(() => {
    say({ t: Math.round(t()), kind: 'second', ...second });
    for (const key of Object.keys(second) as Array<keyof typeof second>) second[key] = 0;
  }, 1_000);
  while (t() < Number(seconds)) {
    calls.push(call());
    await new Promise((r) => setTimeout(r, 50));
  }
  await Promise.all(calls);
  clearInterval(ticker);
  say({ kind: 'stats', ...total, breaker: breaker.stats.state, windowRetries: budget.stats.windowRetries, windowCalls: budget.stats.windowCalls });
  await store.close();
  client.disconnect();
  agent.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
