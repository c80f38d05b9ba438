/**
 * The policies at their boundaries: `>=` against `>` in the breaker, the budgets and the
 * window, snapshot fields, guards that only matter on misuse, the option validators' fallbacks,
 * and the limiter's waiters and bucket.
 */
import { AdaptiveRateLimiter } from '../../src/strategies/adaptive-rate-limiter.js';
import { CircuitBreaker, type CircuitStateChange } from '../../src/strategies/circuit-breaker.js';
import { cubicRate } from '../../src/strategies/cubic.js';
import { Listeners } from '../../src/strategies/listeners.js';
import { RetryBudget } from '../../src/strategies/retry-budget.js';
import { RollingWindow } from '../../src/strategies/rolling-window.js';
import { clockOption, nonNegativeNumber, openFraction, positiveInteger, positiveNumber, readOptions, unitFraction } from '../../src/strategies/validate.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

function events(breaker: CircuitBreaker): CircuitStateChange[] {
  const out: CircuitStateChange[] = [];
  breaker.onStateChange((e) => out.push(e));
  return out;
}

function fail(breaker: CircuitBreaker, n: number): void {
  for (let i = 0; i < n; i++) {
    expect(breaker.tryAcquire()).toBe(true);
    breaker.onFailure();
  }
}

function succeed(breaker: CircuitBreaker, n: number): void {
  for (let i = 0; i < n; i++) {
    expect(breaker.tryAcquire()).toBe(true);
    breaker.onSuccess();
  }
}

