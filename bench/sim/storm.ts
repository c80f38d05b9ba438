/**
 * The retry-storm simulation (issue 6, item 5), shared by `bench/simulate-storm.ts` and the
 * Jest test. Many clients call one dependency through the library's real loop (`withRetry`,
 * three retries, default backoff); the dependency is healthy, then fully down for a window,
 * then healthy again. Everything runs on a virtual clock with a seeded random source, so a
 * run is exactly reproducible.
 *
 * Model:
 * - Open-loop arrivals: `clients` clients, each starting one call every `clients /
 *   callsPerSecond` seconds at a seeded phase (integer ms), whatever happened to earlier
 *   calls. That is what a fleet of front ends does; a closed loop would throttle itself.
 * - Every attempt the loop lets through reaches the dependency (counted at send time) and
 *   answers after a seeded latency in [latencyMs[0], latencyMs[1]] ms: success when healthy,
 *   an HTTP 503 error (transient) when it was sent during the outage.
 * - One policy instance per configuration, shared by every client, as in production; one
 *   `RetryRegistry` per configuration collects the give-up reasons.
 */
import {
  CircuitBreaker, ManualClock, RetryBudget, RetryRegistry, withRetry,
  type CircuitStateChange, type GiveUpReason, type JitterStrategy, type RetryOptions,
} from '../../src/index.js';
import { seededRandom } from './random.js';

export interface StormParams {
  /** Independent callers. @default 200 */
  readonly clients: number;
  /** Calls offered per second by all clients together. @default 1000 */
  readonly callsPerSecond: number;
  /** Healthy time before the outage, ms. @default 20000 */
  readonly warmupMs: number;
  /** How long the dependency is fully down, ms. @default 60000 */
  readonly outageMs: number;
  /** Healthy time simulated after the outage, ms. @default 40000 */
  readonly afterMs: number;
  /** Attempt latency range, ms (integers). @default [10, 30] */
  readonly latencyMs: readonly [number, number];
  readonly maxRetries: number;
  readonly jitter: JitterStrategy;
  /** Window after the outage starts in which the retry burst is looked for, ms. @default 10000 */
  readonly burstWindowMs: number;
  readonly seed: number;
}

export const DEFAULT_STORM: StormParams = {
  clients: 200,
  callsPerSecond: 1000,
  warmupMs: 20_000,
  outageMs: 60_000,
  afterMs: 40_000,
  latencyMs: [10, 30],
  maxRetries: 3,
  jitter: 'none',
  burstWindowMs: 10_000,
  seed: 42,
};

/** The policies of one configuration, built on the run's clock. */
export interface StormPolicies {
  readonly budget?: RetryOptions['budget'];
  readonly circuitBreaker?: CircuitBreaker;
  /** When the steady-state measurement starts, relative to the outage start (ms), for budgets. */
  readonly fillMs?: number;
}

export interface StormConfig {
  readonly name: string;
  readonly description: string;
  readonly make: (clock: ManualClock) => StormPolicies;
}

export const STORM_CONFIGS: readonly StormConfig[] = [
  { name: 'plain', description: 'maxRetries 3, no policy', make: () => ({}) },
  {
    name: 'ratio budget',
    description: 'RetryBudget.ratio() defaults: ratio 0.1, minRetriesPerSecond 10, windowMs 10000',
    make: (clock) => {
      const budget = RetryBudget.ratio({ clock });
      return { budget, fillMs: budget.windowMs };
    },
  },
  {
    name: 'ratio budget, no floor',
    description: 'RetryBudget.ratio({ minRetriesPerSecond: 0 }): the ratio alone, to separate it from the floor',
    make: (clock) => {
      const budget = RetryBudget.ratio({ minRetriesPerSecond: 0, clock });
      return { budget, fillMs: budget.windowMs };
    },
  },
  {
    name: 'token bucket',
    description: 'RetryBudget.tokenBucket() defaults: capacity 500, retryCost 5, successRefund 1',
    make: () => ({ budget: RetryBudget.tokenBucket() }),
  },
  {
    name: 'breaker',
    description: 'new CircuitBreaker() defaults: 5 consecutive failures, resetTimeout 30000, halfOpenMaxCalls 1',
    make: (clock) => ({ circuitBreaker: new CircuitBreaker({ clock }) }),
  },
  {
    name: 'breaker, failure rate',
    description: 'new CircuitBreaker({ failureRateThreshold: 0.5 }): minimumCalls 20, windowMs 30000, resetTimeout 30000',
    make: (clock) => ({ circuitBreaker: new CircuitBreaker({ failureRateThreshold: 0.5, clock }) }),
  },
  {
    name: 'ratio budget + breaker',
    description: 'both of the above, defaults',
    make: (clock) => ({ budget: RetryBudget.ratio({ clock }), circuitBreaker: new CircuitBreaker({ clock }) }),
  },
];

