/**
 * How a process estimates Redis's time from the script's answers: each answer bounds it, and
 * an answer that proves little (a slow one) moves it no further than it proves.
 */
import { ServerTime } from '../../src/redis/client';

describe('ServerTime', () => {
  let mono: number;
  let wall: number;
  beforeEach(() => {
    mono = 1_000;
    wall = 1_700_000_000_000;
    jest.spyOn(performance, 'now').mockImplementation(() => mono);
    jest.spyOn(Date, 'now').mockImplementation(() => wall + mono);
  });
  afterEach(() => jest.restoreAllMocks());

  /** The estimate minus the local wall clock: how far off this process thinks its clock is. */
  const skew = (t: ServerTime): number => t.now() - Date.now();
  /** An answer sent `rtt` ms before now, the server reading its clock `at` ms after sending it, `ahead` ms ahead of ours. */
  const answer = (t: ServerTime, rtt: number, at: number, ahead: number): void => {
    const sent = mono - rtt;
    t.sample(sent, mono, wall + sent + at + ahead);
  };

  it('starts from the local wall clock', () => {
    expect(skew(new ServerTime())).toBe(0);
  });

  it('keeps the wall clock while the answers agree with it, however slow they were', () => {
    const t = new ServerTime();
    answer(t, 400, 390, 0); // queued 390 ms while the connection opened: its midpoint would say 190 ms ahead
    expect(skew(t)).toBe(0);
    answer(t, 2, 1, 0);
    expect(skew(t)).toBe(0);
  });

  it('moves to what an answer proves when the clocks disagree, and a fast answer narrows it', () => {
    const t = new ServerTime();
    answer(t, 400, 390, 5_000); // Redis's clock is 5 s ahead
    expect(skew(t)).toBe(5_000 - 10); // the least correction the answer proves: Redis read TIME at most 400 ms after sending
    mono += 1_000;
    answer(t, 2, 1, 5_000);
    expect(skew(t)).toBeGreaterThanOrEqual(5_000 - 1);
    expect(skew(t)).toBeLessThanOrEqual(5_000 + 1);
  });

  it('a slow answer after a fast one keeps the fast one\'s precision', () => {
    const t = new ServerTime();
    answer(t, 2, 1, -3_000);
    const before = skew(t);
    expect(Math.abs(before + 3_000)).toBeLessThanOrEqual(2); // within the answer's round trip
    mono += 10;
    answer(t, 800, 10, -3_000); // read late by a busy event loop
    expect(skew(t)).toBe(before);
  });

  it('old bounds widen with time, so the estimate follows a drifting clock', () => {
    const t = new ServerTime();
    answer(t, 1, 0, 0);
    mono += 3_600_000; // an hour later Redis's clock has drifted 200 ms ahead (55 ppm)
    answer(t, 1, 0, 200);
    expect(Math.abs(skew(t) - 200)).toBeLessThanOrEqual(1);
  });

  it('an answer that contradicts every bound (a clock jump) replaces them', () => {
    const t = new ServerTime();
    answer(t, 1, 0, 0);
    mono += 1_000;
    answer(t, 1, 0, 60_000);
    expect(Math.abs(skew(t) - 60_000)).toBeLessThanOrEqual(1);
  });

  it('a reset (the server refused a write as off) starts from that answer alone', () => {
    const t = new ServerTime();
    answer(t, 1, 0, 0);
    mono += 10;
    const sent = mono - 1_500;
    t.sample(sent, mono, wall + mono + 2_000, true); // only this answer's bounds hold: Redis's clock is 2,000 to 3,501 ms ahead
    expect(skew(t)).toBe(2_000);
  });
});