describe('CircuitBreaker: counters and boundaries', () => {
  it('reports the window in failure-rate mode, and zeros in consecutive mode', () => {
    const clock = new ManualClock();
    const rate = new CircuitBreaker({ failureRateThreshold: 0.9, minimumCalls: 100, clock });
    succeed(rate, 3);
    fail(rate, 2);
    expect(rate.stats).toMatchObject({ windowCalls: 5, windowFailures: 2, consecutiveFailures: 2, inFlight: 0, state: 'closed' });
    const consecutive = new CircuitBreaker({ failureThreshold: 10, clock });
    succeed(consecutive, 3);
    fail(consecutive, 2);
    expect(consecutive.stats).toMatchObject({ windowCalls: 0, windowFailures: 0, consecutiveFailures: 2 });
  });

  it('counts in-flight attempts in stats and never below 0 on unmatched reports', async () => {
    const b = new CircuitBreaker({ clock: new ManualClock() });
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(true);
    expect(b.stats.inFlight).toBe(2);
    b.onIgnored();
    b.onIgnored();
    b.onIgnored(); // one report too many
    b.onSuccess();
    b.onFailure();
    expect(b.stats.inFlight).toBe(0);
    // The extra reports did not create a phantom slot: a half-open breaker still admits.
    const clock = new ManualClock();
    const h = new CircuitBreaker({ failureThreshold: 1, resetTimeout: 10, halfOpenMaxCalls: 1, clock });
    fail(h, 1);
    h.onIgnored();
    h.onIgnored();
    await clock.advance(10);
    expect(h.tryAcquire()).toBe(true);
    expect(h.tryAcquire()).toBe(false);
  });

  it('opens at exactly failureThreshold, not one before', () => {
    const b = new CircuitBreaker({ failureThreshold: 3, clock: new ManualClock() });
    fail(b, 2);
    expect(b.state).toBe('closed');
    fail(b, 1);
    expect(b.state).toBe('open');
  });

  it('opens when the failure rate equals the threshold with exactly minimumCalls', () => {
    const b = new CircuitBreaker({ failureRateThreshold: 0.5, minimumCalls: 4, clock: new ManualClock() });
    succeed(b, 2);
    fail(b, 1);
    expect(b.state).toBe('closed'); // 3 calls < minimumCalls
    fail(b, 1);
    expect(b.state).toBe('open'); // 4 calls, rate 0.5 = threshold
    const below = new CircuitBreaker({ failureRateThreshold: 0.5, minimumCalls: 4, clock: new ManualClock() });
    succeed(below, 3);
    fail(below, 1);
    expect(below.state).toBe('closed'); // rate 0.25
  });

  it('a success in failure-rate mode is counted in the window (it lowers the rate)', () => {
    const b = new CircuitBreaker({ failureRateThreshold: 0.6, minimumCalls: 5, clock: new ManualClock() });
    succeed(b, 2);
    fail(b, 3);
    expect(b.state).toBe('open'); // exactly 0.6 over 5
    const c = new CircuitBreaker({ failureRateThreshold: 0.6, minimumCalls: 5, clock: new ManualClock() });
    succeed(c, 3);
    fail(c, 3);
    expect(c.state).toBe('closed'); // 0.5 over 6
  });

  it('says how long until half-open: 1 ms before the due time, undefined at it', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ failureThreshold: 1, resetTimeout: 100, clock });
    expect(b.retryAfterMs()).toBeUndefined(); // closed
    fail(b, 1);
    expect(b.retryAfterMs()).toBe(100);
    await clock.advance(99);
    expect(b.retryAfterMs()).toBe(1);
    expect(b.stats.retryAfterMs).toBe(1);
    await clock.advance(1);
    expect(b.retryAfterMs()).toBeUndefined();
  });

  it('an isolated circuit tells no time to retry, and isolating an open one emits nothing more', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ failureThreshold: 1, resetTimeout: 100, clock });
    const seen = events(b);
    fail(b, 1);
    expect(seen.map((e) => e.to)).toEqual(['open']);
    await clock.advance(40);
    b.isolate();
    expect(seen).toHaveLength(1);
    expect(b.retryAfterMs()).toBeUndefined();
    expect(b.stats.isolated).toBe(true);
    await clock.advance(1_000);
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    b.reset();
    expect(b.stats).toMatchObject({ state: 'closed', isolated: false });
    expect(seen.map((e) => `${e.from}>${e.to}`)).toEqual(['closed>open', 'open>closed']);
  });

  it('isolating a closed circuit opens it at once, with an event', () => {
    const clock = new ManualClock(50);
    const b = new CircuitBreaker({ clock });
    const seen = events(b);
    b.isolate();
    expect(seen).toEqual([{ from: 'closed', to: 'open', at: 50 }]);
    expect(b.tryAcquire()).toBe(false);
  });

  it('half-open: successes so far are reported, and reset to 0 when it closes', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ failureThreshold: 2, resetTimeout: 10, halfOpenMaxCalls: 2, clock });
    fail(b, 2);
    expect(b.stats.halfOpenSuccesses).toBe(0);
    await clock.advance(10);
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.onSuccess();
    expect(b.stats).toMatchObject({ state: 'half-open', halfOpenSuccesses: 1, consecutiveFailures: 0, inFlight: 1 });
    // One success holds a slot too: a third trial is still refused.
    expect(b.tryAcquire()).toBe(false);
    b.onSuccess();
    expect(b.stats).toMatchObject({ state: 'closed', halfOpenSuccesses: 0, consecutiveFailures: 0 });
  });

  it('a failed trial counts as a consecutive failure and reopens from now', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ failureThreshold: 2, resetTimeout: 10, clock });
    const seen = events(b);
    fail(b, 2);
    await clock.advance(15);
    expect(b.tryAcquire()).toBe(true);
    b.onFailure();
    expect(b.stats).toMatchObject({ state: 'open', consecutiveFailures: 3, retryAfterMs: 10 });
    expect(seen.map((e) => [e.to, e.at])).toEqual([['open', 0], ['half-open', 10], ['open', 15]]);
  });

  it('closing forgets the window in failure-rate mode, and reset on a closed breaker does too', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ failureRateThreshold: 0.5, minimumCalls: 2, resetTimeout: 5, clock });
    fail(b, 2);
    expect(b.state).toBe('open');
    await clock.advance(5);
    succeed(b, 1);
    expect(b.stats).toMatchObject({ state: 'closed', windowCalls: 0, windowFailures: 0 });
    succeed(b, 1);
    expect(b.stats.windowCalls).toBe(1);
    b.reset();
    expect(b.stats.windowCalls).toBe(0);
  });
});

