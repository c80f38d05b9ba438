/**
 * Issue 8, item 4: no leaks. Whatever way a call ends (success, failure, the caller's signal
 * mid-delay or mid-attempt, an attempt timeout, the call's deadline mid-attempt or mid-delay),
 * once it has settled it leaves nothing behind:
 *
 * - no timer: `jest.getTimerCount()` with the system clock under Jest's fake timers,
 *   `clock.pendingTimers` with a `ManualClock`;
 * - no listener on the caller's `AbortSignal` (`getEventListeners(signal, 'abort')`);
 * - no pending promise of the library's: the call's promise settles, and a promise hook that
 *   follows every promise created while the call runs finds none left pending but the test's
 *   own and those chained to a user function that never settles (see `PromiseWatch`);
 * - no held slot: the registry's `inFlight` is back to 0 and the breaker's `stats.inFlight`
 *   too, so a later trial or call is not refused because of this one.
 *
 * Each scenario runs with and without policies (a shared `CircuitBreaker`, a `RetryBudget` and
 * an `AdaptiveRateLimiter`), and on both clocks.
 */
import { createHook } from 'node:async_hooks';
import { getEventListeners } from 'node:events';
import { retry } from '../../src/api/retry.js';
import { withRetry } from '../../src/api/with-retry.js';
import type { RetryOptions } from '../../src/engine/options.js';
import type { Clock } from '../../src/engine/clock.js';
import type { AttemptContext, GiveUpReason } from '../../src/engine/types.js';
import { isAttemptTimeoutError } from '../../src/errors/attempt-timeout-error.js';
import { isRetryTimeoutError } from '../../src/errors/retry-timeout-error.js';
import { AdaptiveRateLimiter } from '../../src/strategies/adaptive-rate-limiter.js';
import { CircuitBreaker } from '../../src/strategies/circuit-breaker.js';
import { RetryBudget } from '../../src/strategies/retry-budget.js';
import type { TokenBucketRetryBudget } from '../../src/strategies/token-bucket-retry-budget.js';
import { RetryRegistry } from '../../src/registry/retry-registry.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { networkError } from '../helpers/drive.js';

/** One way of keeping time: what a call is given, how the test moves time and counts timers. */
interface TimeEnv {
  readonly name: string;
  /** The `clock` option (`undefined`: the system clock, under Jest's fake timers). */
  readonly clock: Clock | undefined;
  /** The clock the policies read. */
  readonly policyClock: Clock;
  /** Timers pending. */
  pending(): number;
  /** Moves time forward by `ms`, running what falls due and the reactions it triggers. */
  advance(ms: number): Promise<void>;
}

function manualEnv(): TimeEnv {
  const clock = new ManualClock(1_000_000);
  return {
    name: 'ManualClock',
    clock,
    policyClock: clock,
    pending: () => clock.pendingTimers,
    advance: (ms) => clock.advance(ms),
  };
}

function fakeTimersEnv(): TimeEnv {
  // The library's system clock reads `performance.now()` and calls the global `setTimeout` at
  // call time, both of which Jest's modern fake timers replace.
  const clock: Clock = { now: () => performance.timeOrigin + performance.now(), sleep: () => Promise.reject(new Error('unused')) };
  return {
    name: 'system clock + jest fake timers',
    clock: undefined,
    policyClock: clock,
    pending: () => jest.getTimerCount(),
    advance: async (ms) => {
      await jest.advanceTimersByTimeAsync(ms);
    },
  };
}

/**
 * Follows every promise created between `start()` and `stop()` (by the library, the function
 * under test, or the test) and reports those still pending. Promises the test knows to stay
 * pending by design (a function that ignores its signal never settles) are counted by the
 * scenario and subtracted.
 */
class PromiseWatch {
  readonly #pending = new Set<number>();
  readonly #hook = createHook({
    init: (id, type) => {
      if (type === 'PROMISE') this.#pending.add(id);
    },
    promiseResolve: (id) => {
      this.#pending.delete(id);
    },
  });
  start(): void {
    this.#pending.clear();
    this.#hook.enable();
  }
  /** Stops watching; returns how many promises created meanwhile are still pending. */
  stop(): number {
    this.#hook.disable();
    return this.#pending.size;
  }
}

interface Policies {
  readonly breaker: CircuitBreaker;
  readonly budget: TokenBucketRetryBudget;
  readonly limiter: AdaptiveRateLimiter;
}

