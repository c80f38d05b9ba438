/**
 * Scaled-down runs of the two simulations (`npm run simulate`, `npm run simulate:overload`),
 * asserting their qualitative results so the claims in the README (policies section) cannot rot. Same
 * code as the scripts (bench/sim/*), smaller fleets and shorter windows.
 */
import { DEFAULT_STORM, runStorm, STORM_CONFIGS, type StormParams } from '../../bench/sim/storm';
import { runOverload, type OverloadParams } from '../../bench/sim/overload';

jest.setTimeout(30_000);

const storm: Partial<StormParams> = { clients: 50, callsPerSecond: 250, warmupMs: 12_000, outageMs: 22_000, afterMs: 12_000 };
const rate = storm.callsPerSecond!;
const config = (name: string) => STORM_CONFIGS.find((c) => c.name === name)!;

describe('retry-storm simulation (scaled down)', () => {
  it('plain retries: about 4x load once all three retries are in play, and a 4x burst in the first seconds', async () => {
    const r = await runStorm(config('plain'), storm);
    expect(r.steadyAmplification).toBeGreaterThan(3.9);
    expect(r.steadyAmplification).toBeLessThanOrEqual(4.01);
    expect(r.burstPeak).toBeGreaterThan(3.8);
    expect(r.giveUpReasons).toEqual({ exhausted: expect.any(Number) });
  });

  it('ratio budget (defaults): <= 1.1x once its window has filled (the floor is a minimum, not added)', async () => {
    const r = await runStorm(config('ratio budget'), storm);
    // Steady state: 1 + max(ratio, minRetriesPerSecond / offered rate); the ratio wins here.
    expect(10 / rate).toBeLessThanOrEqual(0.1);
    // 1.091x at full scale (npm run simulate); this scaled-down run samples fewer seconds.
    expect(r.steadyAmplification).toBeLessThanOrEqual(1.1 + 0.005);
    // No 4x burst: the suffix rule lets any 1 s spend at most its own calls' ratio plus the
    // window's floor (10/s * 10 s), a large share at this small rate; 1.2x at 1000 calls/s.
    expect(r.burstPeak).toBeLessThanOrEqual(1 + 0.1 + 100 / rate + 0.01);
    expect(r.giveUpReasons.budget).toBeGreaterThan(0);
    // Over the whole outage, never above 1.1x: retries run at 10/11 of the ratio, the window's
    // 10 buckets paying for 11 (the bucket that just left it still holds its retries).
    expect(r.amplification).toBeLessThanOrEqual(1.1);
    const noFloor = await runStorm(config('ratio budget, no floor'), storm);
    expect(noFloor.amplification).toBeLessThanOrEqual(1.1);
    expect(noFloor.amplification).toBeGreaterThan(1.08);
    // A few seconds' sample can miss the one bucket in 11 left empty: up to the ratio itself.
    expect(noFloor.steadyAmplification).toBeLessThanOrEqual(1.1 + 0.005);
    expect(noFloor.steadyAmplification).toBeGreaterThan(1.05);
  });

  it('token bucket (defaults): ~1x once its 500 tokens are spent', async () => {
    const r = await runStorm(config('token bucket'), storm);
    expect(r.steadyAmplification).toBeLessThanOrEqual(1.01);
  });

  it('breaker (defaults): <= 1.05x after it trips, back to 100% within one resetTimeout', async () => {
    const r = await runStorm(config('breaker'), storm);
    expect(r.breakerTrippedAtMs).toBeLessThan(1000);
    expect(r.steadyAmplification).toBeLessThanOrEqual(1.05);
    expect(r.breakerClosedAfterRecoveryMs).toBeDefined();
    expect(r.recoveryMs).toBeLessThanOrEqual(30_000 + DEFAULT_STORM.latencyMs[1]);
    expect(r.giveUpReasons['circuit-open']).toBeGreaterThan(0);
  });
});

describe('overload simulation (scaled down)', () => {
  const overload: Partial<OverloadParams> = {
    clients: 40, callsPerSecond: 200, capacityPerSecond: 100, burst: 10, durationMs: 30_000, measureFromMs: 10_000,
  };

  it('one AdaptiveRateLimiter per client cuts the throttled share >= 5x and keeps goodput >= 80% of capacity', async () => {
    const none = await runOverload('none', overload);
    const limited = await runOverload('per-client', overload);
    expect(none.goodput).toBeGreaterThan(0.95);
    expect(none.throttledShare).toBeGreaterThan(0.5);
    expect(limited.goodput).toBeGreaterThanOrEqual(0.8);
    expect(none.throttledShare / limited.throttledShare).toBeGreaterThanOrEqual(5);
  });

  it('one AdaptiveRateLimiter shared by every client meets the same target', async () => {
    const none = await runOverload('none', overload);
    const shared = await runOverload('shared', overload);
    expect(shared.goodput).toBeGreaterThanOrEqual(0.8);
    expect(none.throttledShare / Math.max(shared.throttledShare, 1e-9)).toBeGreaterThanOrEqual(5);
    // Waiters are served about in arrival order: with the queue growing at 1x capacity, the
    // median call waits for seconds (were new callers served first, it would be ~latency).
    expect(shared.latencyP50).toBeGreaterThan(1000);
  });
});