describe('CircuitBreaker: reports that arrive in the wrong state', () => {
  it('a failure reported while open (an attempt admitted before it opened) neither reopens nor delays half-open', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ failureThreshold: 1, resetTimeout: 100, clock });
    const seen = events(b);
    expect(b.tryAcquire()).toBe(true); // the straggler, admitted while closed
    fail(b, 1); // opens at 0
    await clock.advance(50);
    b.onFailure(); // the straggler fails while open
    expect(seen.map((e) => [e.to, e.at])).toEqual([['open', 0]]);
    expect(b.retryAfterMs()).toBe(50);
    expect(b.stats.consecutiveFailures).toBe(1);
    await clock.advance(50);
    expect(b.state).toBe('half-open');
  });

  it('a success reported while open does not count either', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ failureRateThreshold: 0.5, minimumCalls: 2, resetTimeout: 100, clock });
    expect(b.tryAcquire()).toBe(true);
    fail(b, 2);
    expect(b.state).toBe('open');
    b.onSuccess();
    expect(b.stats).toMatchObject({ state: 'open', consecutiveFailures: 2, windowCalls: 2, windowFailures: 2 });
  });

  it('in failure-rate mode a failed trial reopens the circuit whatever the window says', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ failureRateThreshold: 0.9, minimumCalls: 2, resetTimeout: 10, clock });
    fail(b, 2);
    await clock.advance(10);
    expect(b.tryAcquire()).toBe(true);
    b.onFailure();
    expect(b.state).toBe('open');
    expect(b.stats.consecutiveFailures).toBe(3);
  });

  it("a throwing state listener's warning names the breaker", () => {
    const b = new CircuitBreaker({ failureThreshold: 1, clock: new ManualClock() });
    b.onStateChange(() => {
      throw new Error('listener bug');
    });
    const emit = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      fail(b, 1);
      expect(emit).toHaveBeenCalledTimes(1);
      expect(String(emit.mock.calls[0]![0])).toMatch(/^maestro-retry: a CircuitBreaker onStateChange listener threw: Error: listener bug/);
    } finally {
      emit.mockRestore();
    }
  });
});

