import { RollingWindow } from '../../src/strategies/rolling-window';

describe('RollingWindow', () => {
  it('sums counters over the buckets of the window', () => {
    const w = new RollingWindow(1000, 10, 2);
    w.add(0);
    w.advance(350);
    w.add(0, 2);
    w.add(1);
    expect([w.total(0), w.total(1)]).toEqual([3, 1]);
    expect([w.at(0, 0), w.at(3, 0)]).toEqual([2, 1]);
  });

  it('drops a bucket once the window has moved a full length past it', () => {
    const w = new RollingWindow(1000, 10, 1);
    w.add(0); // bucket [0, 100)
    w.advance(500);
    w.add(0); // bucket [500, 600)
    w.advance(999);
    expect(w.total(0)).toBe(2);
    w.advance(1000);
    expect(w.total(0)).toBe(1);
    w.advance(1599);
    expect(w.total(0)).toBe(0);
  });

  it('clears everything after a jump longer than the window', () => {
    const w = new RollingWindow(1000, 10, 1);
    for (let t = 0; t < 1000; t += 100) {
      w.advance(t);
      w.add(0);
    }
    w.advance(50_000);
    expect(w.total(0)).toBe(0);
    expect(w.at(0, 0)).toBe(0);
  });

  it('never moves back in time', () => {
    const w = new RollingWindow(1000, 10, 1, 5000);
    w.add(0);
    w.advance(0);
    w.add(0);
    expect(w.at(0, 0)).toBe(2);
  });

  it('addAt counts in the bucket of its time: a later one moves the window, one that left it counts nowhere', () => {
    const w = new RollingWindow(1000, 10, 1, 5000);
    w.addAt(4_950, 0); // half a second ago: its own bucket
    expect([w.at(0, 0), w.at(1, 0)]).toEqual([0, 1]);
    w.addAt(4_000, 0); // the bucket that just left the window
    expect(w.total(0)).toBe(1);
    w.addAt(5_250, 0, 3); // later: the window moves first
    expect(w.data.head).toBe(52);
    expect([w.at(0, 0), w.at(3, 0), w.total(0)]).toEqual([3, 1, 4]);
  });

  it('total sums the whole window, or only its newest buckets', () => {
    const w = new RollingWindow(1000, 10, 1);
    for (let t = 0; t < 1000; t += 100) {
      w.advance(t);
      w.add(0, t / 100 + 1); // 1 in the oldest bucket ... 10 in the newest
    }
    expect([w.total(0), w.total(0, 1), w.total(0, 3)]).toEqual([55, 10, 27]);
  });

  it('clear zeroes the counters', () => {
    const w = new RollingWindow(1000);
    w.add(1, 4);
    w.clear();
    expect(w.total(1)).toBe(0);
  });
});
