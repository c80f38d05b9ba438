import fc from 'fast-check';
import { retry } from '../../src/api/retry';
import type { GiveUpReason } from '../../src/engine/types';
import { PermanentError } from '../../src/errors/permanent-error';
import { TransientError } from '../../src/errors/transient-error';
import { RetryRegistry } from '../../src/registry/retry-registry';
import { ManualClock, flushMicrotasks } from '../../src/testing/manual-clock';

const MAX_RETRIES = 3;
const NAMES = ['users.get', 'orders.list', '__proto__', 'constructor'] as const;

/** What one call does: succeed at attempt k (1..4), fail permanently at attempt k, or keep failing. */
type Outcome =
  | { kind: 'succeed'; at: number }
  | { kind: 'permanent'; at: number }
  | { kind: 'string'; at: number }
  | { kind: 'exhaust' };

const outcome: fc.Arbitrary<Outcome> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: MAX_RETRIES + 1 }).map((at) => ({ kind: 'succeed' as const, at })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: MAX_RETRIES + 1 }).map((at) => ({ kind: 'permanent' as const, at })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }).map((at) => ({ kind: 'string' as const, at })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'exhaust' as const }) },
);

const plan = fc.record({
  calls: fc.array(fc.record({ name: fc.constantFrom(...NAMES), outcome }), { minLength: 2000, maxLength: 3000 }),
  initialDelay: fc.integer({ min: 0, max: 3 }),
  maxHistoryPerOperation: fc.integer({ min: 0, max: 150 }),
});

interface Expected {
  calls: number; successes: number; failures: number; attempts: number; retries: number;
  successesAfterRetry: number; totalDelayMs: number; giveUpReasons: Partial<Record<GiveUpReason, number>>;
  errorCounts: Record<string, number>;
}

const zero = (): Expected => ({
  calls: 0, successes: 0, failures: 0, attempts: 0, retries: 0, successesAfterRetry: 0, totalDelayMs: 0, giveUpReasons: {}, errorCounts: {},
});

function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** The test's own accounting of one call, from its outcome alone. */
function account(e: Expected, o: Outcome, initialDelay: number): number {
  const attempts = o.kind === 'exhaust' ? MAX_RETRIES + 1 : o.at;
  e.calls++;
  e.attempts += attempts;
  e.retries += attempts - 1;
  // Delays initialDelay * 2^(k-1) before retry k: the sum over k = 1..attempts-1.
  e.totalDelayMs += initialDelay * (2 ** (attempts - 1) - 1);
  const transientFailures = o.kind === 'exhaust' ? attempts : attempts - 1;
  if (transientFailures > 0) bump(e.errorCounts, 'TransientError', transientFailures);
  switch (o.kind) {
    case 'succeed':
      e.successes++;
      if (attempts > 1) e.successesAfterRetry++;
      break;
    case 'permanent':
      e.failures++;
      bump(e.errorCounts, 'PermanentError');
      bump(e.giveUpReasons, 'non-retryable');
      break;
    case 'string':
      e.failures++;
      bump(e.errorCounts, 'string');
      bump(e.giveUpReasons, 'non-retryable');
      break;
    case 'exhaust':
      e.failures++;
      bump(e.giveUpReasons, 'exhausted');
      break;
  }
  return attempts;
}

function script(o: Outcome) {
  return ({ attempt }: { attempt: number }): string => {
    if (o.kind === 'succeed' && attempt === o.at) return 'ok';
    if (o.kind === 'permanent' && attempt === o.at) throw new PermanentError('gone');
    if (o.kind === 'string' && attempt === o.at) throw 'bare string';
    return Promise.reject(new TransientError(`attempt ${attempt}`)) as never;
  };
}

/** Own-key lookup (the names include `__proto__`). */
function own<V>(object: Record<string, V>, key: string): V | undefined {
  return Object.prototype.hasOwnProperty.call(object, key) ? Object.getOwnPropertyDescriptor(object, key)!.value as V : undefined;
}

