import fc from 'fast-check';
import { LatencyEstimate } from '../../src/strategies/latency-estimate';

/** The share of `xs` strictly below `v` and at most `v`. */
function ranks(xs: readonly number[], v: number): { below: number; atMost: number } {
  return { below: xs.filter((x) => x < v).length, atMost: xs.filter((x) => x <= v).length };
}

describe('LatencyEstimate accuracy', () => {
  it('answers every quantile within relativeError of a latency of that rank (no decay)', () => {
    fc.assert(fc.property(
      fc.array(fc.double({ min: 0.1, max: 600_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.constantFrom(0.005, 0.02, 0.1),
      (xs, q, relativeError) => {
        const e = new LatencyEstimate({ relativeError, halfLife: Infinity });
        for (const x of xs) e.record(x);
        const v = e.quantile(q)!;
        // Some latency x of rank ceil(q * n) has |v - x| <= a x, so lies in [v / (1 + a), v / (1 - a)]:
        // fewer than q * n latencies are below that range, and at least q * n are at most its top.
        const slack = 1e-9;
        const low = ranks(xs, (v / (1 + relativeError)) * (1 - slack));
        const high = ranks(xs, (v / (1 - relativeError)) * (1 + slack));
        expect(low.below).toBeLessThan(Math.max(1, q * xs.length));
        expect(high.atMost).toBeGreaterThanOrEqual(q * xs.length * (1 - slack));
      },
    ), { numRuns: 300 });
  });

  it('finds the percentiles of a heavy-tailed mix: 95% near 5 ms, 5% near 250 ms', () => {
    const e = new LatencyEstimate({ halfLife: Infinity });
    // 950 values spread over [4, 6) and 50 over [225, 275), in order: exact quantiles known.
    for (let i = 0; i < 950; i++) e.record(4 + (2 * i) / 950);
    for (let i = 0; i < 50; i++) e.record(225 + i);
    const within = (v: number | undefined, exact: number): void => {
      expect(Math.abs(v! - exact) / exact).toBeLessThanOrEqual(0.02 + 1e-12);
    };
    within(e.quantile(0.5), 4 + (2 * 499) / 950);
    within(e.quantile(0.9), 4 + (2 * 899) / 950);
    within(e.quantile(0.95), 4 + (2 * 949) / 950);
    within(e.quantile(0.99), 225 + 39);
    within(e.quantile(1), 274);
    within(e.quantile(0), 4);
  });

  it('is close in rank too where latencies crowd into few buckets (interpolation within a bucket)', () => {
    // 10,000 latencies spread evenly over [4, 6] ms fill only about 20 buckets; a percentile
    // read from a bucket's middle would be off by up to half a bucket, 2.5% of the ranks.
    const e = new LatencyEstimate({ halfLife: Infinity });
    const xs = Array.from({ length: 10_000 }, (_, i) => 4 + (2 * (i + 0.5)) / 10_000);
    for (const x of xs) e.record(x);
    for (const q of [0.1, 0.5, 0.9, 0.95]) {
      const share = ranks(xs, e.quantile(q)!).atMost / xs.length;
      expect(Math.abs(share - q)).toBeLessThanOrEqual(0.002);
    }
    // The top bucket is only partly filled (up to 6 ms of its 5.95..6.07): there the rank can
    // be off by that bucket's share, the value still within relativeError.
    expect(Math.abs(e.quantile(0.99)! - 5.98) / 5.98).toBeLessThanOrEqual(0.02);
  });

  it('answers 0 below minMs and maxMs above maxMs', () => {
    const e = new LatencyEstimate({ minMs: 1, maxMs: 1000, halfLife: Infinity });
    e.record(0);
    e.record(0.5);
    e.record(5000);
    expect(e.quantile(0)).toBe(0);
    expect(e.quantile(0.6)).toBe(0);
    expect(e.quantile(1)).toBe(1000);
    const f = new LatencyEstimate({ minMs: 1, maxMs: 1000, relativeError: 0.01 });
    f.record(1000);
    expect(Math.abs(f.quantile(1)! - 1000) / 1000).toBeLessThanOrEqual(0.01 + 1e-12);
    f.record(1);
    expect(Math.abs(f.quantile(0)! - 1)).toBeLessThanOrEqual(0.01 + 1e-12);
  });

  it('knows nothing before the first latency, and after clear()', () => {
    const e = new LatencyEstimate();
    expect(e.quantile(0.5)).toBeUndefined();
    e.record(10);
    expect(e.count).toBe(1);
    e.clear();
    expect(e.count).toBe(0);
    expect(e.quantile(0.5)).toBeUndefined();
  });
});

describe('LatencyEstimate tracks a changing distribution', () => {
  it('moves its median within about halfLife latencies of a shift, not long before', () => {
    const e = new LatencyEstimate({ halfLife: 100 });
    for (let i = 0; i < 5000; i++) e.record(5);
    for (let i = 0; i < 90; i++) e.record(50);
    expect(e.quantile(0.5)).toBeCloseTo(5, 0); // 90 newer latencies weigh less than half
    for (let i = 0; i < 20; i++) e.record(50);
    expect(Math.abs(e.quantile(0.5)! - 50) / 50).toBeLessThanOrEqual(0.02); // 110 weigh more
  });

  it('follows a shift to any level, for any half-life (property)', () => {
    fc.assert(fc.property(
      fc.double({ min: 0.1, max: 10_000, noNaN: true }),
      fc.double({ min: 0.1, max: 10_000, noNaN: true }),
      fc.integer({ min: 5, max: 400 }),
      fc.constantFrom(0.5, 0.9, 0.99),
      (before, after, halfLife, q) => {
        const e = new LatencyEstimate({ halfLife });
        for (let i = 0; i < 4 * halfLife; i++) e.record(before);
        // Old weight falls to 2^-k of the total after k half-lives: under 1 - q once k > log2(1 / (1 - q)).
        const n = Math.ceil(halfLife * (Math.log2(1 / (1 - q)) + 0.5));
        for (let i = 0; i < n; i++) e.record(after);
        expect(Math.abs(e.quantile(q)! - after) / after).toBeLessThanOrEqual(0.02 + 1e-12);
      },
    ), { numRuns: 200 });
  });

  it('keeps a constant memory and stays accurate over a million latencies (rescaling)', () => {
    const e = new LatencyEstimate({ halfLife: 50 });
    const buckets = e.buckets;
    for (let i = 0; i < 1_000_000; i++) e.record(i % 100 === 0 ? 300 : 3);
    expect(e.buckets).toBe(buckets);
    expect(e.count).toBe(1_000_000);
    expect(Math.abs(e.quantile(0.5)! - 3) / 3).toBeLessThanOrEqual(0.02);
    expect(Math.abs(e.quantile(1)! - 300) / 300).toBeLessThanOrEqual(0.02);
  });
});

describe('LatencyEstimate input', () => {
  it('rejects bad options and bad values with errors that name them', () => {
    expect(() => new LatencyEstimate({ relativeError: 0.7 })).toThrow(/relativeError.*0\.7/);
    expect(() => new LatencyEstimate({ relativeError: 0 })).toThrow(RangeError);
    expect(() => new LatencyEstimate({ minMs: 10, maxMs: 5 })).toThrow(/maxMs.*5/);
    expect(() => new LatencyEstimate({ halfLife: -1 })).toThrow(/halfLife/);
    expect(() => new LatencyEstimate({ halfLife: '9' as unknown as number })).toThrow(TypeError);
    const e = new LatencyEstimate();
    expect(() => e.record(-1)).toThrow(/record\(\).*-1/);
    expect(() => e.record(Number.NaN)).toThrow(RangeError);
    expect(() => e.record(Infinity)).toThrow(RangeError);
    expect(() => e.quantile(1.5)).toThrow(/quantile\(\).*1\.5/);
    expect(e.count).toBe(0);
  });
});
