/**
 * A scripted load on a ManualClock, through the real `retry()`: every attempt takes an exact
 * time (it sleeps on the clock), every delay is exact (no jitter), so every figure the
 * telemetry reports is known in advance. Used by the SDK tests and the Prometheus test.
 */
import { PermanentError, retry, RetryRegistry, type ManualClock } from 'maestro-retry';
import type { CallObserver } from '../../src/observers/observer.js';

export class ConnResetError extends Error {
  override name = 'ConnResetError';
  readonly code = 'ECONNRESET';
}

/** Attempts of one call: each an attempt duration and whether it fails (and with what). */
type Script = Array<[durationMs: number, error?: Error]>;

export interface ScenarioOptions {
  readonly clock: ManualClock;
  readonly registry: RetryRegistry;
  readonly observers?: readonly CallObserver[];
}

/** Runs one call of `script` to its end on the manual clock; resolves with how it ended. */
export async function scriptedCall(o: ScenarioOptions, operationName: string, script: Script, maxRetries = 3): Promise<'ok' | 'failed'> {
  let n = 0;
  const p = retry(async () => {
    const [durationMs, error] = script[n++]!;
    await o.clock.sleep(durationMs);
    if (error !== undefined) throw error;
    return 'done';
  }, { operationName, clock: o.clock, registry: o.registry, observers: o.observers ?? [], maxRetries, initialDelay: 100, backoffBase: 2, jitter: 'none' });
  const settled = p.then(() => 'ok' as const, () => 'failed' as const);
  await o.clock.runAll();
  return settled;
}

/**
 * The scenario's calls, and what they add up to:
 * - users.get: fails twice (20 ms each, ECONNRESET), succeeds (30 ms); delays 100 and 200 ms;
 *   elapsed 370 ms. Then one call that succeeds at once (10 ms).
 * - orders.put: fails twice (5 ms each) with maxRetries 1: exhausted after 110 ms. Then one
 *   call that fails with a PermanentError (5 ms): non-retryable.
 */
export async function runScenario(o: ScenarioOptions): Promise<void> {
  const reset = (): Error => new ConnResetError('read ECONNRESET');
  await scriptedCall(o, 'users.get', [[20, reset()], [20, reset()], [30]]);
  await scriptedCall(o, 'users.get', [[10]]);
  await scriptedCall(o, 'orders.put', [[5, reset()], [5, reset()]], 1);
  await scriptedCall(o, 'orders.put', [[5, new PermanentError('order 42 is closed')]]);
}

/** What {@link runScenario} adds up to. */
export const SCENARIO = {
  attempts: 7,
  attemptSeconds: 0.095,
  usersGetSeconds: 0.38,
  ordersPutSeconds: 0.115,
  retryDelays: 3,
  retryDelaySeconds: 0.4,
} as const;