describe('RetryRegistry under thousands of concurrent calls', () => {
  it('counts exactly what the calls did, per operation and in total', async () => {
    await fc.assert(
      fc.asyncProperty(plan, async ({ calls, initialDelay, maxHistoryPerOperation }) => {
        const clock = new ManualClock(1_000);
        const registry = new RetryRegistry({ maxHistoryPerOperation });
        const expected = new Map<string, Expected>();
        const total = zero();
        let needRetry = 0;
        const promises = calls.map(({ name, outcome: o }) => {
          const e = expected.get(name) ?? expected.set(name, zero()).get(name)!;
          const attempts = account(e, o, initialDelay);
          account(total, o, initialDelay);
          if (attempts > 1) needRetry++;
          return retry(script(o), { registry, clock, operationName: name, maxRetries: MAX_RETRIES, initialDelay });
        });
        const settled = Promise.allSettled(promises);

        // Every call has started; those that need no retry end with their first attempt.
        expect(registry.getStatistics()).toMatchObject({ calls: calls.length, inFlight: calls.length });
        await flushMicrotasks();
        if (initialDelay > 0) expect(registry.getStatistics().inFlight).toBe(needRetry);

        await clock.runAll();
        const results = await settled;
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(total.successes);

        const stats = registry.getStatistics();
        const finished = total.successes + total.failures;
        expect(stats).toMatchObject({
          totalOperations: expected.size,
          calls: total.calls,
          inFlight: 0,
          successes: total.successes,
          failures: total.failures,
          attempts: total.attempts,
          retries: total.retries,
          successesAfterRetry: total.successesAfterRetry,
          totalDelayMs: total.totalDelayMs,
          giveUpReasons: total.giveUpReasons,
          evictedOperations: 0,
        });
        expect(stats.averageAttempts).toBeCloseTo(total.attempts / finished, 12);
        expect(stats.successRate).toBeCloseTo(total.successes / finished, 12);
        expect(Object.keys(stats.operations).sort()).toEqual([...expected.keys()].sort());

        const sums = zero();
        const history = registry.getHistory();
        for (const [name, e] of expected) {
          const op = own(stats.operations, name)!;
          expect(op).toMatchObject({ operationName: name, inFlight: 0, ...e });
          expect(op.averageAttempts).toBeCloseTo(e.attempts / e.calls, 12);
          expect(op.successRate).toBeCloseTo(e.successes / e.calls, 12);
          expect(registry.getStatistics(name)).toMatchObject({ totalOperations: 1, calls: e.calls, attempts: e.attempts, giveUpReasons: e.giveUpReasons });
          const kept = own(history, name)!;
          expect(kept).toHaveLength(Math.min(e.attempts, maxHistoryPerOperation));
          expect(kept.every((a) => a.operationName === name)).toBe(true);
          for (const key of ['calls', 'successes', 'failures', 'attempts', 'retries', 'successesAfterRetry', 'totalDelayMs'] as const) {
            sums[key] += op[key];
          }
          for (const [reason, n] of Object.entries(op.giveUpReasons)) bump(sums.giveUpReasons, reason, n);
        }
        expect(sums).toMatchObject({
          calls: stats.calls, successes: stats.successes, failures: stats.failures, attempts: stats.attempts,
          retries: stats.retries, successesAfterRetry: stats.successesAfterRetry, totalDelayMs: stats.totalDelayMs,
          giveUpReasons: stats.giveUpReasons,
        });
        expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'calls')).toBe(false);
      }),
      { numRuns: 20 },
    );
  }, 120_000);

  it('keeps the totals exact when operations are evicted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ name: fc.integer({ min: 0, max: 40 }).map((n) => `op${n}`), outcome }), { minLength: 200, maxLength: 600 }),
        fc.integer({ min: 1, max: 10 }),
        async (calls, maxOperations) => {
          const registry = new RetryRegistry({ maxOperations });
          const total = zero();
          // Sequential batches of concurrent calls, so different operations come and go.
          for (let i = 0; i < calls.length; i += 50) {
            const batch = calls.slice(i, i + 50);
            for (const { outcome: o } of batch) account(total, o, 0);
            await Promise.allSettled(batch.map(({ name, outcome: o }) =>
              retry(script(o), { registry, operationName: name, maxRetries: MAX_RETRIES, initialDelay: 0 })));
          }
          const stats = registry.getStatistics();
          expect(stats).toMatchObject({
            calls: total.calls, successes: total.successes, failures: total.failures, attempts: total.attempts,
            retries: total.retries, successesAfterRetry: total.successesAfterRetry, giveUpReasons: total.giveUpReasons, inFlight: 0,
          });
          expect(stats.totalOperations).toBeLessThanOrEqual(maxOperations);
          const distinct = new Set(calls.map((c) => c.name)).size;
          expect(stats.evictedOperations).toBeGreaterThanOrEqual(distinct - maxOperations);
          // What is still held is a part of the totals.
          const heldCalls = Object.values(stats.operations).reduce((sum, op) => sum + op.calls, 0);
          expect(heldCalls).toBeLessThanOrEqual(stats.calls);
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
