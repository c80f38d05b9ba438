import fc from 'fast-check';
import { AdaptiveRateLimiter } from '../../src/strategies/adaptive-rate-limiter';
import { cubicK, cubicRate } from '../../src/strategies/cubic';
import { ManualClock } from '../../src/testing/manual-clock';

/** Reports `count` unthrottled results, evenly over `ms`. */
async function steady(clock: ManualClock, limiter: AdaptiveRateLimiter, perSecond: number, ms: number): Promise<void> {
  const step = 1000 / perSecond;
  for (let t = 0; t < ms; t += step) {
    await clock.advance(step);
    limiter.onResult(false);
  }
}

describe('AdaptiveRateLimiter', () => {
  it('uses the AWS SDK adaptive mode constants as defaults', () => {
    const l = new AdaptiveRateLimiter({ clock: new ManualClock() });
    expect([l.beta, l.scaleConstant, l.smooth, l.minFillRate, l.minCapacity, l.measurementIntervalMs]).toEqual([0.7, 0.4, 0.8, 0.5, 1, 500]);
    expect(l.stats).toMatchObject({ enabled: false, fillRate: 0.5, measuredTxRate: 0 });
  });

  it('lets every attempt through at once before the first throttle', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock });
    await steady(clock, l, 100, 2000);
    for (let i = 0; i < 1000; i++) expect(l.acquire()).toBe(0);
    expect(l.enabled).toBe(false);
  });

  it('measures the send rate with smoothing over 0.5 s intervals, the first closed interval setting it', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock });
    await clock.advance(100);
    for (let i = 0; i < 5; i++) l.onResult(false); // 5 in [0, 0.5): the partial interval's rate
    expect(l.measuredTxRate).toBeCloseTo(5 / 0.1, 10);
    await clock.advance(500);
    l.onResult(false); // first of [0.5, 1): closes the first interval with 6 counted
    expect(l.measuredTxRate).toBeCloseTo(12, 10);
    for (let i = 0; i < 4; i++) l.onResult(false);
    await clock.advance(500);
    l.onResult(false); // these 4 + this one over 0.5 s = 10/s
    expect(l.measuredTxRate).toBeCloseTo(0.8 * 10 + 0.2 * 12, 10);
  });

  it('measures the first interval from the first result, not from construction', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock });
    await clock.advance(60_000); // idle since construction
    for (let i = 0; i < 20; i++) {
      l.onResult(false);
      await clock.advance(10);
    }
    expect(l.measuredTxRate).toBeCloseTo(20 / 0.19, 6);
    await clock.advance(400);
    l.onResult(false); // closes [60 s, 60.5 s): 21 over 0.5 s, not over 60.5 s
    expect(l.measuredTxRate).toBeCloseTo(42, 10);
  });

  it('a throttle before any interval has closed cuts from the partial interval (not to minFillRate)', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock });
    for (let i = 0; i < 100; i++) {
      await clock.advance(1);
      l.onResult(false);
    }
    l.onResult(true); // 101 results in 0.1 s
    expect(l.fillRate).toBeCloseTo(0.7 * 1010, 6);
    // Less than a tenth of an interval counts as a tenth: one result is not infinitely fast.
    const m = new AdaptiveRateLimiter({ clock: new ManualClock() });
    m.onResult(true);
    expect(m.fillRate).toBeCloseTo(0.7 * (1 / 0.05), 10);
  });

  it('a throttle enables pacing and cuts the rate to beta times the measured rate', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock });
    await steady(clock, l, 20, 3000);
    const measured = l.measuredTxRate;
    expect(measured).toBeGreaterThan(19);
    l.onResult(true);
    expect(l.enabled).toBe(true);
    expect(l.fillRate).toBeCloseTo(0.7 * l.measuredTxRate, 10);
    expect(l.stats.lastMaxRate).toBeCloseTo(l.measuredTxRate, 10);
  });

  it('a second throttle cuts from the lower of the fill rate and the measured rate', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock });
    await steady(clock, l, 20, 3000);
    l.onResult(true);
    const first = l.fillRate;
    l.onResult(true);
    expect(l.fillRate).toBeCloseTo(0.7 * Math.min(first, l.measuredTxRate), 10);
  });

  it('does not cut again for throttles answering attempts sent before the cut, for at most one interval', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock, minFillRate: 0.01 });
    l.onResult(true); // enabled at 14/s (20/s measured); the bucket starts empty
    await clock.advance(2000);
    for (let i = 0; i < 5; i++) expect(l.acquire()).toBe(0); // 5 attempts in flight
    await clock.advance(1000);
    l.onResult(true); // answers one of them: cuts
    const cut = l.fillRate;
    expect(cut).toBeCloseTo(0.7 * l.measuredTxRate, 10); // 2 results over 3 s
    for (let i = 0; i < 4; i++) {
      l.onResult(true); // the other 4 sent before the cut: no new cut
      expect(l.fillRate).toBe(cut);
    }
    l.onResult(true); // all answered: this throttle is news, and cuts
    expect(l.fillRate).toBeCloseTo(0.7 * cut, 10);
  });

  it('ignores throttles for old attempts only within one measurement interval of the cut', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock, minFillRate: 0.01 });
    l.onResult(true);
    await clock.advance(2000);
    for (let i = 0; i < 10; i++) expect(l.acquire()).toBe(0); // 10 in flight
    await clock.advance(1000);
    l.onResult(true);
    const cut = l.fillRate;
    await clock.advance(499);
    l.onResult(true); // within the interval, and may answer an attempt sent before the cut
    expect(l.fillRate).toBe(cut);
    await clock.advance(1);
    l.onResult(true); // an interval after the cut: cuts, though 7 old attempts are unanswered
    expect(l.fillRate).toBeLessThan(cut);
  });

  it('stats.tokens is the bucket as it stands now, before the first throttle too', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock, minFillRate: 2, minCapacity: 4 });
    expect(l.stats.tokens).toBe(0);
    await clock.advance(500);
    expect(l.stats).toMatchObject({ enabled: false, tokens: 1 }); // 2 per second for half a second
    expect(l.acquire()).toBe(0); // not paced yet: takes nothing
    await clock.advance(10_000);
    expect(l.stats.tokens).toBe(4); // full, at its capacity
  });

  it('a cut empties the bucket: no burst saved at the old rate', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock });
    await steady(clock, l, 40, 3000);
    l.onResult(true);
    await steady(clock, l, 40, 3000);
    expect(l.stats.tokens).toBeGreaterThan(10);
    await clock.advance(1000);
    l.onResult(true);
    expect(l.stats.tokens).toBe(0);
    expect(l.acquire()).toBeGreaterThan(0);
  });

  it('never goes below minFillRate, however many throttles', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock });
    for (let i = 0; i < 40; i++) {
      l.onResult(true);
      expect(l.fillRate).toBeGreaterThanOrEqual(0.5);
      await clock.advance(600);
    }
    expect(l.fillRate).toBe(0.5);
  });

  it('a positive answer takes no token; asking again after the wait takes it', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock, minFillRate: 0.5 });
    l.onResult(true); // 1 result in 0.05 s: 20/s measured, cut to 14/s; an empty bucket
    const rate = l.fillRate;
    expect(rate).toBeCloseTo(14, 10);
    const wait = l.acquire();
    expect(wait).toBeCloseTo(1000 / rate, 9);
    expect(l.stats.tokens).toBe(0);
    expect(l.stats.waiting).toBe(1);
    await clock.advance(wait / 2);
    expect(l.stats.tokens).toBeCloseTo(0.5, 9); // half a token accrued, none taken
    await clock.advance(wait / 2);
    expect(l.acquire()).toBe(0); // back on time: the token is there and it takes it
    expect(l.stats.tokens).toBeCloseTo(0, 9);
    expect(l.stats.waiting).toBe(0);
    await clock.advance(10_000);
    expect(l.stats.tokens).toBe(l.stats.maxCapacity); // the bucket refilled to its capacity
    expect(l.acquire()).toBe(0);
  });

  it('spreads many waiters out: the k-th is told to wait about k / fillRate', () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock, minFillRate: 10 });
    l.onResult(true); // 20/s measured, 14/s
    const rate = l.fillRate;
    const waits = Array.from({ length: 100 }, () => l.acquire());
    waits.forEach((w, i) => expect(w).toBeCloseTo(((i + 1) / rate) * 1000, 6));
    expect(l.stats).toMatchObject({ tokens: 0, waiting: 100 });
  });

  it('waiters who come back when told each find a token (no second wait at a steady rate), in order', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock, minFillRate: 10 });
    l.onResult(true);
    const rate = l.fillRate;
    let asks = 0;
    const order: number[] = [];
    const caller = async (id: number): Promise<void> => {
      for (let w = (asks++, l.acquire()); w > 0; w = (asks++, l.acquire())) await clock.sleep(w);
      order.push(id);
    };
    const calls: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      calls.push(caller(i));
      await clock.advance(50); // 20 arrivals/s against 14 tokens/s
    }
    await clock.runAll();
    await Promise.all(calls);
    expect(order).toEqual([...order].sort((a, b) => a - b)); // first come, first served
    expect(asks).toBeLessThanOrEqual(2 * 200);
    expect(clock.now()).toBeCloseTo((200 / rate) * 1000, -2); // at the fill rate, no faster
  });

  it('a new caller does not take the token the next waiter is due to find', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock, minFillRate: 10 });
    l.onResult(true);
    const rate = l.fillRate;
    const first = l.acquire(); // due when the first token has accrued
    await clock.advance(first - 1);
    const second = l.acquire(); // a new caller, 1 ms before: queued behind, not served
    expect(second).toBeCloseTo(1 + 1000 / rate, 6);
    await clock.advance(1);
    expect(l.acquire()).toBe(0); // the first waiter, back: its token is there
  });

  it('regrows along the CUBIC curve: back at the pre-throttle rate K seconds after', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock });
    await steady(clock, l, 40, 3000);
    l.onResult(true);
    const throttledAt = clock.now();
    const maxRate = l.stats.lastMaxRate;
    expect(l.fillRate).toBeCloseTo(0.7 * maxRate, 10);
    const k = cubicK(maxRate, 0.7, 0.4);
    // Keep the measured rate at 40/s so the 2x-measured cap does not bind.
    await steady(clock, l, 40, k * 1000 - 50);
    await clock.advance(throttledAt + k * 1000 - clock.now());
    l.onResult(false);
    expect(l.fillRate).toBeCloseTo(maxRate, 6);
    await steady(clock, l, 40, 2000);
    expect(l.fillRate).toBeCloseTo(cubicRate((clock.now() - throttledAt) / 1000, maxRate, 0.7, 0.4), 6);
    expect(l.fillRate).toBeGreaterThan(maxRate + 0.4);
  });

  it('caps the rate at twice the measured send rate', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock });
    await steady(clock, l, 40, 3000);
    l.onResult(true);
    await clock.advance(60_000); // the curve is far above; the measured rate falls
    l.onResult(false);
    expect(l.fillRate).toBeCloseTo(Math.max(0.5, 2 * l.measuredTxRate), 10);
    expect(l.fillRate).toBeLessThan(40);
  });

  it('keeps a client that honours the waits at the fill rate', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock, minFillRate: 10 });
    l.onResult(true); // 20/s measured: 14/s; no more results, so the rate stays
    let sent = 0;
    while (clock.now() < 10_000) {
      for (let wait = l.acquire(); wait > 0; wait = l.acquire()) await clock.advance(wait);
      sent++;
    }
    expect(sent).toBeGreaterThanOrEqual(140);
    expect(sent).toBeLessThanOrEqual(142);
  });

  it('starts no timer', () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock });
    l.onResult(true);
    expect(l.acquire()).toBeGreaterThan(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps the fill rate >= minFillRate; a throttle cuts by beta unless it answers an attempt sent before the last cut, within one interval; a positive answer takes no token (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('result' as const), throttled: fc.boolean(), n: fc.integer({ min: 1, max: 30 }) }),
      fc.record({ kind: fc.constant('acquire' as const), n: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 5000 }) }),
    );
    let cutsChecked = 0;
    let ignoredChecked = 0;
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 0.95, noNaN: true }),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        fc.array(op, { minLength: 10, maxLength: 200, size: 'max' }),
        (beta, minFillRate, ops) => {
          const clock = { t: 0, now: () => clock.t, sleep: () => Promise.resolve() };
          const l = new AdaptiveRateLimiter({ beta, minFillRate, clock });
          // A model of "sent before the last cut": sends, results (never more than sends).
          let sent = 0;
          let ended = 0;
          let oldLeft = 0;
          let lastCut = -Infinity;
          for (const o of ops) {
            if (o.kind === 'advance') clock.t += o.ms;
            else if (o.kind === 'acquire') {
              for (let i = 0; i < o.n; i++) {
                const tokens = l.stats.tokens;
                const wait = l.acquire();
                if (!(wait >= 0)) return false;
                if (wait > 0 && l.stats.tokens !== tokens) return false; // a positive answer takes nothing
                if (wait === 0) {
                  sent++;
                  if (l.enabled && Math.abs(l.stats.tokens - Math.max(0, tokens - 1)) > 1e-9) return false;
                }
              }
            } else {
              for (let i = 0; i < o.n; i++) {
                const wasEnabled = l.enabled;
                const before = l.fillRate;
                ended = Math.min(ended + 1, sent);
                const old = oldLeft > 0;
                if (old) oldLeft--;
                l.onResult(o.throttled);
                if (l.fillRate < minFillRate) return false;
                if (!o.throttled) continue;
                if (old && clock.t - lastCut < 500) {
                  if (l.fillRate !== before) return false; // not cut again
                  ignoredChecked++;
                  continue;
                }
                const base = wasEnabled ? Math.min(before, l.measuredTxRate) : l.measuredTxRate;
                if (Math.abs(l.fillRate - Math.max(minFillRate, beta * base)) > 1e-9 * Math.max(1, base)) return false;
                if (wasEnabled && l.fillRate > Math.max(minFillRate, beta * before) + 1e-9) return false;
                if (l.stats.tokens !== 0) return false;
                if (wasEnabled && before * beta > minFillRate) cutsChecked++;
                lastCut = clock.t;
                oldLeft = sent - ended;
              }
            }
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
    expect(cutsChecked).toBeGreaterThan(50); // cuts above the floor were exercised
    expect(ignoredChecked).toBeGreaterThan(50); // and throttles answering old attempts
  });

  it('never lets more attempts through than the fill rate added since a cut emptied the bucket (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 200, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 300 }),
        (minFillRate, gaps) => {
          const clock = { t: 0, now: () => clock.t, sleep: () => Promise.resolve() };
          const l = new AdaptiveRateLimiter({ minFillRate, clock });
          l.onResult(true); // enabled; no more results, so the rate stays
          const rate = l.fillRate;
          let sent = 0;
          for (const gap of gaps) {
            clock.t += gap;
            if (l.acquire() === 0) sent++;
            if (sent > (clock.t / 1000) * rate + 1e-6) return false; // the bucket started empty
          }
          return true;
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    [{ beta: 1 }, RangeError, 'AdaptiveRateLimiter option `beta` must be a number greater than 0 and less than 1, got 1'],
    [{ beta: '0.7' }, TypeError, '`beta` must be a number greater than 0 and less than 1, got "0.7"'],
    [{ scaleConstant: 0 }, RangeError, '`scaleConstant` must be a positive finite number, got 0'],
    [{ smooth: 0 }, RangeError, '`smooth` must be a number greater than 0 and at most 1, got 0'],
    [{ minFillRate: -1 }, RangeError, '`minFillRate` must be a positive finite number, got -1'],
    [{ minCapacity: 0.5 }, RangeError, '`minCapacity` must be a number >= 1, got 0.5'],
    [{ measurementIntervalMs: NaN }, RangeError, '`measurementIntervalMs` must be a positive finite number, got NaN'],
    [{ clock: { now: 5 } }, TypeError, '`clock` must be an object with a now() method, got an object'],
  ])('rejects %p', (options, Kind, message) => {
    expect(() => new AdaptiveRateLimiter(options as never)).toThrow(Kind);
    expect(() => new AdaptiveRateLimiter(options as never)).toThrow(message);
  });
});