describe('RetryBudget: boundaries', () => {
  it('token bucket: a retry costing exactly the tokens left is granted, the next refused', () => {
    const b = RetryBudget.tokenBucket({ capacity: 10, retryCost: 5, timeoutCost: 10 });
    expect(b.tryRetry(false)).toBe(true);
    expect(b.available).toBe(1);
    expect(b.tryRetry(false)).toBe(true);
    expect(b.tokens).toBe(0);
    expect(b.tryRetry(false)).toBe(false);
    expect(b.stats).toEqual({ tokens: 0, capacity: 10, available: 0 });
    b.onSuccess(true, true); // a retry after a timeout refunds timeoutCost
    expect(b.tokens).toBe(10);
    expect(b.tryRetry(true)).toBe(true);
    expect(b.tokens).toBe(0);
    b.onSuccess(false, true); // a first-try success refunds successRefund whatever afterTimeout says
    expect(b.tokens).toBe(1);
    expect(b.available).toBe(0);
    b.onCall();
    expect(b.tokens).toBe(1);
  });

  it('token bucket: available rounds down', () => {
    const b = RetryBudget.tokenBucket({ capacity: 14, retryCost: 5 });
    expect(b.available).toBe(2);
    expect(RetryBudget.tokenBucket({ retryCost: 0 }).available).toBe(Infinity);
    // Free retries stay Infinity even with the bucket emptied by timeouts (not 0 / 0).
    const free = RetryBudget.tokenBucket({ capacity: 10, retryCost: 0, timeoutCost: 10 });
    expect(free.tryRetry(true)).toBe(true);
    expect(free.tokens).toBe(0);
    expect(free.available).toBe(Infinity);
    expect(free.tryRetry(false)).toBe(true);
  });

  it('ratio: available rounds the headroom down and never goes below 0', () => {
    const clock = new ManualClock();
    const b = RetryBudget.ratio({ ratio: 0.5, minRetriesPerSecond: 0.15, windowMs: 10_000, clock });
    // reserve 1.5 retries: 1 available
    expect(b.reserve).toBe(1.5);
    expect(b.available).toBe(1);
    b.onCall(); // earned 0.5, below the floor: still 1 available
    expect(b.available).toBe(1);
    for (let i = 0; i < 4; i++) b.onCall(); // earned 2.5 now beats the floor: 2 available
    expect(b.available).toBe(2);
    expect(b.tryRetry(false)).toBe(true);
    expect(b.tryRetry(false)).toBe(true);
    expect(b.available).toBe(0);
    expect(b.tryRetry(false)).toBe(false);
    expect(b.stats).toEqual({ windowCalls: 5, windowRetries: 2, available: 0 });
    b.onSuccess(true, false); // no refund in this budget
    expect(b.available).toBe(0);
  });

  it('ratio: a retry needs a whole retry of headroom (0.99 is not enough)', () => {
    const b = RetryBudget.ratio({ ratio: 0.33, minRetriesPerSecond: 0, windowMs: 1_000, clock: new ManualClock() });
    for (let i = 0; i < 3; i++) b.onCall();
    expect(b.tryRetry(false)).toBe(false);
    b.onCall();
    expect(b.tryRetry(false)).toBe(true);
  });
});

describe('RollingWindow: bucket arithmetic', () => {
  it('reads older buckets by age, wrapping around the ring', () => {
    const w = new RollingWindow(100, 4, 2, 0);
    w.add(0, 1);
    w.advance(25);
    w.add(0, 2);
    w.add(1, 5);
    w.advance(50);
    w.add(0, 3);
    expect([w.at(0, 0), w.at(1, 0), w.at(2, 0), w.at(3, 0)]).toEqual([3, 2, 1, 0]);
    expect(w.at(1, 1)).toBe(5);
    expect(w.total(0)).toBe(6);
    w.advance(100); // bucket 4: the window is buckets 1-4, bucket 0 (holding 1) drops out
    expect(w.total(0)).toBe(5);
    w.advance(175); // bucket 7: 3 steps, buckets 1-3 drop out, only empty 4 stays
    expect(w.total(0)).toBe(0);
    expect(w.total(1)).toBe(0);
  });

  it('a jump of exactly the window length clears it', () => {
    const w = new RollingWindow(100, 4, 1, 0);
    w.add(0, 7);
    w.advance(100);
    expect(w.total(0)).toBe(0);
    expect(w.at(0, 0)).toBe(0);
  });

  it('starts at the bucket of the given time', () => {
    const w = new RollingWindow(100, 4, 1, 260); // bucket 10
    w.add(0);
    w.advance(299); // bucket 11: one step on, the count stays in the window
    expect(w.total(0)).toBe(1);
    expect(w.at(1, 0)).toBe(1);
  });
});

