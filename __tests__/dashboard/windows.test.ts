/** The statistics page's bounded windows: counts per second and latency quantiles. */
import { LatencyWindow } from '../../src/dashboard/latency-window.js';
import { PerSecond } from '../../src/dashboard/per-second.js';

describe('PerSecond', () => {
  it('counts per complete second, oldest first, and averages a rate over the last ones', () => {
    const p = new PerSecond(4);
    for (const t of [0, 10, 999, 1000, 2500, 2600, 2700]) p.add(t);
    expect(p.history(3000)).toEqual([0, 3, 1, 3]); // seconds -1, 0, 1, 2
    expect(p.rate(3000, 2)).toBe(2);
    expect(p.history(3999)).toEqual([0, 3, 1, 3]); // second 3 is not complete yet
    expect(p.history(5000)).toEqual([1, 3, 0, 0]);
  });

  it('forgets what falls out of the ring, and drops events older than it', () => {
    const p = new PerSecond(3);
    p.add(0);
    p.add(10_000);
    p.add(500); // ten seconds late: dropped
    expect(p.history(11_000)).toEqual([0, 0, 1]);
    expect(p.history(100_000)).toEqual([0, 0, 0]);
  });
});

describe('LatencyWindow', () => {
  it('gives nearest-rank quantiles of the latest samples only', () => {
    const w = new LatencyWindow(4);
    expect(w.quantiles([0.5])).toEqual([null]);
    for (const ms of [100, 1, 2, 3, 4]) w.push(ms); // 100 is pushed out
    expect(w.size).toBe(4);
    expect(w.quantiles([0.5, 0.99, 0])).toEqual([2, 4, 1]);
  });

  it('ignores durations that are not finite non-negative numbers', () => {
    const w = new LatencyWindow(4);
    for (const ms of [Number.NaN, -1, Infinity, 7]) w.push(ms);
    expect(w.quantiles([0.5])).toEqual([7]);
  });
});
