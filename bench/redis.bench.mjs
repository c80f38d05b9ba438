// What sharing a breaker and a budget through Redis costs (issue 18, item 4), against the same
// policies in memory, measured in the same run:
//   - the success path at a steady 1,000 calls/s: the main thread's CPU time per call of
//     `retry(fn, { circuitBreaker, budget })`, over whole runs so that the store's background
//     sends and notifications are counted, with the policies in memory, then in Redis, runs
//     interleaved; the target: Redis <= 1.2x memory. The main thread's own time, from
//     /proc/<pid>/task/<pid>/schedstat on Linux (process.cpuUsage would add V8's compiler and
//     GC helper threads, and the event loop's busy time the time the machine's other
//     processes hold the core: both swamp the difference); elsewhere the event loop's busy time;
//   - Redis commands per call over those runs (every EVALSHA/EVAL the store sends, counted at
//     the client); the target: <= 0.1;
//   - the latency a retry's budget check adds (`allowRetry` in Redis, one check every 2 ms,
//     p50 and p99, against the same check in memory).
// Needs Redis (REDIS_URL, default redis://127.0.0.1:6379): without it, says so and exits 0.
// Imports the built package (dist/); builds it first when dist/ is missing. Writes
// bench/results/redis.json and prints a table.
//
//   node --expose-gc bench/redis.bench.mjs [--rounds=N] [--seconds=S] [--checks=N]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
if (!existsSync(here('../dist/esm/redis/index.js'))) execFileSync('npm', ['run', 'build'], { cwd: here('..'), stdio: 'inherit' });

const { retry, CircuitBreaker, RetryBudget } = await import('maestro-retry');
const { redisStore } = await import('maestro-retry/redis');
const { default: Redis } = await import('ioredis');

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const rounds = Number(args.rounds ?? 9);
const seconds = Number(args.seconds ?? 3);
const checks = Number(args.checks ?? 1000);
const log = (s) => process.stderr.write(s + '\n');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
probe.on('error', () => undefined);
try {
  await probe.connect();
} catch {
  console.log(`bench/redis.bench.mjs: skipped, Redis does not answer at ${redisUrl} (set REDIS_URL).`);
  process.exit(0);
}

/** A client whose state-script commands are counted. */
function countingClient() {
  const client = new Redis(redisUrl);
  client.on('error', () => undefined);
  const counted = { commands: 0 };
  const proxy = new Proxy(client, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (key !== 'evalsha' && key !== 'eval') return typeof value === 'function' ? value.bind(target) : value;
      return (...a) => {
        counted.commands++;
        return value.apply(target, a);
      };
    },
  });
  return { client, proxy, counted };
}

const prefix = `bench-redis-${process.pid}`;
const { client, proxy, counted } = countingClient();
await client.ping();
const store = redisStore(proxy, { prefix });
const policies = {
  memory: { circuitBreaker: new CircuitBreaker({ failureRateThreshold: 0.5 }), budget: RetryBudget.ratio() },
  redis: { circuitBreaker: new CircuitBreaker({ name: 'bench', failureRateThreshold: 0.5, store }), budget: RetryBudget.ratio({ name: 'bench', store }) },
};
const ok = async () => 1;

const schedstat = `/proc/${process.pid}/task/${process.pid}/schedstat`;
const onLinux = existsSync(schedstat);
/** The main thread's time on a core, in µs (or, where that cannot be read, the event loop's busy time). */
const threadMicros = () => (onLinux ? Number(readFileSync(schedstat, 'utf8').split(' ')[0]) / 1000 : performance.eventLoopUtilization().active * 1000);

/** The main thread's µs per call over `seconds` of calls at 1,000 a second (10 every 10 ms). */
async function steady(options) {
  const calls = [];
  const n = seconds * 1000;
  const before = threadMicros();
  const start = performance.now();
  for (let i = 0; i < n; i += 10) {
    for (let j = 0; j < 10; j++) calls.push(retry(ok, options));
    const due = start + i + 10;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  }
  await Promise.all(calls);
  await new Promise((r) => setTimeout(r, 150)); // the last outcomes are sent
  return (threadMicros() - before) / n;
}

