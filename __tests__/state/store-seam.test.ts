/**
 * The state seam: a store that answers every change with a promise (as a remote store does)
 * must give the same answers and leave the same state as the in-memory store, on the same
 * scripted sequence. The policies' algorithms do not know which store they run on.
 */
import fc from 'fast-check';
import { memoryStore } from '../../src/state/memory-store';
import type { StateStore } from '../../src/state/store';
import { AdaptiveRateLimiter } from '../../src/strategies/adaptive-rate-limiter';
import { CircuitBreaker } from '../../src/strategies/circuit-breaker';
import { RetryBudget } from '../../src/strategies/retry-budget';
import type { AttemptReport, Refusal } from '../../src/strategies/strategy';
import { ManualClock, flushMicrotasks } from '../../src/testing/manual-clock';
import { promiseStore } from '../helpers/test-stores';

const ctx = { operationName: 'op', attempt: 1 };
const report = (verdict: AttemptReport['verdict'], timedOut = false, throttled = false): AttemptReport => ({ verdict, timedOut, throttled, durationMs: 1 });
const answer = (a: true | Refusal | { waitMs: number }): string => (a === true ? 'yes' : 'reason' in a ? a.reason : `wait ${a.waitMs.toFixed(6)}`);

type Op = { kind: 'attempt' | 'success' | 'failure' | 'ignored' | 'isolate' | 'reset' | 'call' | 'retry' | 'timeout' | 'ended' } | { kind: 'advance'; ms: number };
const ops = (kinds: Op['kind'][], maxMs: number): fc.Arbitrary<Op[]> =>
  fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...kinds.filter((k) => k !== 'advance')).map((kind) => ({ kind }) as Op) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: maxMs }).map((ms) => ({ kind: 'advance', ms }) as Op) },
    ),
    { minLength: 10, maxLength: 120 },
  );

/** Runs `script` on a fresh policy in `store`, awaiting every answer and letting records land before each step. */
async function trace<P>(store: StateStore, make: (store: StateStore, clock: ManualClock) => P, script: Op[], step: (p: P, op: Op) => unknown, look: (p: P) => unknown): Promise<unknown[]> {
  const clock = new ManualClock();
  const policy = make(store, clock);
  const out: unknown[] = [];
  for (const op of script) {
    if (op.kind === 'advance') await clock.advance(op.ms);
    else out.push(await step(policy, op));
    await flushMicrotasks();
    out.push(look(policy));
  }
  return out;
}

async function same<P>(make: (store: StateStore, clock: ManualClock) => P, kinds: Op['kind'][], maxMs: number, step: (p: P, op: Op) => unknown, look: (p: P) => unknown): Promise<void> {
  await fc.assert(
    fc.asyncProperty(ops(kinds, maxMs), async (script) => {
      const inMemory = await trace(memoryStore(), make, script, step, look);
      const behindPromises = await trace(promiseStore(), make, script, step, look);
      expect(behindPromises).toEqual(inMemory);
    }),
    { numRuns: 60 },
  );
}

describe('a store that answers with promises gives the results of the in-memory store', () => {
  it('circuit breaker (consecutive and failure-rate modes)', async () => {
    for (const rate of [undefined, 0.5]) {
      let inFlight = 0;
      await same(
        (store, clock) => ((inFlight = 0), new CircuitBreaker({ failureThreshold: 2, failureRateThreshold: rate, minimumCalls: 3, windowMs: 1000, resetTimeout: 300, halfOpenMaxCalls: 2, clock, store })),
        ['attempt', 'attempt', 'success', 'failure', 'failure', 'ignored', 'isolate', 'reset'],
        400,
        async (b, op) => {
          if (op.kind === 'attempt') {
            const a = await b.beforeAttempt(ctx);
            if (a === true) inFlight++;
            return answer(a);
          }
          if (op.kind === 'isolate') return b.isolate();
          if (op.kind === 'reset') return b.reset();
          if (inFlight === 0) return 'none in flight';
          inFlight--;
          return b.afterAttempt(ctx, report(op.kind as AttemptReport['verdict']));
        },
        (b) => {
          const json = b.toJSON(); // trial slots carry the instance's random id: compare their number
          return { stats: b.stats, json: { ...json, state: { ...json.state, probes: (json.state.probes as unknown[]).length } } };
        },
      );
    }
  });

  it('ratio retry budget', async () => {
    await same(
      (store, clock) => RetryBudget.ratio({ ratio: 0.5, minRetriesPerSecond: 1, windowMs: 2000, clock, store }),
      ['call', 'call', 'retry', 'retry', 'timeout'],
      700,
      async (b, op) => (op.kind === 'call' ? b.callStarted() : answer(await b.allowRetry(ctx, report('failure', op.kind === 'timeout')))),
      (b) => ({ stats: b.stats, json: b.toJSON() }),
    );
  });

  it('token bucket retry budget', async () => {
    await same(
      (store, clock) => RetryBudget.tokenBucket({ capacity: 30, retryCost: 5, timeoutCost: 10, successRefund: 1, clock, store }),
      ['retry', 'timeout', 'ended', 'success'],
      10,
      async (b, op) => {
        if (op.kind === 'ended') return b.callEnded(ctx, { success: true, attempts: 2, lastRetryAfterTimeout: true });
        if (op.kind === 'success') return b.callEnded(ctx, { success: true, attempts: 1, lastRetryAfterTimeout: false });
        return answer(await b.allowRetry(ctx, report('failure', op.kind === 'timeout')));
      },
      (b) => ({ stats: b.stats, json: b.toJSON() }),
    );
  });

  it('adaptive rate limiter', async () => {
    await same(
      (store, clock) => new AdaptiveRateLimiter({ beta: 0.5, clock, store }),
      ['attempt', 'attempt', 'success', 'failure'],
      300,
      async (l, op) => (op.kind === 'attempt' ? answer(l.beforeAttempt()) : l.afterAttempt(ctx, report(op.kind === 'success' ? 'success' : 'failure', false, op.kind === 'failure'))),
      (l) => ({ stats: l.stats, json: l.toJSON() }),
    );
  });
});

describe('a store that answers asynchronously', () => {
  it('is refused by the synchronous methods of old, with a message that says what to use', () => {
    const store = promiseStore();
    expect(() => new CircuitBreaker({ store }).tryAcquire()).toThrow(new TypeError('maestro-retry: CircuitBreaker.tryAcquire() needs a synchronous store; with a shared store use beforeAttempt()'));
    expect(() => RetryBudget.ratio({ store }).tryRetry()).toThrow(/RetryBudget\.ratio tryRetry\(\) needs a synchronous store; with a shared store use allowRetry\(\)/);
    expect(() => RetryBudget.tokenBucket({ store }).tryRetry(false)).toThrow(TypeError);
  });

  it('still takes outcomes through the methods that answer nothing', async () => {
    const b = new CircuitBreaker({ failureThreshold: 1, store: promiseStore(), clock: new ManualClock() });
    expect(b.beforeAttempt(ctx)).toBe(true); // closed: decided on the state as read, no promise
    b.onFailure();
    expect(b.state).toBe('closed'); // not applied yet
    await flushMicrotasks();
    expect(b.state).toBe('open');
  });
});
