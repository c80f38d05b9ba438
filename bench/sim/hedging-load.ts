/**
 * The load side of `npm run simulate:hedging`: forks the heavy-tailed server
 * (`heavy-tail-server.ts`), offers it a fixed rate of calls (open loop: call i starts at
 * i / rate seconds whatever became of the others), each through `send`, and measures each
 * call's latency from its start to its settlement with `performance.now()`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import type { HeavyTailModel } from './heavy-tail-server.js';

/** What the server counted. */
export interface ServerCounts {
  readonly received: number;
  readonly answered: number;
  readonly cancelled: number;
}

/** A running server process. */
export interface LatencyServer {
  readonly url: string;
  counts(): Promise<ServerCounts>;
  /** Switches the server's latency model (for instance to an overload) from now on. */
  setModel(model: Partial<HeavyTailModel>): Promise<void>;
  close(): Promise<void>;
}

/** Forks the server with `model`; resolves once it listens. */
export function startServer(model: HeavyTailModel): Promise<LatencyServer> {
  const args = Object.entries(model).map(([k, v]) => `--${k}=${v}`);
  const child: ChildProcess = fork(join(__dirname, 'heavy-tail-server.ts'), args, { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const next = <M>(): Promise<M> => new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as M));
    child.once('error', reject);
  });
  return next<{ port: number }>().then(({ port }) => ({
    url: `http://127.0.0.1:${port}/`,
    counts: () => {
      const answer = next<ServerCounts>();
      child.send('stats');
      return answer;
    },
    setModel: (model) => {
      const answer = next<string>().then(() => undefined);
      child.send({ model });
      return answer;
    },
    close: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.send('close');
    }),
  }));
}

const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

/** One GET of `url` whose request is destroyed when `signal` aborts; resolves with the body. */
export function get(url: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, signal }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** What one run measured. */
export interface LoadResult {
  /** Each call's latency in ms, in order of start; `NaN` for a call that failed. */
  readonly latencies: Float64Array;
  readonly failures: number;
  readonly wallMs: number;
  /** How late call starts were against their schedule (the client's own lag), p99, ms. */
  readonly startLagP99: number;
}

/**
 * Starts `count` calls at `rate` per second, each `send(i)`; resolves when all have settled.
 * Gives up (rejecting) if they have not after `limitMs`.
 */
export function offer(count: number, rate: number, send: (i: number) => Promise<unknown>, limitMs: number): Promise<LoadResult> {
  const latencies = new Float64Array(count);
  const lags = new Float64Array(count);
  let failures = 0;
  let started = 0;
  let settled = 0;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const limit = setTimeout(() => reject(new Error(`load: ${count - settled} calls unsettled after ${limitMs} ms`)), limitMs);
    const done = (): void => {
      clearTimeout(limit);
      const sorted = Float64Array.from(lags).sort();
      resolve({ latencies, failures, wallMs: performance.now() - t0, startLagP99: sorted[Math.floor(0.99 * (count - 1))]! });
    };
    const tick = (): void => {
      const now = performance.now();
      while (started < count && t0 + (started * 1000) / rate <= now) {
        const i = started++;
        const begin = performance.now();
        lags[i] = begin - (t0 + (i * 1000) / rate);
        send(i).then(
          () => { latencies[i] = performance.now() - begin; },
          () => { latencies[i] = NaN; failures++; },
        ).finally(() => {
          if (++settled === count) done();
        });
      }
      if (started < count) setTimeout(tick, 1);
    };
    tick();
  });
}

/** The `q` quantile (nearest rank) of the finite values of `xs`. */
export function quantile(xs: Float64Array, q: number): number {
  const sorted = xs.filter((x) => Number.isFinite(x)).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
