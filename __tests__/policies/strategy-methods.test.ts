/**
 * The policies as the engine sees them: the `Strategy` methods, and how they map onto each
 * policy's own behaviour.
 */
import { CircuitOpenError } from '../../src/errors/circuit-open-error';
import { RetryBudgetExhaustedError } from '../../src/errors/retry-budget-exhausted-error';
import { AdaptiveRateLimiter } from '../../src/strategies/adaptive-rate-limiter';
import { CircuitBreaker } from '../../src/strategies/circuit-breaker';
import { RetryBudget } from '../../src/strategies/retry-budget';
import type { AttemptReport, AttemptVerdict, CallReport, Refusal, Strategy } from '../../src/strategies/strategy';
import { ManualClock } from '../../src/testing/manual-clock';

const ctx = { operationName: 'getUser', attempt: 1 };

function report(verdict: AttemptVerdict, extra: Partial<AttemptReport> = {}): AttemptReport {
  return { verdict, throttled: false, timedOut: false, durationMs: 1, ...extra };
}

function ended(success: boolean, attempts: number, lastRetryAfterTimeout = false): CallReport {
  return { success, attempts, lastRetryAfterTimeout, ...(success ? {} : { reason: 'exhausted' as const }) };
}

describe('CircuitBreaker as a strategy', () => {
  it('admits while closed and refuses while open with a CircuitOpenError naming the operation', async () => {
    const clock = new ManualClock();
    const b: CircuitBreaker & Strategy = new CircuitBreaker({ failureThreshold: 2, resetTimeout: 1000, clock });
    for (let i = 0; i < 2; i++) {
      expect(b.beforeAttempt(ctx)).toBe(true);
      b.afterAttempt(ctx, report('failure'));
    }
    await clock.advance(250);
    const refusal = b.beforeAttempt(ctx) as Refusal;
    expect(refusal.reason).toBe('circuit-open');
    expect(refusal.error).toBeInstanceOf(CircuitOpenError);
    expect(refusal.error.message).toBe('Circuit breaker is open: getUser was not attempted');
    expect((refusal.error as CircuitOpenError).retryAfterMs).toBe(750);
  });

  it('maps the verdicts: a success resets the count, an ignored outcome only frees the slot', () => {
    const b = new CircuitBreaker({ failureThreshold: 2, clock: new ManualClock() });
    b.beforeAttempt(ctx);
    b.afterAttempt(ctx, report('failure'));
    b.beforeAttempt(ctx);
    b.afterAttempt(ctx, report('ignored'));
    expect(b.stats).toMatchObject({ consecutiveFailures: 1, inFlight: 0 });
    b.beforeAttempt(ctx);
    b.afterAttempt(ctx, report('success'));
    expect(b.stats.consecutiveFailures).toBe(0);
  });

  it('half-open: beforeAttempt takes the trial slots, and the trial closes it', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ failureThreshold: 1, resetTimeout: 100, halfOpenMaxCalls: 1, clock });
    b.beforeAttempt(ctx);
    b.afterAttempt(ctx, report('failure'));
    await clock.advance(100);
    expect(b.beforeAttempt(ctx)).toBe(true);
    expect((b.beforeAttempt(ctx) as Refusal).reason).toBe('circuit-open');
    b.afterAttempt(ctx, report('success'));
    expect(b.state).toBe('closed');
  });
});