const base = { registry: false, maxRetries: 3 };
log(`success path: ${rounds} rounds of ${seconds} s at 1,000 calls/s per case`);
await steady({ ...base, ...policies.memory }); // warm up both paths
await steady({ ...base, ...policies.redis });
const cpu = { bare: [], memory: [], redis: [] }; // µs per call, one entry per round
let redisCalls = 0;
const commandsBefore = counted.commands;
const cases = [['bare', base], ['memory', { ...base, ...policies.memory }], ['redis', { ...base, ...policies.redis }]];
for (let r = 0; r < rounds; r++) {
  // Each round runs every case once, in an order rotated by one per round.
  for (let i = 0; i < cases.length; i++) {
    const [name, options] = cases[(i + r) % cases.length];
    globalThis.gc?.();
    const c0 = counted.commands;
    cpu[name].push(await steady(options));
    if (name === 'redis') {
      redisCalls += seconds * 1000;
      log(`  round ${r + 1}: redis ${cpu.redis.at(-1).toFixed(2)} µs per call, ${counted.commands - c0} commands`);
    }
  }
  log(`  round ${r + 1}: bare ${cpu.bare.at(-1).toFixed(2)} µs, memory ${cpu.memory.at(-1).toFixed(2)} µs`);
}
const commandsPerCall = (counted.commands - commandsBefore) / redisCalls;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

log(`budget check: ${checks} checks, one every 2 ms`);
const quantiles = async (budget) => {
  const ctx = { operationName: 'bench', attempt: 1 };
  const report = { verdict: 'failure', throttled: false, timedOut: false, durationMs: 1 };
  const ms = [];
  for (let i = 0; i < checks; i++) {
    budget.callStarted(); // keeps the budget granting
    const t0 = performance.now();
    await budget.allowRetry(ctx, report);
    ms.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 2));
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(ms.length * 0.5)], p99: ms[Math.floor(ms.length * 0.99)] };
};
const checkMemory = await quantiles(RetryBudget.ratio({ ratio: 1 }));
const checkRedis = await quantiles(RetryBudget.ratio({ name: 'check', ratio: 1, store }));

await store.close();
const keys = await client.keys(`${prefix}:*`);
if (keys.length > 0) await client.del(...keys);
client.disconnect();
probe.disconnect();

const results = {
  successPath: {
    rate: 1000,
    busyMicrosPerCall: { bare: median(cpu.bare), memory: median(cpu.memory), redis: median(cpu.redis) },
    ratioRedisToMemory: median(cpu.redis) / median(cpu.memory),
    clock: onLinux ? 'main thread CPU time (schedstat)' : 'event loop busy time',
    target: 1.2,
    rounds: { bare: cpu.bare, memory: cpu.memory, redis: cpu.redis },
  },
  commandsPerCall: { value: commandsPerCall, target: 0.1 },
  budgetCheckMs: { memory: checkMemory, redis: checkRedis, addedP50: checkRedis.p50 - checkMemory.p50, addedP99: checkRedis.p99 - checkMemory.p99 },
};
const machine = { node: process.version, cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100), date: new Date().toISOString() };
mkdirSync(here('./results'), { recursive: true });
writeFileSync(here('./results/redis.json'), JSON.stringify({ machine, rounds, seconds, checks, ...results }, null, 2) + '\n');

const us = (x) => `${x.toFixed(2)} µs`;
const ms = (x) => `${x.toFixed(3)} ms`;
const s = results.successPath;
console.log(`\nRedis store vs in-memory store (breaker + ratio budget), median of ${rounds} rounds`);
console.log('| measure | in memory | in Redis | ratio / added | target |');
console.log('|---|--:|--:|--:|--:|');
console.log(`| success path, main thread's CPU per call at 1,000 calls/s (bare retry(): ${us(s.busyMicrosPerCall.bare)}) | ${us(s.busyMicrosPerCall.memory)} | ${us(s.busyMicrosPerCall.redis)} | ${s.ratioRedisToMemory.toFixed(2)}x | <= 1.2x ${s.ratioRedisToMemory <= 1.2 ? 'met' : 'MISSED'} |`);
console.log(`| Redis commands per call | 0 | ${commandsPerCall.toFixed(4)} | | <= 0.1 ${commandsPerCall <= 0.1 ? 'met' : 'MISSED'} |`);
console.log(`| retry's budget check, p50 | ${ms(checkMemory.p50)} | ${ms(checkRedis.p50)} | +${ms(results.budgetCheckMs.addedP50)} | reported |`);
console.log(`| retry's budget check, p99 | ${ms(checkMemory.p99)} | ${ms(checkRedis.p99)} | +${ms(results.budgetCheckMs.addedP99)} | reported |`);