function policiesFor(env: TimeEnv): Policies {
  return {
    breaker: new CircuitBreaker({ failureThreshold: 100, clock: env.policyClock }),
    budget: RetryBudget.tokenBucket({ capacity: 100 }),
    limiter: new AdaptiveRateLimiter({ clock: env.policyClock }),
  };
}

/** A function that never settles and ignores its signal (the worst case for the library). */
const hang = (): Promise<never> => new Promise<never>(() => undefined);

/** A function that never settles on its own but rejects when its attempt's signal aborts. */
const hangUntilAborted = ({ signal }: AttemptContext): Promise<never> =>
  new Promise<never>((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

interface Outcome {
  settled: boolean;
  ok?: boolean;
  value?: unknown;
  error?: unknown;
}

function observe(promise: Promise<unknown>): Outcome {
  const outcome: Outcome = { settled: false };
  promise.then(
    (value) => Object.assign(outcome, { settled: true, ok: true, value }),
    (error: unknown) => Object.assign(outcome, { settled: true, ok: false, error }),
  );
  return outcome;
}

interface Scenario {
  readonly name: string;
  /**
   * Starts one call with `options` (clock, registry, signal and policies already in) and moves
   * time as the scenario says; returns the call's outcome once it must have settled.
   */
  run(env: TimeEnv, options: RetryOptions, controller: AbortController): Promise<{ outcome: Outcome; expectReason: GiveUpReason | 'success' }>;
  /**
   * Promises that stay pending by design: 2 per attempt whose function never settles (its
   * promise, and the reaction the library attached to it).
   */
  readonly userPending: number;
  /** Check the outcome beyond "settled". */
  check(outcome: Outcome, controller: AbortController): void;
}

const ABORT_REASON = new Error('caller gave up');

const scenarios: Scenario[] = [
  {
    name: 'success on the first attempt',
    userPending: 0,
    async run(_env, options) {
      const outcome = observe(retry(async () => 'ok', { ...options, attemptTimeout: 1_000, timeout: 5_000 }));
      await _env.advance(0);
      return { outcome, expectReason: 'success' };
    },
    check: (o) => expect(o).toMatchObject({ ok: true, value: 'ok' }),
  },
  {
    name: 'success after two retries',
    userPending: 0,
    async run(env, options) {
      let n = 0;
      const outcome = observe(retry(async () => {
        if (++n < 3) throw networkError();
        return n;
      }, { ...options, initialDelay: 100, attemptTimeout: 1_000, timeout: 5_000 }));
      await env.advance(100);
      await env.advance(200);
      return { outcome, expectReason: 'success' };
    },
    check: (o) => expect(o).toMatchObject({ ok: true, value: 3 }),
  },
  {
    name: 'failure: retries exhausted',
    userPending: 0,
    async run(env, options) {
      const outcome = observe(retry(async () => {
        throw networkError();
      }, { ...options, maxRetries: 2, initialDelay: 100, attemptTimeout: 1_000, timeout: 5_000 }));
      await env.advance(300);
      return { outcome, expectReason: 'exhausted' };
    },
    check: (o) => expect(o).toMatchObject({ ok: false, error: expect.objectContaining({ code: 'ECONNRESET' }) }),
  },
  {
    name: 'failure: a non-retryable error',
    userPending: 0,
    async run(env, options) {
      const outcome = observe(retry(async () => {
        throw new TypeError('bad input');
      }, { ...options, attemptTimeout: 1_000, timeout: 5_000 }));
      await env.advance(0);
      return { outcome, expectReason: 'non-retryable' };
    },
    check: (o) => expect(o).toMatchObject({ ok: false, error: expect.any(TypeError) }),
  },
  {
    name: 'caller aborts mid-delay',
    userPending: 0,
    async run(env, options, controller) {
      const outcome = observe(retry(async () => {
        throw networkError();
      }, { ...options, initialDelay: 1_000, timeout: 60_000 }));
      await env.advance(400);
      expect(outcome.settled).toBe(false);
      expect(env.pending()).toBeGreaterThan(0);
      controller.abort(ABORT_REASON);
      await env.advance(0);
      return { outcome, expectReason: 'aborted' };
    },
    check: (o) => expect(o).toMatchObject({ ok: false, error: ABORT_REASON }),
  },
  {
    name: 'caller aborts mid-attempt (the function honours its signal)',
    userPending: 0,
    async run(env, options, controller) {
      const outcome = observe(retry(hangUntilAborted, { ...options, attemptTimeout: 10_000, timeout: 60_000 }));
      await env.advance(500);
      expect(outcome.settled).toBe(false);
      controller.abort(ABORT_REASON);
      await env.advance(0);
      return { outcome, expectReason: 'aborted' };
    },
    check: (o) => expect(o).toMatchObject({ ok: false, error: ABORT_REASON }),
  },
  {
    name: 'caller aborts mid-attempt (the function ignores its signal and never settles)',
    userPending: 2,
    async run(env, options, controller) {
      const outcome = observe(retry(hang, { ...options, attemptTimeout: 10_000, timeout: 60_000 }));
      await env.advance(500);
      controller.abort(ABORT_REASON);
      await env.advance(0);
      return { outcome, expectReason: 'aborted' };
    },
    check: (o) => expect(o).toMatchObject({ ok: false, error: ABORT_REASON }),
  },
  {
    name: 'attempt timeouts on every attempt (the function ignores its signal)',
    userPending: 6,
    async run(env, options) {
      const outcome = observe(retry(hang, { ...options, maxRetries: 2, initialDelay: 100, attemptTimeout: 1_000 }));
      await env.advance(1_000 + 100 + 1_000 + 200 + 1_000);
      return { outcome, expectReason: 'exhausted' };
    },
    check: (o) => {
      expect(o.ok).toBe(false);
      expect(isAttemptTimeoutError(o.error)).toBe(true);
    },
  },
  {
    name: 'attempt timeout, then success',
    userPending: 0,
    async run(env, options) {
      let n = 0;
      const outcome = observe(retry((ctx) => (++n === 1 ? hangUntilAborted(ctx) : Promise.resolve('second')), {
        ...options, initialDelay: 100, attemptTimeout: 1_000, timeout: 60_000,
      }));
      await env.advance(1_000);
      await env.advance(100);
      return { outcome, expectReason: 'success' };
    },
    check: (o) => expect(o).toMatchObject({ ok: true, value: 'second' }),
  },
  {
    name: 'deadline mid-attempt (the function honours its signal)',
    userPending: 0,
    async run(env, options) {
      const outcome = observe(retry(hangUntilAborted, { ...options, timeout: 2_000 }));
      await env.advance(2_000);
      return { outcome, expectReason: 'timeout' };
    },
    check: (o) => {
      expect(o.ok).toBe(false);
      expect(isRetryTimeoutError(o.error)).toBe(true);
    },
  },
  {
    name: 'deadline mid-attempt (the function ignores its signal)',
    userPending: 2,
    async run(env, options) {
      const outcome = observe(retry(hang, { ...options, timeout: 2_000, attemptTimeout: 5_000 }));
      await env.advance(2_000);
      return { outcome, expectReason: 'timeout' };
    },
    check: (o) => {
      expect(o.ok).toBe(false);
      expect(isRetryTimeoutError(o.error)).toBe(true);
    },
  },
  {
    name: 'deadline mid-delay (a slow onRetry pushed the delay past it)',
    userPending: 0,
    async run(env, options) {
      const wait = (ms: number): Promise<void> => new Promise((resolve) => void (env.clock ?? { sleep: (t: number) => new Promise((r) => setTimeout(r, t)) }).sleep(ms).then(resolve));
      const outcome = observe(retry(async () => {
        throw networkError();
      }, {
        ...options,
        initialDelay: 1_000,
        timeout: 1_500,
        // The delay fits the deadline when decided (0 + 1000 < 1500); the hook then takes 800 ms,
        // so the deadline falls 700 ms into the delay.
        onRetry: () => wait(800),
      }));
      await env.advance(800);
      expect(outcome.settled).toBe(false);
      await env.advance(700);
      return { outcome, expectReason: 'timeout' };
    },
    check: (o) => {
      expect(o.ok).toBe(false);
      expect(isRetryTimeoutError(o.error)).toBe(true);
    },
  },
  {
    name: 'deadline reached while a delay would pass it (gives up at once, no timer armed)',
    userPending: 0,
    async run(env, options) {
      const outcome = observe(retry(async () => {
        throw networkError();
      }, { ...options, initialDelay: 1_000, timeout: 900 }));
      await env.advance(0);
      return { outcome, expectReason: 'timeout' };
    },
    check: (o) => {
      expect(o.ok).toBe(false);
      expect(isRetryTimeoutError(o.error)).toBe(true);
    },
  },
];

const envs: Array<{ name: string; make: () => TimeEnv; fake: boolean }> = [
  { name: 'ManualClock', make: manualEnv, fake: false },
  { name: 'system clock under Jest fake timers', make: fakeTimersEnv, fake: true },
];

describe.each(envs)('an ended call leaves nothing behind ($name)', ({ make, fake }) => {
  beforeEach(() => {
    if (fake) jest.useFakeTimers();
  });
  afterEach(() => {
    if (fake) jest.useRealTimers();
  });

  describe.each([
    { policies: false, label: 'no policy' },
    { policies: true, label: 'breaker + budget + rate limiter' },
  ])('$label', ({ policies }) => {
    it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
      const env = make();
      const registry = new RetryRegistry();
      const controller = new AbortController();
      const shared = policies ? policiesFor(env) : undefined;
      const options: RetryOptions = {
        operationName: 'leaky?',
        registry,
        signal: controller.signal,
        ...(env.clock !== undefined ? { clock: env.clock } : {}),
        ...(shared !== undefined ? { circuitBreaker: shared.breaker, budget: shared.budget, rateLimiter: shared.limiter } : {}),
      };
      const watch = new PromiseWatch();
      // Warm-up: the first watch in a test also catches a few promises of Jest's own (made
      // around the test function as it starts); a second one sees only what runs inside it.
      watch.start();
      await env.advance(0);
      watch.stop();
      watch.start();
      let stillPending: number;
      let outcome: Outcome;
      let expectReason: GiveUpReason | 'success';
      try {
        ({ outcome, expectReason } = await scenario.run(env, options, controller));
        // Let every reaction to the settlement run.
        await env.advance(0);
      } finally {
        stillPending = watch.stop();
      }

      expect(outcome.settled).toBe(true);
      scenario.check(outcome, controller);
      // No timer, no listener, no promise left.
      expect(env.pending()).toBe(0);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      // Pending now: this test function's own promise (it is still running), and for each
      // attempt whose function never settles, that function's promise and the one reaction the
      // library hung on it (a promise cannot drop a reaction; both go when the user's promise
      // is collected). Nothing else: every promise the library made for the call has settled.
      expect(stillPending).toBe(1 + scenario.userPending);

      // No slot held: the registry and the breaker have nothing in flight.
      const stats = registry.getStatistics('leaky?').operations['leaky?']!;
      expect(stats.inFlight).toBe(0);
      expect(stats.calls).toBe(1);
      if (expectReason === 'success') {
        expect(stats.successes).toBe(1);
      } else {
        expect(stats.giveUpReasons).toEqual({ [expectReason]: 1 });
      }
      if (shared !== undefined) {
        expect(shared.breaker.stats.inFlight).toBe(0);
        expect(shared.breaker.state).toBe('closed');
        // Nothing charged to the budget is stuck: every retry it granted was made or cut short.
        expect(shared.budget.tokens).toBeLessThanOrEqual(shared.budget.capacity);
      }

      // Aborting now changes nothing and reaches no listener of the library's.
      controller.abort(new Error('late'));
      await env.advance(0);
      expect(env.pending()).toBe(0);
    });
  });
});

