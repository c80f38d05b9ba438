import fc from 'fast-check';
import { calculateDelay } from '../../src/decision/backoff.js';

describe('calculateDelay', () => {
  test('follows the default schedule 1000, 2000, 4000 and caps at maxDelay', () => {
    expect([1, 2, 3, 4, 5, 6].map((k) => calculateDelay(k))).toEqual([1000, 2000, 4000, 8000, 16000, 30000]);
    expect(calculateDelay(100)).toBe(30000);
  });

  test('applies initialDelay, backoffBase and maxDelay', () => {
    expect(calculateDelay(3, { initialDelay: 100, backoffBase: 3 })).toBe(900);
    expect(calculateDelay(3, { initialDelay: 100, backoffBase: 3, maxDelay: 500 })).toBe(500);
    expect(calculateDelay(7, { initialDelay: 100, backoffBase: 1 })).toBe(100);
  });

  test('caps an initialDelay above the default maxDelay instead of rejecting it', () => {
    expect(calculateDelay(1, { initialDelay: 60_000 })).toBe(30_000);
  });

  test('a zero initialDelay gives zero for any retry, never NaN', () => {
    expect(calculateDelay(1, { initialDelay: 0 })).toBe(0);
    expect(calculateDelay(5000, { initialDelay: 0, backoffBase: 10 })).toBe(0);
  });

  test('jitter formulas with a fixed random', () => {
    const random = () => 0.25;
    expect(calculateDelay(3, { jitter: 'full', random })).toBe(1000);
    expect(calculateDelay(3, { jitter: 'equal', random })).toBe(2000 + 500);
    // decorrelated: min(maxDelay, initial + r * (3 * previous - initial))
    expect(calculateDelay(2, { jitter: 'decorrelated', random })).toBe(1000 + 0.25 * (3000 - 1000));
    expect(calculateDelay(2, { jitter: 'decorrelated', random, previousDelay: 4000 })).toBe(1000 + 0.25 * (12000 - 1000));
    expect(calculateDelay(2, { jitter: 'decorrelated', random: () => 0.99, previousDelay: 20000 })).toBe(30000);
  });

  test('rejects a random outside [0, 1) and a bad retry number', () => {
    expect(() => calculateDelay(1, { jitter: 'full', random: () => 1 })).toThrow(RangeError);
    expect(() => calculateDelay(1, { jitter: 'full', random: () => Number.NaN })).toThrow(/random/);
    expect(() => calculateDelay(0)).toThrow(/retryNumber.*got 0/);
    expect(() => calculateDelay(1.5)).toThrow(RangeError);
    expect(() => calculateDelay(1, { jitter: 'fast' as never })).toThrow(/jitter.*"fast"/);
  });

  test('every delay lies in [0, maxDelay] and within its strategy bounds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 1, max: 5, noNaN: true }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.constantFrom('none', 'full', 'equal', 'decorrelated' as const),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 0, max: 100_000 }),
        (k, initialDelay, backoffBase, extra, jitter, r, previousDelay) => {
          const maxDelay = initialDelay + extra;
          const d = calculateDelay(k, { initialDelay, backoffBase, maxDelay, jitter, random: () => r, previousDelay });
          const base = initialDelay === 0 ? 0 : Math.min(maxDelay, initialDelay * backoffBase ** (k - 1));
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(maxDelay);
          if (jitter === 'none') expect(d).toBe(base);
          if (jitter === 'full') expect(d).toBeLessThanOrEqual(base);
          if (jitter === 'equal') {
            expect(d).toBeGreaterThanOrEqual(base / 2);
            expect(d).toBeLessThanOrEqual(base);
          }
          if (jitter === 'decorrelated') {
            const lo = Math.min(initialDelay, 3 * previousDelay);
            const hi = Math.max(initialDelay, 3 * previousDelay);
            expect(d).toBeGreaterThanOrEqual(Math.min(lo, maxDelay) - 1e-6);
            expect(d).toBeLessThanOrEqual(Math.min(hi, maxDelay) + 1e-6);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