describe('policy validators: boundaries', () => {
  it.each([
    ['positiveInteger', positiveInteger, 1, [0, 1.5, -1, 2 ** 53]],
    ['positiveNumber', positiveNumber, Number.MAX_SAFE_INTEGER, [0, -1, Number.MAX_SAFE_INTEGER + 2, Infinity]],
    ['nonNegativeNumber', nonNegativeNumber, 0, [-0.001, Infinity, Number.MAX_SAFE_INTEGER + 2]],
    ['unitFraction', unitFraction, 1, [0, 1.0001, -0.5]],
    ['openFraction', openFraction, 0.999, [0, 1, 1.5]],
  ] as const)('%s accepts its edge and rejects what lies past it', (_name, check, edge, bad) => {
    expect(check('Owner', 'opt', edge, 42)).toBe(edge);
    expect(check('Owner', 'opt', undefined, 42)).toBe(42);
    for (const value of bad) {
      expect(() => check('Owner', 'opt', value, 42)).toThrow(RangeError);
      expect(() => check('Owner', 'opt', value, 42)).toThrow(/^maestro-retry: Owner option `opt` must be .+, got /);
    }
    expect(() => check('Owner', 'opt', NaN, 42)).toThrow(new RangeError(`maestro-retry: Owner option \`opt\` must be ${ruleOf(check)}, got NaN`));
    expect(() => check('Owner', 'opt', '1', 42)).toThrow(new TypeError(`maestro-retry: Owner option \`opt\` must be ${ruleOf(check)}, got "1"`));
  });

  it('readOptions refuses what is not a plain options object, naming the owner', () => {
    expect(readOptions('Owner', undefined)).toEqual({});
    for (const bad of [null, 5, 'x', [1]]) {
      expect(() => readOptions('Owner', bad as never)).toThrow(TypeError);
    }
    expect(() => readOptions('Owner', null as never)).toThrow('maestro-retry: Owner options must be an object, got null');
  });

  it('clockOption wants an object with now()', () => {
    const clock = new ManualClock();
    expect(clockOption('Owner', clock)).toBe(clock);
    expect(clockOption('Owner', undefined).now()).toBeGreaterThan(1_600_000_000_000);
    for (const bad of [null, 5, {}, { now: 1 }, () => 1]) {
      expect(() => clockOption('Owner', bad)).toThrow(TypeError);
    }
    expect(() => clockOption('Owner', {})).toThrow('maestro-retry: Owner option `clock` must be an object with a now() method, got an object');
  });
});

function ruleOf(check: unknown): string {
  switch (check) {
    case positiveInteger: return 'a positive integer';
    case positiveNumber: return 'a positive finite number';
    case nonNegativeNumber: return 'a non-negative finite number';
    case unitFraction: return 'a number greater than 0 and at most 1';
    default: return 'a number greater than 0 and less than 1';
  }
}

describe('Listeners: reporting', () => {
  it('falls back to console.warn where process.emitWarning is missing', () => {
    const l = new Listeners<number>('Thing onEvent');
    l.add(() => {
      throw new Error('boom');
    });
    const original = process.emitWarning;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      (process as { emitWarning?: unknown }).emitWarning = undefined;
      l.emit(1);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toMatch(/^maestro-retry: a Thing onEvent listener threw: Error: boom/);
    } finally {
      process.emitWarning = original;
      warn.mockRestore();
    }
  });

  it('reports a thrown non-error by its string form, with the listener-error code', () => {
    const l = new Listeners<number>('Thing onEvent');
    l.add(() => {
      throw 'plain'; // eslint-disable-line no-throw-literal
    });
    const emit = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      l.emit(1);
      expect(emit).toHaveBeenCalledWith('maestro-retry: a Thing onEvent listener threw: plain', { code: 'MAESTRO_RETRY_LISTENER_ERROR' });
    } finally {
      emit.mockRestore();
    }
  });

  it('counts its listeners and refuses a non-function, naming the source', () => {
    const l = new Listeners<number>('Thing onEvent');
    expect(l.size).toBe(0);
    const off = l.add(() => undefined);
    expect(l.size).toBe(1);
    off();
    expect(l.size).toBe(0);
    expect(() => l.add(5 as never)).toThrow(new TypeError('maestro-retry: Thing onEvent listener must be a function, got number'));
  });
});

/** A clock that moves only when `t` is set (the limiter only reads `now()`). */
function fakeClock(t = 0): { t: number; now(): number; sleep(): Promise<void> } {
  const clock = { t, now: () => clock.t, sleep: () => Promise.resolve() };
  return clock;
}

