/**
 * `npm run simulate:fleet`: the fleet storm (issue 18, item 7). K worker processes
 * (K = 1, 2, 4, 8) offer 100 calls/s between them to one real HTTP dependency on loopback,
 * healthy for 4 s, fully down (503 at once) for 10 s, healthy again for 6 s. Every call goes
 * through `retry()` (maxRetries 3, full jitter from 100 ms) with one policy per run: plain
 * retries, a ratio budget per process, one ratio budget shared through Redis, a circuit
 * breaker per process, one breaker shared through Redis. Prints the table, writes
 * bench/results/fleet.json; `npx tsx bench/draw-fleet-chart.ts` draws docs/fleet.svg from it.
 *
 *   npx tsx bench/simulate-fleet.ts [--k=1,2,4,8] [--policies=plain,budget-shared,...] [--timeout-ms=50]
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { BREAKER, RETRIES, type FleetPolicy, type WorkerConfig, type WorkerReport } from './sim/fleet-worker.js';

const POLICIES: readonly FleetPolicy[] = ['plain', 'budget-local', 'budget-shared', 'breaker-local', 'breaker-shared'];
const RATE = 100;
const HEALTHY_MS = 4_000;
const OUTAGE_MS = 10_000;
const AFTER_MS = 6_000;
const BUCKET_MS = 100;
/** Probes are counted once every breaker has opened: from 3 s into the outage to its end. */
const PROBE_FROM_MS = HEALTHY_MS + 3_000;
/** Requests closer together than this belong to one half-open period. */
const PROBE_GAP_MS = BREAKER.resetTimeout / 2;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const cli = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
/** `--timeout-ms=N`: the shared store's bound on a wait; the store's default (50 ms) unless given. */
const TIMEOUT_MS = cli['timeout-ms'] === undefined ? undefined : Number(cli['timeout-ms']);

/** One run's figures. */
export interface FleetRow {
  readonly policy: FleetPolicy;
  readonly k: number;
  /**
   * Requests reaching the dependency while it is down / calls made meanwhile. A call counts when
   * its first attempt reaches the dependency (or, never sent, when it started), so calls and
   * requests are counted on one clock: a call made just before the outage whose first attempt
   * arrives just after it counts on both sides of the ratio, not only in the requests.
   */
  readonly amplification: number;
  /** Retries (a call's second attempt or later) reaching the dependency while it is down / calls made meanwhile (as above). */
  readonly retriesPerCall: number;
  /** Breakers, once open: requests reaching the dependency per half-open period (requests less than resetTimeout / 2 apart are one period's). */
  readonly probesPerReset: number | null;
  /** Breakers: the most requests of any one half-open period. */
  readonly maxProbesPerReset: number | null;
  /** Breakers: ms between the first and the last worker's opening (each worker's first). */
  readonly openSpreadMs: number | null;
  /** Breakers: ms into the outage of the first opening. */
  readonly firstOpenMs: number | null;
  /** Ms after the dependency came back until the fleet's successes are back at 90% of the offered rate (over 300 ms). */
  readonly recoveryMs: number;
  readonly fallbacks: number;
}

interface Dependency {
  readonly server: Server;
  readonly port: number;
  start(at: number): void;
  /** Requests per bucket since `start`. */
  readonly arrivals: number[];
  /** Of them, retries (a call's second attempt or later). */
  readonly retries: number[];
  /** Of them, first attempts. */
  readonly firsts: number[];
  /** When (ms since `start`) each request arrived. */
  readonly times: number[];
}