export interface StormResult {
  readonly config: string;
  readonly description: string;
  /** Calls offered during the outage. */
  readonly outageCalls: number;
  /** Attempts that reached the dependency during the outage. */
  readonly outageAttempts: number;
  /** outageAttempts / outageCalls. */
  readonly amplification: number;
  /** Where the steady-state measurement starts, ms after the outage start, and why. */
  readonly steadyFromMs: number;
  readonly steadyFrom: 'window filled' | 'breaker tripped' | 'retries in play';
  /** Attempts / calls offered from steadyFromMs to the end of the outage. */
  readonly steadyAmplification: number;
  /** Most attempts in any 1 s within the first burstWindowMs of the outage, per offered call per second. */
  readonly burstPeak: number;
  /** When that 1 s window starts, ms after the outage start. */
  readonly burstAtMs: number;
  /** How long after the dependency recovered the last call failed (0: none failed after it), ms. */
  readonly recoveryMs: number;
  /** Calls that ended failed after the recovery. */
  readonly failedAfterRecovery: number;
  /** Breaker: ms after the outage start at which it first opened; when it closed again, ms after the recovery. */
  readonly breakerTrippedAtMs?: number;
  readonly breakerClosedAfterRecoveryMs?: number;
  readonly breakerTransitions?: number;
  /** From the configuration's registry. */
  readonly calls: number;
  readonly successes: number;
  readonly giveUpReasons: Partial<Record<GiveUpReason, number>>;
  /** Per second of simulated time: calls offered, attempts sent, calls succeeded, calls failed (by end time). */
  readonly timeline: { readonly offered: number[]; readonly attempts: number[]; readonly succeeded: number[]; readonly failed: number[] };
  /** ManualClock firings (each a batch of timers due at one instant, then one real setImmediate) and wall time of the run. */
  readonly batches: number;
  readonly wallMs: number;
}

class Unavailable extends Error {
  override readonly name = 'ServiceUnavailable';
  readonly status = 503;
}

/** Counts the sorted `times` in [from, to). */
function countIn(times: readonly number[], from: number, to: number): number {
  return lowerBound(times, to) - lowerBound(times, from);
}