describe('retry budgets as strategies', () => {
  it('ratio: callStarted deposits, allowRetry grants then refuses with a RetryBudgetExhaustedError', () => {
    const b = RetryBudget.ratio({ ratio: 0.5, minRetriesPerSecond: 0, clock: new ManualClock() });
    for (let i = 0; i < 4; i++) b.callStarted();
    const cause = new Error('503');
    const failed = report('failure', { error: cause });
    expect([b.allowRetry(ctx, failed), b.allowRetry(ctx, failed)]).toEqual([true, true]);
    const refusal = b.allowRetry(ctx, failed) as Refusal;
    expect(refusal.reason).toBe('budget');
    expect(refusal.error).toBeInstanceOf(RetryBudgetExhaustedError);
    expect(refusal.error).toMatchObject({ operationName: 'getUser', reason: 'budget', errors: [cause], cause });
    expect(b.stats).toEqual({ windowCalls: 4, windowRetries: 2, available: 0 });
  });

  it('token bucket: a timed-out attempt costs timeoutCost, and callEnded refunds what the success earned', () => {
    const b = RetryBudget.tokenBucket({ capacity: 100, retryCost: 5, timeoutCost: 10, successRefund: 1 });
    expect(b.allowRetry(ctx, report('failure', { timedOut: true }))).toBe(true);
    expect(b.tokens).toBe(90);
    expect(b.allowRetry(ctx, report('failure'))).toBe(true);
    expect(b.tokens).toBe(85);
    b.callEnded(ctx, ended(true, 3, true)); // succeeded on a retry after a timeout
    expect(b.tokens).toBe(95);
    b.callEnded(ctx, ended(true, 2)); // on an ordinary retry
    expect(b.tokens).toBe(100);
    b.allowRetry(ctx, report('failure'));
    b.callEnded(ctx, ended(false, 2)); // a failed call refunds nothing
    expect(b.tokens).toBe(95);
    b.callEnded(ctx, ended(true, 1)); // a first-try success
    expect(b.tokens).toBe(96);
    expect((RetryBudget.tokenBucket({ capacity: 4 }).allowRetry(ctx, report('failure')) as Refusal).reason).toBe('budget');
  });

  it('a RetryBudget subclass gets the strategy methods from its own three', () => {
    const seen: string[] = [];
    class Counting extends RetryBudget {
      get available(): number {
        return 0;
      }
      onCall(): void {
        seen.push('call');
      }
      tryRetry(afterTimeout: boolean): boolean {
        seen.push(`retry ${afterTimeout}`);
        return afterTimeout;
      }
      onSuccess(retried: boolean, afterTimeout: boolean): void {
        seen.push(`success ${retried} ${afterTimeout}`);
      }
    }
    const b = new Counting();
    b.callStarted();
    expect(b.allowRetry(ctx, report('failure', { timedOut: true }))).toBe(true);
    expect((b.allowRetry(ctx, report('failure')) as Refusal).reason).toBe('budget');
    b.callEnded(ctx, ended(true, 3, true));
    b.callEnded(ctx, ended(false, 3));
    expect(seen).toEqual(['call', 'retry true', 'retry false', 'success true true']);
  });
});

describe('AdaptiveRateLimiter as a strategy', () => {
  it('admits every attempt before a throttle; after one, asks the engine to wait', () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ beta: 0.5, clock });
    expect(l.beforeAttempt()).toBe(true);
    l.afterAttempt(ctx, report('failure', { throttled: true }));
    expect(l.enabled).toBe(true);
    const answer = l.beforeAttempt();
    expect(answer).toEqual({ waitMs: expect.any(Number) });
    expect((answer as { waitMs: number }).waitMs).toBeCloseTo(1000 / l.fillRate, 6);
  });

  it('an attempt that was not throttled regrows the rate instead', async () => {
    const clock = new ManualClock();
    const l = new AdaptiveRateLimiter({ clock, scaleConstant: 1e4 });
    for (let i = 0; i < 200; i++) {
      await clock.advance(10); // 100 results a second
      l.afterAttempt(ctx, report('success'));
    }
    l.afterAttempt(ctx, report('failure', { throttled: true }));
    const cut = l.fillRate;
    expect(cut).toBeCloseTo(0.7 * l.measuredTxRate, 6);
    await clock.advance(10);
    l.afterAttempt(ctx, report('success'));
    expect(l.fillRate).toBeGreaterThan(cut);
  });
});
