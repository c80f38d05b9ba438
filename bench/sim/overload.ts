/**
 * The overload simulation for the adaptive rate limiter (issue 6, item 6), shared by
 * `bench/simulate-overload.ts` and the Jest test. Clients offer twice what a dependency
 * accepts; the dependency admits attempts through a server-side token bucket and answers
 * HTTP 429 to the rest. Every call goes through the library's real loop (`withRetry`, three
 * retries, default backoff), with no limiter, one `AdaptiveRateLimiter` shared by every
 * client, or one per client. Virtual clock (`ManualClock`, with a heap
 * of timers, as a shared limiter keeps tens of thousands of calls waiting), seeded random:
 * reproducible.
 *
 * Model:
 * - Open-loop arrivals, as in the storm simulation: `clients` clients, each starting a call
 *   every `clients / callsPerSecond` s at a seeded phase.
 * - The server: a token bucket of `capacityPerSecond` tokens per second holding at most
 *   `burst`, checked when an attempt arrives. Admitted attempts succeed after a latency in
 *   `latencyMs`; refused ones fail with a 429 after `throttleLatencyMs`.
 * - Optionally a call deadline (`timeout`): a call still waiting (on the limiter or a backoff)
 *   when it runs out gives up with reason 'timeout', as a real client would.
 */
import {
  AdaptiveRateLimiter, RetryRegistry, withRetry,
  type GiveUpReason, type RetryOptions,
} from '../../src/index.js';
import { seededRandom } from './random.js';
import { ManualClock } from '../../src/index.js';

export type LimiterMode = 'none' | 'shared' | 'per-client';

export interface OverloadParams {
  readonly clients: number;
  /** Calls offered per second by all clients together. @default 1000 (2x capacity) */
  readonly callsPerSecond: number;
  /** What the dependency accepts per second. @default 500 */
  readonly capacityPerSecond: number;
  /** Server bucket size (attempts admitted at once after a quiet spell). @default 50 */
  readonly burst: number;
  readonly durationMs: number;
  /** Goodput and throttling are measured from here to the end of the offered load. @default 10000 */
  readonly measureFromMs: number;
  readonly latencyMs: readonly [number, number];
  readonly throttleLatencyMs: number;
  readonly maxRetries: number;
  /** Call deadline in ms; undefined: none. */
  readonly timeout: number | undefined;
  readonly seed: number;
}

export const DEFAULT_OVERLOAD: OverloadParams = {
  clients: 200,
  callsPerSecond: 1000,
  capacityPerSecond: 500,
  burst: 50,
  durationMs: 60_000,
  measureFromMs: 10_000,
  latencyMs: [10, 30],
  throttleLatencyMs: 5,
  maxRetries: 3,
  timeout: undefined,
  seed: 7,
};

export interface OverloadResult {
  readonly limiter: LimiterMode;
  readonly timeout: number | undefined;
  /** Successful calls per second in the measured window, as a share of capacity. */
  readonly goodput: number;
  /** Throttled attempts / attempts sent, in the measured window. */
  readonly throttledShare: number;
  /** Attempts sent per second in the measured window, as a multiple of capacity. */
  readonly attemptRate: number;
  /** Calls offered in the whole run, and how they ended (from the registry). */
  readonly calls: number;
  readonly successes: number;
  readonly giveUpReasons: Partial<Record<GiveUpReason, number>>;
  /** Latency of successful calls ending in the measured window (ms): median, p99. */
  readonly latencyP50: number;
  readonly latencyP99: number;
  /** Calls still unfinished when the offered load stops (waiting on the limiter or a backoff). */
  readonly backlogAtEnd: number;
  /** Shared limiter only: its fill rate (attempts/s) sampled every second. */
  readonly fillRate?: number[];
  readonly timeline: { readonly attempts: number[]; readonly throttled: number[]; readonly succeeded: number[] };
  readonly wallMs: number;
}

