/**
 * The hedging scenarios on a `ManualClock`: the same latency model, rate, budget and options as
 * the loopback run, with each attempt a virtual sleep of the model's delay instead of a request.
 * It shows what the library's hedging does free of the machine's own noise (timer lag, other
 * processes), and is exactly reproducible.
 */
import { ManualClock, RetryBudget, RetryRegistry, retry, type HedgingOptions } from '../../src/index.js';
import type { PolicyEvent } from '../../src/observers/observer.js';
import { LatencyStore } from '../../src/strategies/latency-store.js';
import { delays, type HeavyTailModel } from './heavy-tail-server.js';

/** What a hedging run counts, on the loopback server or on the virtual clock. */
export interface HedgingCounts {
  /** Requests the server received beyond one per call, per call. */
  readonly extraRequests: number;
  readonly hedges: number;
  readonly hedgesWon: number;
  readonly cancelledAttempts: number;
  /** Hedges a strategy (the budget) refused. */
  readonly hedgesRefused: number;
  readonly failures: number;
}

/** What a virtual run measured, in the shape of the loopback run's figures. */
export interface VirtualResult extends HedgingCounts {
  readonly latencies: Float64Array;
}

/**
 * Offers `warmup + count` calls at `rate` per second of virtual time; after the warm-up the
 * model switches to `after.model` (an overload) when given, for `after.warmup` more calls
 * before the measured ones. Measures the last `count` calls.
 */
export async function runVirtual(model: HeavyTailModel, after: { model: Partial<HeavyTailModel>; warmup: number } | undefined,
  hedging: HedgingOptions | undefined, count: number, rate: number, warmup: number, timeout: number,
  latencies = new LatencyStore()): Promise<VirtualResult> {
  const clock = new ManualClock();
  let draw = delays(model);
  const registry = new RetryRegistry();
  const budget = RetryBudget.ratio({ ratio: 0.1, clock });
  let refused = 0;
  let requests = 0;
  const observers = [{ policyEvent: (e: PolicyEvent) => { if (e.policy === 'hedging' && e.type === 'refused') refused++; } }];
  const measured = new Float64Array(count);
  let failures = 0;
  const attempt = async ({ signal }: { signal: AbortSignal }): Promise<string> => {
    requests++;
    await clock.sleep(draw(), signal);
    return 'ok';
  };
  const calls: Promise<void>[] = [];
  const unmeasured = warmup + (after?.warmup ?? 0);
  for (let i = 0; i < unmeasured + count; i++) {
    if (i === warmup && after !== undefined) draw = delays({ ...model, ...after.model });
    if (i === unmeasured) {
      await clock.runAll();
      registry.clear();
      refused = requests = 0;
    }
    const t0 = clock.now();
    const k = i - unmeasured;
    calls.push(retry(attempt, {
      clock, registry, observers, budget, timeout, maxRetries: 2, operationName: 'GET /item',
      ...(hedging === undefined ? {} : { hedging: { ...hedging, latencies } }),
    }).then(
      () => { if (k >= 0) measured[k] = clock.now() - t0; },
      () => { if (k >= 0) { measured[k] = NaN; failures++; } },
    ));
    await clock.advance(1000 / rate);
  }
  await clock.runAll();
  await Promise.all(calls);
  const stats = registry.getStatistics('GET /item');
  return {
    latencies: measured, extraRequests: (requests - count) / count, hedges: stats.hedges, hedgesWon: stats.hedgesWon,
    cancelledAttempts: stats.cancelledAttempts, hedgesRefused: refused, failures,
  };
}
