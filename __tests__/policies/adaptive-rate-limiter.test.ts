import fc from 'fast-check';
import { AdaptiveRateLimiter } from '../../src/policies/adaptive-rate-limiter';
import { cubicK, cubicRate } from '../../src/policies/cubic';
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

  it('measures the send rate with smoothing over 0.5 s intervals', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock });
    await clock.advance(100);
    for (let i = 0; i < 5; i++) l.onResult(false); // 5 in [0, 0.5)
    await clock.advance(500);
    l.onResult(false); // first of [0.5, 1): closes the first interval with 6 counted
    expect(l.measuredTxRate).toBeCloseTo(0.8 * 12, 10);
    for (let i = 0; i < 4; i++) l.onResult(false);
    await clock.advance(500);
    l.onResult(false); // these 4 + this one over 0.5 s = 10/s
    expect(l.measuredTxRate).toBeCloseTo(0.8 * 10 + 0.2 * 9.6, 10);
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

  it('never goes below minFillRate, even when throttled with nothing measured', () => {
    const l = new AdaptiveRateLimiter({ clock: new ManualClock() });
    l.onResult(true);
    expect(l.fillRate).toBe(0.5);
  });

  it('paces attempts: each waits for its token, reserving it', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock });
    l.onResult(true); // 0.5 tokens/s, an empty bucket of capacity 1
    expect(l.acquire()).toBeCloseTo(2000, 9);
    expect(l.acquire()).toBeCloseTo(4000, 9);
    await clock.advance(4000);
    expect(l.acquire()).toBeCloseTo(2000, 9);
    await clock.advance(10_000);
    expect(l.acquire()).toBe(0); // the bucket refilled (to its capacity of 1)
    expect(l.acquire()).toBeCloseTo(2000, 9);
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
    l.onResult(true); // fill rate 10/s, measured 0: the rate stays at the floor
    let sent = 0;
    while (clock.now() < 10_000) {
      const wait = l.acquire();
      await clock.advance(wait);
      sent++;
    }
    expect(sent).toBeGreaterThanOrEqual(100);
    expect(sent).toBeLessThanOrEqual(102);
  });

  it('starts no timer', () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock });
    l.onResult(true);
    expect(l.acquire()).toBeGreaterThan(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps the fill rate >= minFillRate, and a throttle cuts it by beta (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('result' as const), throttled: fc.boolean(), n: fc.integer({ min: 1, max: 30 }) }),
      fc.constant({ kind: 'acquire' as const }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 5000 }) }),
    );
    let throttlesChecked = 0;
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 0.95, noNaN: true }),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        fc.array(op, { minLength: 10, maxLength: 200, size: 'max' }),
        (beta, minFillRate, ops) => {
          const clock = { t: 0, now: () => clock.t, sleep: () => Promise.resolve() };
          const l = new AdaptiveRateLimiter({ beta, minFillRate, clock });
          for (const o of ops) {
            if (o.kind === 'advance') clock.t += o.ms;
            else if (o.kind === 'acquire') {
              if (!(l.acquire() >= 0)) return false;
            } else {
              for (let i = 0; i < o.n; i++) {
                const wasEnabled = l.enabled;
                const before = l.fillRate;
                l.onResult(o.throttled);
                if (l.fillRate < minFillRate) return false;
                if (o.throttled) {
                  const base = wasEnabled ? Math.min(before, l.measuredTxRate) : l.measuredTxRate;
                  if (Math.abs(l.fillRate - Math.max(minFillRate, beta * base)) > 1e-9 * Math.max(1, base)) return false;
                  if (wasEnabled && l.fillRate > Math.max(minFillRate, beta * before) + 1e-9) return false;
                  if (wasEnabled && before * beta > minFillRate) throttlesChecked++;
                }
              }
            }
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
    expect(throttlesChecked).toBeGreaterThan(50); // cuts above the floor were exercised
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