class TooManyRequests extends Error {
  override readonly name = 'TooManyRequests';
  readonly status = 429;
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export async function runOverload(limiter: LimiterMode, overrides: Partial<OverloadParams> = {}): Promise<OverloadResult> {
  const p: OverloadParams = { ...DEFAULT_OVERLOAD, ...overrides };
  const wall0 = performance.now();
  const clock = new ManualClock(0);
  const random = seededRandom(p.seed);
  const registry = new RetryRegistry();
  const shared = limiter === 'shared' ? new AdaptiveRateLimiter({ clock }) : undefined;

  // The server's token bucket.
  let tokens = p.burst;
  let refilledAt = 0;
  const seconds = Math.ceil(p.durationMs / 1000);
  const timeline = {
    attempts: new Array<number>(seconds).fill(0),
    throttled: new Array<number>(seconds).fill(0),
    succeeded: new Array<number>(seconds).fill(0),
  };
  const bucket = (t: number): number => Math.min(seconds - 1, Math.floor(t / 1000));
  const from = p.measureFromMs;
  const to = p.durationMs;
  let sent = 0;
  let throttled = 0;
  let succeeded = 0;
  const latencies: number[] = [];
  let finished = 0;

  const [lmin, lmax] = p.latencyMs;
  const dependency = async (): Promise<string> => {
    const now = clock.now();
    tokens = Math.min(p.burst, tokens + ((now - refilledAt) / 1000) * p.capacityPerSecond);
    refilledAt = now;
    const measured = now >= from && now < to;
    if (now < to) timeline.attempts[bucket(now)]!++;
    if (measured) sent++;
    if (tokens >= 1) {
      tokens -= 1;
      await clock.sleep(lmin + Math.floor(random() * (lmax - lmin + 1)));
      return 'ok';
    }
    if (now < to) timeline.throttled[bucket(now)]!++;
    if (measured) throttled++;
    await clock.sleep(p.throttleLatencyMs);
    throw new TooManyRequests('429 Too Many Requests');
  };

  const base: RetryOptions<string> = {
    maxRetries: p.maxRetries,
    random,
    clock,
    registry,
    operationName: 'dependency',
    ...(p.timeout !== undefined ? { timeout: p.timeout } : {}),
  };
  const fillRate: number[] = [];
  const periodMs = (p.clients * 1000) / p.callsPerSecond;
  const clients: Promise<void>[] = [];
  const client = async (): Promise<void> => {
    const own = limiter === 'per-client' ? new AdaptiveRateLimiter({ clock }) : shared;
    const call = withRetry(dependency, own ? { ...base, rateLimiter: own } : base);
    await clock.sleep(Math.floor(random() * periodMs));
    while (clock.now() < p.durationMs) {
      const start = clock.now();
      call().then(
        () => {
          const end = clock.now();
          finished++;
          if (end < to) timeline.succeeded[bucket(end)]!++;
          if (end >= from && end < to) {
            succeeded++;
            latencies.push(end - start);
          }
        },
        () => void finished++,
      );
      await clock.sleep(periodMs);
    }
  };
  for (let i = 0; i < p.clients; i++) clients.push(client());
  for (let s = 0; s < seconds; s++) {
    await clock.advance(1000);
    if (shared) fillRate.push(Math.round(shared.stats.fillRate * 10) / 10);
  }
  const backlogAtEnd = registry.getStatistics().calls - finished;
  while (await clock.next());
  await Promise.all(clients);

  const stats = registry.getStatistics();
  latencies.sort((a, b) => a - b);
  const windowS = (to - from) / 1000;
  return {
    limiter,
    timeout: p.timeout,
    goodput: succeeded / windowS / p.capacityPerSecond,
    throttledShare: sent === 0 ? 0 : throttled / sent,
    attemptRate: sent / windowS / p.capacityPerSecond,
    calls: stats.calls,
    successes: stats.successes,
    giveUpReasons: stats.giveUpReasons,
    latencyP50: percentile(latencies, 0.5),
    latencyP99: percentile(latencies, 0.99),
    backlogAtEnd,
    ...(shared ? { fillRate } : {}),
    timeline,
    wallMs: Math.round(performance.now() - wall0),
  };
}