function lowerBound(times: readonly number[], x: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export async function runStorm(config: StormConfig, overrides: Partial<StormParams> = {}): Promise<StormResult> {
  const p: StormParams = { ...DEFAULT_STORM, ...overrides };
  const wall0 = performance.now();
  const clock = new ManualClock(0);
  let batches = 0;
  const random = seededRandom(p.seed);
  const policies = config.make(clock);
  const registry = new RetryRegistry();
  const outStart = p.warmupMs;
  const outEnd = p.warmupMs + p.outageMs;
  const end = outEnd + p.afterMs;

  const offers: number[] = [];
  const attempts: number[] = [];
  const endTimes: number[] = [];
  const endOk: boolean[] = [];
  const transitions: CircuitStateChange[] = [];
  policies.circuitBreaker?.onStateChange((e) => transitions.push(e));

  const [lmin, lmax] = p.latencyMs;
  const dependency = async (): Promise<string> => {
    const sent = clock.now();
    attempts.push(sent);
    const down = sent >= outStart && sent < outEnd;
    await clock.sleep(lmin + Math.floor(random() * (lmax - lmin + 1)));
    if (down) throw new Unavailable('503 Service Unavailable');
    return 'ok';
  };
  const options: RetryOptions<string> = {
    maxRetries: p.maxRetries,
    jitter: p.jitter,
    random,
    clock,
    registry,
    operationName: 'dependency',
    ...(policies.budget ? { budget: policies.budget } : {}),
    ...(policies.circuitBreaker ? { circuitBreaker: policies.circuitBreaker } : {}),
  };

  const periodMs = (p.clients * 1000) / p.callsPerSecond;
  const settled: Promise<void>[] = [];
  const client = async (): Promise<void> => {
    const call = withRetry(dependency, options);
    await clock.sleep(Math.floor(random() * periodMs));
    while (clock.now() < end) {
      offers.push(clock.now());
      call().then(
        () => { endTimes.push(clock.now()); endOk.push(true); },
        () => { endTimes.push(clock.now()); endOk.push(false); },
      );
      await clock.sleep(periodMs);
    }
  };
  for (let i = 0; i < p.clients; i++) settled.push(client());
  while (await clock.next()) batches++;
  await Promise.all(settled);

  // Steady state: after the budget's window has filled, after the breaker tripped, or (plain,
  // token bucket) once the third retries are in play (1 + 2 + 4 s of backoff), rounded up to 10 s.
  const trip = transitions.find((t) => t.to === 'open' && t.at >= outStart);
  let steadyFromMs = 10_000;
  let steadyFrom: StormResult['steadyFrom'] = 'retries in play';
  if (trip !== undefined) {
    steadyFromMs = trip.at - outStart;
    steadyFrom = 'breaker tripped';
  } else if (policies.fillMs !== undefined) {
    // Plus the longest backoff (default backoff: 1 s * 2^(maxRetries-1)): a retry granted just
    // before the window filled is sent up to that much later.
    steadyFromMs = policies.fillMs + 1000 * 2 ** (p.maxRetries - 1);
    steadyFrom = 'window filled';
  }
  const outageCalls = countIn(offers, outStart, outEnd);
  const outageAttempts = countIn(attempts, outStart, outEnd);
  const steadyAmplification = countIn(attempts, outStart + steadyFromMs, outEnd) / countIn(offers, outStart + steadyFromMs, outEnd);

  // The retry burst: the busiest 1 s (sliding in 100 ms steps) in the first burstWindowMs.
  let burstPeak = 0;
  let burstAtMs = 0;
  for (let from = outStart; from + 1000 <= outStart + p.burstWindowMs; from += 100) {
    const perSecond = countIn(attempts, from, from + 1000);
    if (perSecond > burstPeak) {
      burstPeak = perSecond;
      burstAtMs = from - outStart;
    }
  }

  // Recovery: the last call that failed after the dependency came back (calls end in time order).
  let recoveryMs = 0;
  let failedAfterRecovery = 0;
  for (let i = 0; i < endTimes.length; i++) {
    if (!endOk[i] && endTimes[i]! >= outEnd) {
      failedAfterRecovery++;
      recoveryMs = Math.max(recoveryMs, endTimes[i]! - outEnd);
    }
  }

  const seconds = Math.ceil(end / 1000) + 10;
  const series = (): number[] => new Array<number>(seconds).fill(0);
  const timeline = { offered: series(), attempts: series(), succeeded: series(), failed: series() };
  for (const t of offers) timeline.offered[Math.floor(t / 1000)]!++;
  for (const t of attempts) timeline.attempts[Math.floor(t / 1000)]!++;
  endTimes.forEach((t, i) => (endOk[i] ? timeline.succeeded : timeline.failed)[Math.floor(t / 1000)]!++);
  while (timeline.offered.length > 0 && timeline.attempts[timeline.attempts.length - 1] === 0 &&
    timeline.succeeded[timeline.succeeded.length - 1] === 0 && timeline.failed[timeline.failed.length - 1] === 0) {
    for (const s of Object.values(timeline)) s.pop();
  }

  const stats = registry.getStatistics();
  const closed = transitions.find((t) => t.to === 'closed' && t.at >= outEnd);
  return {
    config: config.name,
    description: config.description,
    outageCalls,
    outageAttempts,
    amplification: outageAttempts / outageCalls,
    steadyFromMs,
    steadyFrom,
    steadyAmplification,
    burstPeak: burstPeak / p.callsPerSecond,
    burstAtMs,
    recoveryMs,
    failedAfterRecovery,
    ...(policies.circuitBreaker
      ? {
          breakerTrippedAtMs: trip === undefined ? undefined : trip.at - outStart,
          breakerClosedAfterRecoveryMs: closed === undefined ? undefined : closed.at - outEnd,
          breakerTransitions: transitions.length,
        }
      : {}),
    calls: stats.calls,
    successes: stats.successes,
    giveUpReasons: stats.giveUpReasons,
    timeline,
    batches,
    wallMs: Math.round(performance.now() - wall0),
  };
}
