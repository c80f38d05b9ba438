/**
 * Issue 8, item 2: tests written to kill the mutants Stryker left alive in src/core/decide.ts,
 * src/core/failure.ts and src/core/call.ts: the decision order (a predicate that threw, then
 * `abortOn`, then `retryOn`), what `retryIf` is told, a Retry-After hint against `maxDelay`
 * and the deadline (`>=` vs `>`), the fields of the RetryTimeoutError and RetryExhaustedError
 * a call rejects with, and the outcome reported for events. The equivalent survivors are
 * listed (with reasons) in reports/mutation/areas/core-loop-decide.verdicts.txt.
 */
import { Call, type OperationSlot } from '../../src/engine/call.js';
import { classify, decide, decideAfterRetryIf } from '../../src/decision/decide.js';
import { failureOf, outcome } from '../../src/engine/failure.js';
import type { Policy } from '../../src/engine/options.js';
import { CircuitOpenError } from '../../src/errors/circuit-open-error.js';
import { RetryExhaustedError } from '../../src/errors/retry-exhausted-error.js';
import { RetryTimeoutError } from '../../src/errors/retry-timeout-error.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { retry } from '../../src/api/retry.js';
import { drive, networkError } from '../helpers/drive.js';

class Fatal extends Error {}
class Other extends Error {}

/** A policy with fixed delays (no jitter), no deadline and no policies, overridable. */
function policy(clock: ManualClock, over: Record<string, unknown> = {}): Policy<unknown> {
  return {
    maxRetries: 3, initialDelay: 100, backoffBase: 2, maxDelay: 10_000, jitter: 'none', random: () => 0.5,
    retryOn: [], abortOn: [], retryIf: undefined, retryOnResult: undefined, timeout: undefined,
    attemptTimeout: undefined, signal: undefined, operationName: 'op', registry: undefined,
    circuitBreaker: undefined, budget: undefined, rateLimiter: undefined, onRetry: undefined,
    onSuccess: undefined, onGiveUp: undefined, onHookError: undefined, wrapError: false, clock,
    lean: false, timed: true, ...over,
  } as unknown as Policy<unknown>;
}

const slot: OperationSlot = { name: 'op', recorder: undefined };

/** A call whose first attempt failed with `error` at `start`. */
function failedCall(p: Policy<unknown>, error: unknown, start = 0): Call<unknown> {
  const c = new Call(p, slot, () => undefined, undefined, undefined);
  c.start = start;
  c.lastEnd = start;
  c.attempt = 1;
  c.failed = true;
  c.hasError = true;
  c.error = error;
  return c;
}

describe('classify: the decision order without retryIf', () => {
  it('refuses a retry once a predicate threw, even for a transient error', () => {
    // kills decide.ts:19 ConditionalExpression (`if (false)`) and BooleanLiteral (`return true`)
    const c = failedCall(policy(new ManualClock()), networkError());
    expect(classify(c)).toBe(true);
    c.predicateThrew = true;
    expect(classify(c)).toBe(false);
  });

  it('lets abortOn win over a transient error and over retryOn', () => {
    // kills decide.ts:23 ConditionalExpression (`if (false)`), EqualityOperator (`length <= 0`)
    // and BooleanLiteral (`return true`)
    const clock = new ManualClock();
    const fatal = Object.assign(new Fatal('boom'), { code: 'ECONNRESET' });
    expect(classify(failedCall(policy(clock), fatal))).toBe(true);
    expect(classify(failedCall(policy(clock, { abortOn: [Fatal] }), fatal))).toBe(false);
    expect(classify(failedCall(policy(clock, { abortOn: [Fatal], retryOn: [Fatal] }), fatal))).toBe(false);
    expect(classify(failedCall(policy(clock, { abortOn: [Other] }), fatal))).toBe(true);
    expect(classify(failedCall(policy(clock, { retryOn: [Fatal] }), new Fatal('x')))).toBe(true);
  });
});

describe('decideAfterRetryIf', () => {
  it('asks retryIf when abortOn does not match, and tells it the elapsed time', async () => {
    // kills decide.ts:33 LogicalOperator (`length > 0 || matchesAny`) and decide.ts:38
    // ArithmeticOperator (`c.lastEnd + c.start`)
    const clock = new ManualClock();
    const seen: unknown[] = [];
    const p = policy(clock, { abortOn: [Fatal], retryIf: (_e: unknown, ctx: unknown) => { seen.push(ctx); return true; } });
    const c = failedCall(p, new Other('x'), 100);
    c.lastEnd = 250;
    expect(await decideAfterRetryIf(c)).toBe(100);
    expect(seen).toEqual([{ operationName: 'op', attempt: 1, retriesLeft: 3, elapsedMs: 150 }]);
    const aborted = failedCall(p, new Fatal('f'));
    expect(await decideAfterRetryIf(aborted)).toBe('non-retryable');
    expect(seen).toHaveLength(1);
  });

  it('ends the call with the predicate error and marks the predicate as thrown', async () => {
    // kills decide.ts:44 BooleanLiteral (`predicateThrew = false`)
    const oops = new Error('predicate');
    const p = policy(new ManualClock(), { retryIf: () => { throw oops; } });
    const c = failedCall(p, networkError());
    expect(await decideAfterRetryIf(c)).toBe('non-retryable');
    expect(c.error).toBe(oops);
    expect(c.predicateThrew).toBe(true);
    expect(classify(c)).toBe(false);
  });
});