/**
 * A limiter enabled at 10 attempts/s, its bucket empty: the throttle at t = 0 is the first
 * result, counted over a tenth of the 500 ms interval (20/s measured), and beta 0.5 halves it.
 * The k-th caller told to wait then is told k * 100 ms.
 */
function limiterAt10(clock: ReturnType<typeof fakeClock>, options: { scaleConstant?: number } = {}): AdaptiveRateLimiter {
  const l = new AdaptiveRateLimiter({ beta: 0.5, clock, ...options });
  l.onResult(true);
  expect(l.stats).toMatchObject({ enabled: true, fillRate: 10, maxCapacity: 10, tokens: 0, lastMaxRate: 20 });
  return l;
}

describe('AdaptiveRateLimiter: the callers it has told to wait', () => {
  it('counts a caller told to wait until it comes back, or one measurement interval after its wait ran out', () => {
    expect(new AdaptiveRateLimiter({ clock: fakeClock() }).stats.waiting).toBe(0);
    const clock = fakeClock();
    const l = limiterAt10(clock);
    expect([l.acquire(), l.acquire(), l.acquire()]).toEqual([100, 200, 300]);
    expect(l.stats.waiting).toBe(3);
    clock.t = 250; // the first two are due, the third is not
    expect(l.stats.waiting).toBe(3);
    expect(l.acquire()).toBe(0); // the first, back: 2.5 tokens have accrued
    expect(l.stats.waiting).toBe(2);
    clock.t = 700; // the second has been due for exactly one interval: still expected back
    expect(l.stats.waiting).toBe(2);
    clock.t = 701; // more than an interval: forgotten
    expect(l.stats.waiting).toBe(1);
    clock.t = 801; // the third too
    expect(l.stats.waiting).toBe(0);
  });

  it('waiters back on time each take their token and stop being counted, while new ones queue behind them', () => {
    const clock = fakeClock();
    const l = limiterAt10(clock);
    expect([l.acquire(), l.acquire(), l.acquire(), l.acquire()]).toEqual([100, 200, 300, 400]);
    clock.t = 200;
    expect([l.acquire(), l.acquire()]).toEqual([0, 0]); // the first two, back: 2 tokens
    expect([l.acquire(), l.acquire()]).toEqual([300, 400]); // two new callers: after the 4th, 100 ms apart
    expect(l.stats.waiting).toBe(4);
    for (const t of [300, 400, 500, 600]) {
      clock.t = t;
      expect(l.acquire()).toBe(0); // the one due now, back: its token is there
      expect(l.stats.waiting).toBe((600 - t) / 100);
    }
  });

  it('a waiter back after a cut takes the token that has accrued, though another is due too; the next one back waits behind everyone', () => {
    const clock = fakeClock();
    const l = limiterAt10(clock);
    expect([l.acquire(), l.acquire(), l.acquire()]).toEqual([100, 200, 300]);
    clock.t = 50;
    l.onResult(true); // 2 results over 50 ms: 40/s measured; cut to 0.5 * min(40, 10) = 5/s
    expect(l.stats).toMatchObject({ fillRate: 5, tokens: 0 });
    clock.t = 260; // 210 ms at 5/s: 1.05 tokens; the first two are due
    expect(l.acquire()).toBe(0);
    // 0.05 left: the second waits behind the third (due at 300), one token (200 ms) after it.
    expect(l.acquire()).toBeCloseTo(300 + 200 - 260, 9);
    expect(l.stats.waiting).toBe(2);
  });

  it('a waiter back at the very time it was told, after a cut, waits just for the rest of its own token', () => {
    const clock = fakeClock();
    const l = limiterAt10(clock);
    expect(l.acquire()).toBe(100);
    clock.t = 50;
    l.onResult(true); // cut to 5/s, the bucket emptied
    clock.t = 100;
    expect(l.stats.tokens).toBeCloseTo(0.25, 12);
    expect(l.acquire()).toBeCloseTo(0.75 / 0.005, 9); // 150 ms, nobody ahead of it
    clock.t = 250;
    expect(l.acquire()).toBe(0);
  });

  it('a new caller takes a token only if the next waiter would still find its own at the current rate', () => {
    const clock = fakeClock();
    const l = limiterAt10(clock, { scaleConstant: 1e4 }); // K = cbrt(20 * 0.5 / 1e4) = 0.1 s
    expect([l.acquire(), l.acquire()]).toEqual([100, 200]);
    clock.t = 50;
    l.onResult(false); // regrowth: the CUBIC curve 50 ms after the cut (below 2 x 40/s measured)
    const rate = cubicRate(0.05, 20, 0.5, 1e4);
    expect(rate).toBeCloseTo(18.75, 9);
    expect(l.fillRate).toBeCloseTo(rate, 9);
    clock.t = 100;
    expect(l.acquire()).toBe(0); // the first waiter: 0.5 + 0.05 s * rate = 1.4375 tokens
    clock.t = 140; // 1.1875 tokens; the next waiter is due at 200, more than a token (53.3 ms) away
    expect(l.acquire()).toBe(0);
    clock.t = 190; // 1.125 tokens; taking one would leave 0.3125 at 200 for the waiter due then
    expect(l.acquire()).toBeCloseTo(200 + 1000 / rate - 190, 6);
    clock.t = 200;
    expect(l.acquire()).toBe(0);
  });

  it('keeps the count exact across more than a thousand waiters back from their wait', () => {
    const clock = fakeClock();
    const l = new AdaptiveRateLimiter({ clock, minFillRate: 10_000, minCapacity: 2_000 });
    l.onResult(true); // paced at minFillRate: 10 tokens per ms; a bucket of 2 000
    expect(l.stats).toMatchObject({ fillRate: 10_000, maxCapacity: 2_000 });
    const n = 1_100;
    const waits = Array.from({ length: n }, () => l.acquire());
    expect(Math.max(...waits.map((w, i) => Math.abs(w - (i + 1) / 10)))).toBeLessThan(1e-6); // the k-th: k / 10 ms
    clock.t = 200; // every wait ran out less than an interval ago; the bucket is full
    for (let i = 0; i < 1_050; i++) expect(l.acquire()).toBe(0);
    expect(l.stats.waiting).toBe(n - 1_050);
    for (let i = 1_050; i < n; i++) expect(l.acquire()).toBe(0);
    expect(l.stats).toMatchObject({ waiting: 0, tokens: 2_000 - n });
  });
});

