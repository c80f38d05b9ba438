import { cubicK, cubicRate } from '../../src/strategies/cubic';

describe('cubic', () => {
  it('K is the cube root of maxRate * (1 - beta) / scale', () => {
    expect(cubicK(10, 0.7, 0.4)).toBeCloseTo(Math.cbrt(7.5), 12);
    expect(cubicK(0, 0.7, 0.4)).toBe(0);
  });

  it('starts at beta * maxRate right after the throttle', () => {
    expect(cubicRate(0, 10, 0.7, 0.4)).toBeCloseTo(7, 12);
    expect(cubicRate(0, 100, 0.5, 0.4)).toBeCloseTo(50, 10);
  });

  it('is back at maxRate after K seconds, and beyond it later', () => {
    const k = cubicK(10, 0.7, 0.4);
    expect(cubicRate(k, 10, 0.7, 0.4)).toBeCloseTo(10, 12);
    expect(cubicRate(k + 1, 10, 0.7, 0.4)).toBeCloseTo(10.4, 12);
  });

  it('grows monotonically', () => {
    let previous = -Infinity;
    for (let t = 0; t < 10; t += 0.25) {
      const r = cubicRate(t, 20, 0.7, 0.4);
      expect(r).toBeGreaterThanOrEqual(previous);
      previous = r;
    }
  });
});