describe('decide: Retry-After against maxDelay and the deadline', () => {
  it('waits a hint that fits before the deadline, and gives up (retry-after) on one reaching it exactly', () => {
    // kills decide.ts:67 LogicalOperator (`timeout !== undefined || elapsed + hint >= timeout`),
    // ConditionalExpression (`&& true`) and EqualityOperator (`elapsed + hint > timeout`)
    const clock = new ManualClock();
    const p = policy(clock, { timeout: 1_000 });
    expect(decide(failedCall(p, Object.assign(networkError(), { retryAfter: 500 })), true)).toBe(500);
    const atDeadline = failedCall(p, Object.assign(networkError(), { retryAfter: 1_000 }));
    expect(decide(atDeadline, true)).toBe('retry-after');
    expect(atDeadline.stopError).toBeUndefined();
  });

  it('gives up (timeout) when the backoff delay reaches the deadline exactly, with a full RetryTimeoutError', async () => {
    // kills decide.ts:70 EqualityOperator (`elapsed + delay > timeout`) and decide.ts:71 ObjectLiteral (`{}`)
    const clock = new ManualClock();
    await clock.advance(300);
    const p = policy(clock, { timeout: 400 });
    const cause = networkError();
    const c = failedCall(p, cause, 0);
    expect(decide(c, true)).toBe('timeout');
    const e = c.stopError as RetryTimeoutError;
    expect(e).toBeInstanceOf(RetryTimeoutError);
    expect(e).toMatchObject({ operationName: 'op', timeout: 400, elapsedMs: 300, attemptCount: 1 });
    expect(e.cause).toBe(cause);
    // one ms short of the deadline: the retry goes ahead
    expect(decide(failedCall(policy(clock, { timeout: 401 }), cause, 0), true)).toBe(100);
  });
});

describe('failureOf and outcome: what a call reports and rejects with', () => {
  it('reports the last error, or the last rejected result, as the outcome', () => {
    // kills failure.ts:13 ObjectLiteral (`{}` for the result case)
    const err = networkError();
    const c = failedCall(policy(new ManualClock()), err);
    expect(outcome(c)).toEqual({ error: err });
    c.hasError = false;
    c.hasResult = true;
    c.value = 'bad';
    expect(outcome(c)).toEqual({ result: 'bad' });
  });

  it('builds a RetryTimeoutError with its fields when no stop error was kept', () => {
    // kills failure.ts:21 ObjectLiteral (`{}`)
    const err = networkError();
    const c = failedCall(policy(new ManualClock(), { timeout: 250 }), err);
    c.attempt = 2;
    const e = failureOf(c, 'timeout', 260) as RetryTimeoutError;
    expect(e).toBeInstanceOf(RetryTimeoutError);
    expect(e).toMatchObject({ operationName: 'op', timeout: 250, elapsedMs: 260, attemptCount: 2 });
    expect(e.cause).toBe(err);
  });

  it('rejects with the breaker refusal (not the rejected result) when the circuit opens after retryOnResult', () => {
    // kills failure.ts:23 ConditionalExpression (`hasResult && true`) and StringLiteral (`!== ""`)
    const p = policy(new ManualClock(), { retryOnResult: () => true });
    const c = new Call(p, slot, () => undefined, undefined, undefined);
    c.attempt = 1;
    c.hasResult = true;
    c.value = 'bad';
    c.refusal = new CircuitOpenError('open', { retryAfterMs: 10 });
    expect(failureOf(c, 'circuit-open', 5)).toBe(c.refusal);
    // while a rejected result ending the call otherwise is wrapped
    const e = failureOf(c, 'exhausted', 5) as RetryExhaustedError;
    expect(e).toBeInstanceOf(RetryExhaustedError);
    expect(e.lastResult).toBe('bad');
  });

  it('wraps a circuit refusal with the refusal as cause', () => {
    // kills failure.ts:31 ObjectLiteral (`{}`), ConditionalExpression (`false ? ...`) and StringLiteral (`=== ""`)
    const p = policy(new ManualClock(), { wrapError: true });
    const c = new Call(p, slot, () => undefined, undefined, undefined);
    c.refusal = new CircuitOpenError('open', { retryAfterMs: 10 });
    const e = failureOf(c, 'circuit-open', 0) as RetryExhaustedError;
    expect(e).toBeInstanceOf(RetryExhaustedError);
    expect(e.reason).toBe('circuit-open');
    expect(e.cause).toBe(c.refusal);
    expect('lastResult' in e && e.lastResult !== undefined).toBe(false);
    expect(e.errors).toEqual([]);
  });
});

describe('Call: the state before the first attempt', () => {
  it('reports no outcome for a call aborted before its first attempt', async () => {
    // kills call.ts:32 BooleanLiteral (`hasError = true`) and call.ts:34 BooleanLiteral (`hasResult = true`)
    const clock = new ManualClock();
    const events: object[] = [];
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    let calls = 0;
    const settled = await drive(clock, retry(() => { calls++; return 1; }, {
      clock, signal: controller.signal, onGiveUp: (e) => { events.push(e); },
    }));
    expect(settled.ok).toBe(false);
    expect(calls).toBe(0);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ attempt: 0, reason: 'aborted' });
    expect('error' in events[0]).toBe(false);
    expect('result' in events[0]).toBe(false);
  });

  it('tells the budget a first-attempt success was neither a retry nor after a timeout', async () => {
    // kills call.ts:41 BooleanLiteral (`retryAfterTimeout = true`)
    const clock = new ManualClock();
    const reports: unknown[] = [];
    const budget = {
      onCall: () => { reports.push('call'); },
      tryRetry: () => true,
      onSuccess: (retried: boolean, afterTimeout: boolean) => { reports.push([retried, afterTimeout]); },
    };
    const settled = await drive(clock, retry(() => 7, { clock, budget }));
    expect(settled).toMatchObject({ ok: true, value: 7 });
    expect(reports).toEqual(['call', [false, false]]);
  });
});