async function dependency(): Promise<Dependency> {
  const arrivals = new Array<number>(Math.ceil((HEALTHY_MS + OUTAGE_MS + AFTER_MS + 10_000) / BUCKET_MS)).fill(0);
  const retries = arrivals.slice();
  const firsts = arrivals.slice();
  const times: number[] = [];
  let startAt = Infinity;
  const server = createServer((req, res) => {
    const t = Date.now() - startAt;
    if (t >= 0 && t / BUCKET_MS < arrivals.length) {
      arrivals[Math.floor(t / BUCKET_MS)]!++;
      times.push(t);
      if (req.url!.endsWith('&attempt=1')) firsts[Math.floor(t / BUCKET_MS)]!++;
      else retries[Math.floor(t / BUCKET_MS)]!++;
    }
    res.statusCode = t >= HEALTHY_MS && t < HEALTHY_MS + OUTAGE_MS ? 503 : 200;
    res.end();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port, arrivals, retries, firsts, times, start: (at) => (startAt = at) };
}

const sum = (xs: readonly number[], from: number, to: number): number => xs.slice(Math.floor(from / BUCKET_MS), Math.floor(to / BUCKET_MS)).reduce((a, b) => a + b, 0);

function line(child: ChildProcessWithoutNullStreams, test: (l: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (process.env.FLEET_DEBUG) process.stderr.write(d);
    });
    const onData = (d: Buffer) => {
      out += d.toString();
      const found = out.split('\n').find(test);
      if (found === undefined) return;
      child.stdout.off('data', onData);
      resolve(found);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${err}`)));
  });
}

async function run(policy: FleetPolicy, k: number): Promise<FleetRow> {
  const dep = await dependency();
  const prefix = `fleet-sim-${process.pid}-${policy}-${k}`;
  const durationMs = HEALTHY_MS + OUTAGE_MS + AFTER_MS;
  const workers = Array.from({ length: k }, (_, worker) => {
    const config: WorkerConfig = { worker, policy, rate: RATE / k, port: dep.port, redisUrl, prefix, durationMs, bucketMs: BUCKET_MS, ...(TIMEOUT_MS === undefined ? {} : { timeoutMs: TIMEOUT_MS }) };
    return spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'sim/fleet-worker.ts'), JSON.stringify(config)], { stdio: 'pipe' });
  });
  try {
    await Promise.all(workers.map((w) => line(w, (l) => l === 'ready')));
    const reports = workers.map((w) => line(w, (l) => l.startsWith('{')));
    const startAt = Date.now() + 300;
    dep.start(startAt);
    for (const w of workers) w.stdin.write(`${startAt}\n`);
    const done = (await Promise.all(reports)).map((l) => JSON.parse(l) as WorkerReport);
    return figures(policy, k, done, dep);
  } finally {
    for (const w of workers) w.kill();
    dep.server.closeAllConnections();
    await new Promise((r) => dep.server.close(r));
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

/** The requests of each half-open period: `times` (sorted) split where two are `PROBE_GAP_MS` or more apart. */
function halfOpenPeriods(times: readonly number[]): number[] {
  const periods: number[] = [];
  times.forEach((t, i) => {
    if (i === 0 || t - times[i - 1]! >= PROBE_GAP_MS) periods.push(1);
    else periods[periods.length - 1]!++;
  });
  return periods;
}

function figures(policy: FleetPolicy, k: number, reports: readonly WorkerReport[], { arrivals, retries, firsts, times }: Dependency): FleetRow {
  const outageEnd = HEALTHY_MS + OUTAGE_MS;
  const offered = sum(firsts, HEALTHY_MS, outageEnd) + reports.reduce((a, r) => a + sum(r.unsent, HEALTHY_MS, outageEnd), 0);
  const load = sum(arrivals, HEALTHY_MS, outageEnd);
  const breaker = policy.startsWith('breaker');
  const periods = breaker ? halfOpenPeriods(times.filter((t) => t >= PROBE_FROM_MS && t < outageEnd)) : [];
  const firstOpens = reports.map((r) => r.opened.find((t) => t >= HEALTHY_MS)).filter((t): t is number => t !== undefined);
  const perBucket = (RATE * BUCKET_MS) / 1000;
  const succeeded = (b: number) => reports.reduce((a, r) => a + (r.succeeded[b] ?? 0), 0);
  let recovered = outageEnd / BUCKET_MS;
  // Back: 300 ms (three buckets) from here hold 90% of the calls offered in them. Summed over
  // the three, not bucket by bucket: K workers each offering a call every K * 10 ms put 2 or 3
  // of them in a 100 ms bucket, and in phase their sum alternates above and below 90%.
  while (recovered < (outageEnd + AFTER_MS) / BUCKET_MS && succeeded(recovered) + succeeded(recovered + 1) + succeeded(recovered + 2) < 0.9 * 3 * perBucket) recovered++;
  return {
    policy,
    k,
    amplification: load / offered,
    retriesPerCall: sum(retries, HEALTHY_MS, outageEnd) / offered,
    probesPerReset: breaker ? periods.reduce((a, b) => a + b, 0) / periods.length : null,
    maxProbesPerReset: breaker ? Math.max(...periods) : null,
    openSpreadMs: breaker && firstOpens.length === k ? Math.max(...firstOpens) - Math.min(...firstOpens) : null,
    firstOpenMs: breaker && firstOpens.length > 0 ? Math.min(...firstOpens) - HEALTHY_MS : null,
    recoveryMs: recovered * BUCKET_MS - outageEnd,
    fallbacks: reports.reduce((a, r) => a + r.fallbacks, 0),
  };
}

async function main(): Promise<void> {
  const args = cli;
  const ks = (args.k ?? '1,2,4,8').split(',').map(Number);
  const policies = (args.policies?.split(',') ?? POLICIES) as FleetPolicy[];
  console.log(`Fleet storm: ${RATE} calls/s offered by K workers between them, healthy ${HEALTHY_MS / 1000} s, down ${OUTAGE_MS / 1000} s, ` +
    `healthy ${AFTER_MS / 1000} s; retry(): maxRetries ${RETRIES.maxRetries}, ${RETRIES.jitter} jitter from ${RETRIES.initialDelay} ms; ` +
    `breaker: failure rate ${BREAKER.failureRateThreshold} over ${BREAKER.windowMs} ms, resetTimeout ${BREAKER.resetTimeout} ms; budget: ratio defaults\n`);
  const rows: FleetRow[] = [];
  for (const k of ks) {
    for (const policy of policies) {
      const row = await run(policy, k);
      rows.push(row);
      process.stderr.write(`  K=${k} ${policy}: amplification ${row.amplification.toFixed(3)}x, retries per call ${row.retriesPerCall.toFixed(3)}\n`);
    }
  }
  const f = (n: number | null, unit = '') => (n === null ? '-' : `${Math.round(n * 100) / 100}${unit}`);
  console.log('| policy | K | amplification | retries per call | probes per reset period (max) | all opened within | first open | recovery | store fallbacks |');
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of rows) {
    console.log(`| ${r.policy} | ${r.k} | ${r.amplification.toFixed(3)}x | ${r.retriesPerCall.toFixed(3)} | ${f(r.probesPerReset)}${r.maxProbesPerReset === null ? '' : ` (${r.maxProbesPerReset})`} | ${f(r.openSpreadMs, ' ms')} | ${f(r.firstOpenMs, ' ms')} | ${r.recoveryMs} ms | ${r.fallbacks} |`);
  }
  const machine = { node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length, loadAverage: os.loadavg(), date: new Date().toISOString() };
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'fleet.json'), JSON.stringify({
    command: `npm run simulate:fleet${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine, rate: RATE, healthyMs: HEALTHY_MS, outageMs: OUTAGE_MS, afterMs: AFTER_MS, storeTimeoutMs: TIMEOUT_MS ?? 'default (50)', rows,
  }, null, 2) + '\n');
}

if (require.main === module) void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