describe('a long-lived caller signal shared by many calls collects no listeners', () => {
  it('1,000 settled calls on one signal leave it with no abort listener, on either clock', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const registry = new RetryRegistry();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 10_000 });
    const calls: Array<Promise<unknown>> = [];
    for (let i = 0; i < 1_000; i++) {
      let n = 0;
      calls.push(retry(async () => {
        if (++n === 1 && i % 2 === 0) throw networkError();
        if (i % 7 === 0) throw new TypeError('permanent');
        return i;
      }, { clock, registry, signal: controller.signal, circuitBreaker: breaker, initialDelay: 10, timeout: 1_000, attemptTimeout: 100 }).catch(() => undefined));
    }
    await clock.runAll();
    await Promise.all(calls);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(clock.pendingTimers).toBe(0);
    expect(breaker.stats.inFlight).toBe(0);
    expect(registry.getStatistics().operations['anonymous']?.inFlight).toBe(0);
  });

  it('a withRetry wrapper aborted mid-delay under fake timers clears its timers and listener', async () => {
    jest.useFakeTimers();
    try {
      const controller = new AbortController();
      const registry = new RetryRegistry();
      const wrapped = withRetry(async (x: number): Promise<number> => {
        throw networkError(`no ${x}`);
      }, { registry, signal: controller.signal, initialDelay: 5_000, timeout: 100_000, attemptTimeout: 1_000 });
      const outcome = observe(wrapped(1));
      await jest.advanceTimersByTimeAsync(1_000);
      expect(jest.getTimerCount()).toBeGreaterThan(0);
      controller.abort(ABORT_REASON);
      await jest.advanceTimersByTimeAsync(0);
      expect(outcome).toMatchObject({ settled: true, ok: false, error: ABORT_REASON });
      expect(jest.getTimerCount()).toBe(0);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
