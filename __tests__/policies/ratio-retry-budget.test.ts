import fc from 'fast-check';
import { RatioRetryBudget } from '../../src/strategies/ratio-retry-budget';
import { ManualClock } from '../../src/testing/manual-clock';
import { countBetween } from '../helpers/sorted';

function grantsInARow(budget: RatioRetryBudget, max = 10_000): number {
  let n = 0;
  while (n < max && budget.tryRetry()) n++;
  return n;
}

function calls(budget: RatioRetryBudget, n: number): void {
  for (let i = 0; i < n; i++) budget.onCall();
}

describe('RatioRetryBudget', () => {
  it('uses the documented defaults', () => {
    const b = new RatioRetryBudget({ clock: new ManualClock() });
    expect([b.ratio, b.minRetriesPerSecond, b.windowMs, b.reserve]).toEqual([0.1, 10, 10_000, 100]);
  });

  it('grants minRetriesPerSecond * window seconds retries with no calls at all', () => {
    const b = new RatioRetryBudget({ clock: new ManualClock() });
    expect(b.available).toBe(100);
    expect(grantsInARow(b)).toBe(100);
    expect(b.tryRetry()).toBe(false);
  });

  it('grants the larger of ratio x calls and the floor, not their sum', () => {
    const b = new RatioRetryBudget({ ratio: 0.1, minRetriesPerSecond: 1, windowMs: 10_000, clock: new ManualClock() });
    calls(b, 50);
    expect(b.available).toBe(10); // the floor: 1/s x 10 s beats 0.1 x 50 = 5
    calls(b, 150);
    expect(b.available).toBe(20); // the ratio: 0.1 x 200 beats the floor of 10
    expect(grantsInARow(b)).toBe(20);
  });

  it('refuses every retry with ratio 0 and no floor', () => {
    const b = new RatioRetryBudget({ ratio: 0, minRetriesPerSecond: 0, clock: new ManualClock() });
    calls(b, 1000);
    expect(b.tryRetry()).toBe(false);
  });

  it('ignores afterTimeout: a retry after a timeout costs the same', () => {
    const b = new RatioRetryBudget({ ratio: 0.5, minRetriesPerSecond: 0, clock: new ManualClock() });
    calls(b, 4);
    expect([b.tryRetry(true), b.tryRetry(true), b.tryRetry(true)]).toEqual([true, true, false]);
  });

  it('grants again once the retries have left the window and the bucket kept after it', async () => {
    const clock = new ManualClock();
    const b = new RatioRetryBudget({ ratio: 1, minRetriesPerSecond: 0, windowMs: 10_000, clock });
    calls(b, 10);
    expect(grantsInARow(b)).toBe(10);
    await clock.advance(10_000);
    expect(b.stats).toMatchObject({ windowCalls: 0, windowRetries: 0 }); // out of the window...
    calls(b, 10);
    expect(b.tryRetry()).toBe(false); // ...but 10 s from 0.999 s would hold those 10 retries and more for these 10 calls
    await clock.advance(1_000);
    calls(b, 10);
    expect(grantsInARow(b)).toBe(10);
  });

  it('gives an outage as long as the window one window of retries, not a burst at each end', async () => {
    const clock = new ManualClock();
    const b = new RatioRetryBudget({ clock }); // defaults: 10% of calls, a floor of 100 retries per 10 s
    let inOutage = 0;
    let outageCalls = 0;
    for (let ms = 0; ms < 40_000; ms += 10) {
      await clock.advance(10);
      b.onCall(); // 100 calls/s
      const down = ms >= 20_500 && ms < 30_500; // starts in the middle of a bucket
      if (down) outageCalls++;
      if (down) for (let r = 0; r < 3 && b.tryRetry(); r++) inOutage++;
    }
    expect(outageCalls).toBe(1000);
    expect(inOutage).toBe(100); // 1.1x load; without the kept bucket the burst leaves the window at 30 s and comes back
  });

  it('does not let calls about to leave the window pay for a burst now', async () => {
    const clock = new ManualClock();
    const b = new RatioRetryBudget({ ratio: 0.5, minRetriesPerSecond: 0, windowMs: 10_000, clock });
    calls(b, 10);
    await clock.advance(9_000);
    // The window [9s, 19s) will hold these retries but not the calls made at 0.
    expect(b.tryRetry()).toBe(false);
    calls(b, 2);
    expect(grantsInARow(b)).toBe(1);
  });

  it('settles at 10/11 of ratio of the calls under a steady full outage', async () => {
    const clock = new ManualClock();
    const b = new RatioRetryBudget({ clock });
    let offered = 0;
    let granted = 0;
    for (let ms = 0; ms < 64_000; ms += 10) {
      await clock.advance(10);
      b.onCall(); // 100 calls/s, each failing and wanting 3 retries
      offered++;
      for (let r = 0; r < 3 && b.tryRetry(); r++) if (ms >= 20_000) granted++;
    }
    expect(offered).toBe(6400);
    // After the window has filled: 100 retries per 11 s (the window and the bucket kept after
    // it, over 44 s here), the ratio (0.1 x 100 calls/s) and the floor (10/s) being equal; the
    // floor is a minimum, not added to the ratio.
    expect(granted).toBe(400);
  });

  it('reports its window in stats', () => {
    const b = new RatioRetryBudget({ ratio: 0.1, minRetriesPerSecond: 0, clock: new ManualClock() });
    calls(b, 50);
    b.tryRetry();
    expect(b.stats).toEqual({ windowCalls: 50, windowRetries: 1, available: 4 });
  });

  it('starts no timer', () => {
    const clock = new ManualClock();
    const b = new RatioRetryBudget({ clock });
    b.onCall();
    b.tryRetry();
    expect(clock.pendingTimers).toBe(0);
  });

  it('never grants more than max(ratio * calls, minRetriesPerSecond * window) in any span of the window (property)', () => {
    type Op = { kind: 'call'; n: number } | { kind: 'retry'; n: number } | { kind: 'advance'; ms: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('call' as const), n: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ kind: fc.constant('retry' as const), n: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 4000 }) }),
    );
    let refusals = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(0, 0.1, 0.5, 1, 2),
        fc.constantFrom(0, 0.5, 1, 10),
        fc.constantFrom(1000, 5000, 10_000),
        fc.array(op, { minLength: 10, maxLength: 150, size: 'max' }),
        (ratio, minRetriesPerSecond, windowMs, ops) => {
          const clock = { t: 0, now: () => clock.t, sleep: () => Promise.resolve() };
          const b = new RatioRetryBudget({ ratio, minRetriesPerSecond, windowMs, clock });
          const callTimes: number[] = [];
          const grantTimes: number[] = [];
          for (const o of ops) {
            if (o.kind === 'advance') clock.t += o.ms;
            else if (o.kind === 'call') for (let i = 0; i < o.n; i++, b.onCall()) callTimes.push(clock.t);
            else for (let i = 0; i < o.n; i++) if (b.tryRetry()) grantTimes.push(clock.t);
              else refusals++;
          }
          // Every span of windowMs, wherever it starts (the worst ones start at a grant or on a
          // bucket boundary), counting the calls from the start of its first bucket.
          // Times only move forward here, so both lists are sorted: count by binary search.
          const width = windowMs / 10;
          const bound = (from: number) => {
            const granted = countBetween(grantTimes, from, from + windowMs);
            const paid = countBetween(callTimes, Math.floor(from / width) * width, from + windowMs);
            return Math.max(ratio * paid, (minRetriesPerSecond * windowMs) / 1000) + 1e-9 >= granted;
          };
          for (let from = -windowMs; from <= clock.t; from += width) if (!bound(from)) return false;
          for (const from of grantTimes) if (!bound(from)) return false;
          return true;
        },
      ),
      { numRuns: 300 },
    );
    expect(refusals).toBeGreaterThan(1000); // the generator does push the budget to its limit
  });

  it.each([
    [{ ratio: -0.1 }, RangeError, 'RetryBudget.ratio option `ratio` must be a non-negative finite number, got -0.1'],
    [{ ratio: '0.1' }, TypeError, '`ratio` must be a non-negative finite number, got "0.1"'],
    [{ minRetriesPerSecond: NaN }, RangeError, '`minRetriesPerSecond` must be a non-negative finite number, got NaN'],
    [{ windowMs: 0 }, RangeError, '`windowMs` must be a positive finite number, got 0'],
    [{ windowMs: Infinity }, RangeError, 'got Infinity'],
    [{ clock: Date }, TypeError, '`clock` must be an object with a now() method, got function Date'],
  ])('rejects %p', (options, Kind, message) => {
    expect(() => new RatioRetryBudget(options as never)).toThrow(Kind);
    expect(() => new RatioRetryBudget(options as never)).toThrow(message);
  });
});