describe('AdaptiveRateLimiter: the bucket', () => {
  it('a lower rate shrinks the bucket: the tokens above its new size are dropped', () => {
    const clock = fakeClock();
    const l = limiterAt10(clock);
    clock.t = 60_000; // a full bucket of 10 by now
    l.onResult(false); // closes the first interval: 2 results over 60 s; the rate is capped at twice that
    expect(l.measuredTxRate).toBeCloseTo(2 / 60, 12);
    // rate 1/15 per s: fillRate max(1/15, minFillRate 0.5), bucket max(1/15, minCapacity 1)
    expect(l.stats).toMatchObject({ fillRate: 0.5, maxCapacity: 1, tokens: 1 });
    expect(l.acquire()).toBe(0);
    expect(l.acquire()).toBeCloseTo(2_000, 9); // one token at 0.5/s
  });

  it('a clock that steps back takes no token away', () => {
    const clock = fakeClock();
    const l = limiterAt10(clock);
    clock.t = 50;
    expect(l.stats.tokens).toBeCloseTo(0.5, 12);
    clock.t = -50; // a wall clock set back 100 ms
    expect(l.stats.tokens).toBeCloseTo(0.5, 12);
    expect(l.acquire()).toBeCloseTo(50, 9); // the half token still missing, at 10/s
  });

  it('minCapacity must first be a positive number, and the message names it', () => {
    expect(() => new AdaptiveRateLimiter({ minCapacity: 0 })).toThrow(
      new RangeError('maestro-retry: AdaptiveRateLimiter option `minCapacity` must be a positive finite number, got 0'),
    );
  });
});

describe('policies: upper edges, foreign values and subclasses', () => {
  it('a resetTimeout of Number.MAX_SAFE_INTEGER is accepted and kept as written', () => {
    expect(nonNegativeNumber('Owner', 'opt', Number.MAX_SAFE_INTEGER, 42)).toBe(Number.MAX_SAFE_INTEGER);
    const b = new CircuitBreaker({ failureThreshold: 1, resetTimeout: Number.MAX_SAFE_INTEGER, clock: new ManualClock() });
    fail(b, 1);
    expect(b.retryAfterMs()).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('instanceof RetryBudget holds for the built-in budgets and subclasses only; a subclass keeps the prototype check', () => {
    class Mine extends RetryBudget {
      get available(): number {
        return 0;
      }
      onCall(): void {}
      tryRetry(): boolean {
        return false;
      }
      onSuccess(): void {}
    }
    const ratio = RetryBudget.ratio({ clock: new ManualClock() });
    const bucket = RetryBudget.tokenBucket();
    expect([ratio instanceof RetryBudget, bucket instanceof RetryBudget, new Mine() instanceof RetryBudget]).toEqual([true, true, true]);
    const lookalike = { available: 1, onCall() {}, tryRetry: () => true, onSuccess() {} };
    expect([lookalike instanceof RetryBudget, ({}) instanceof RetryBudget]).toEqual([false, false]);
    expect([ratio instanceof Mine, bucket instanceof Mine, new Mine() instanceof Mine]).toEqual([false, false, true]);
  });

  it('a listener error is reported with console.warn where there is no process at all', () => {
    const l = new Listeners<number>('Thing onEvent');
    l.add(() => {
      throw new Error('boom');
    });
    const g = globalThis as { process?: unknown };
    const original = g.process;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    let threw: unknown;
    let warned: unknown[][] = [];
    try {
      g.process = undefined;
      try {
        l.emit(1);
      } catch (error) {
        threw = error;
      }
    } finally {
      g.process = original;
      warned = [...warn.mock.calls];
      warn.mockRestore();
    }
    expect(threw).toBeUndefined();
    expect(warned).toHaveLength(1);
    expect(warned[0]![0]).toMatch(/^maestro-retry: a Thing onEvent listener threw: Error: boom/);
  });
});

describe('RollingWindow: time that moves back, and a window gone by', () => {
  it('ignores a time before its newest bucket: the counts stay where they are', () => {
    const w = new RollingWindow(100, 4, 1, 0); // buckets of 25 ms
    w.advance(125); // bucket 5
    w.add(0, 1);
    w.advance(75); // bucket 3: in the past, ignored
    w.add(0, 2); // still into bucket 5
    expect([w.at(0, 0), w.total(0)]).toEqual([3, 3]);
    w.advance(149); // bucket 5 again: nothing drops
    expect([w.at(0, 0), w.total(0)]).toEqual([3, 3]);
    w.advance(150); // bucket 6: bucket 5 is one bucket old
    expect([w.at(1, 0), w.total(0)]).toEqual([3, 3]);
  });

  it('after exactly a window of silence every total is exactly 0, fractional amounts included', () => {
    const w = new RollingWindow(100, 4, 2, 0);
    w.add(0, 0.1);
    w.advance(25);
    w.add(0, 0.2);
    w.add(1, 0.7);
    expect(w.total(0)).toBeCloseTo(0.3, 15);
    w.advance(125); // bucket 5: four buckets on, both filled buckets are out
    expect([w.total(0), w.total(1)]).toEqual([0, 0]);
    expect([0, 1, 2, 3].map((age) => w.at(age, 0))).toEqual([0, 0, 0, 0]);
  });
});
