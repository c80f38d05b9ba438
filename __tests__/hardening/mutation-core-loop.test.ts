/**
 * Tests written to kill mutants Stryker left alive in src/core/loop.ts
 * (reports/mutation/areas/core-loop.json): what the registry is told (outcomes, elapsed
 * times), the fields of the hooks' events (`elapsedMs`, `retriesLeft`, the refusal as the
 * error of a circuit-open give-up), what a cancelled call rejects with, the attempt log of a
 * RetryExhaustedError, the budget's `retried` flag, and the listeners a call leaves behind.
 */
import { retry } from '../../src/api/retry.js';
import { withRetry } from '../../src/api/with-retry.js';
import type { AttemptContext, GiveUpEvent, RetryEvent } from '../../src/engine/types.js';
import type { CircuitBreakerLike, OperationRecorder, RateLimiterLike, RetryBudgetLike } from '../../src/engine/seams.js';
import { CircuitOpenError } from '../../src/errors/circuit-open-error.js';
import { RetryExhaustedError } from '../../src/errors/retry-exhausted-error.js';
import { RetryTimeoutError } from '../../src/errors/retry-timeout-error.js';
import type { RetryRegistry } from '../../src/registry/retry-registry.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { drive, networkError, scripted } from '../helpers/drive.js';

/** A registry that only writes down what the loop tells it. */
function fakeRegistry(): { registry: RetryRegistry; log: unknown[][]; operations: string[] } {
  const log: unknown[][] = [];
  const operations: string[] = [];
  const recorder: OperationRecorder & { live: boolean } = {
    live: true,
    callStarted: () => { log.push(['callStarted']); },
    attemptEnded: (...a) => { log.push(['attemptEnded', ...a]); },
    firstAttemptSucceeded: (...a) => { log.push(['firstAttemptSucceeded', ...a]); },
    callEnded: (...a) => { log.push(['callEnded', ...a]); },
  };
  const registry = { operation: (name: string) => { operations.push(name); return recorder; }, getStatistics: () => ({}) };
  return { registry: registry as unknown as RetryRegistry, log, operations };
}

function fakeBudget(): { budget: RetryBudgetLike; log: unknown[][] } {
  const log: unknown[][] = [];
  return {
    log,
    budget: {
      onCall: () => { log.push(['onCall']); },
      tryRetry: (t) => { log.push(['tryRetry', t]); return true; },
      onSuccess: (r, t) => { log.push(['onSuccess', r, t]); },
    },
  };
}

describe('loop: what the registry and the attempt log are told', () => {
  it('records a rejected result as "result", with the attempt log of the RetryExhaustedError', async () => {
    // loop.ts:72 StringLiteral 'result' -> ""; :81 ConditionalExpression -> false;
    // :82 ArithmeticOperator t1 - t0 -> t1 + t0; :83 BooleanLiteral false -> true; :83 t1 - t0 -> t1 + t0
    const clock = new ManualClock(1000);
    const { registry, log } = fakeRegistry();
    const boom = networkError('boom');
    let n = 0;
    const call = retry(async () => {
      n++;
      await clock.sleep(5);
      if (n === 1) throw boom;
      return 'bad';
    }, { clock, registry, operationName: 'op', maxRetries: 1, initialDelay: 10, retryOnResult: (r) => r === 'bad' });
    const out = await drive(clock, call);
    expect(out.ok).toBe(false);
    const error = (out as { error: RetryExhaustedError }).error;
    expect(error).toBeInstanceOf(RetryExhaustedError);
    const attempts = error.attempts;
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({ operationName: 'op', attemptNumber: 1, delay: 0, success: false, timestamp: 1000, durationMs: 5 });
    expect(attempts[0]).toHaveProperty('error');
    expect(attempts[1]).toEqual({ operationName: 'op', attemptNumber: 2, delay: 10, success: false, timestamp: 1015, durationMs: 5 });
    const ended = log.filter((e) => e[0] === 'attemptEnded');
    expect(ended.map((e) => e[3])).toEqual(['error', 'result']);
    expect(ended.map((e) => e[6])).toEqual([5, 5]);
    expect(log.at(-1)).toEqual(['callEnded', 2, 10, 'exhausted', 20]);
  });

  it('reports the elapsed time of a success to the registry and onSuccess', async () => {
    // loop.ts:293 ArithmeticOperator c.lastEnd - c.start -> c.lastEnd + c.start
    const clock = new ManualClock(1000);
    const { registry, log } = fakeRegistry();
    const successes: RetryEvent<string>[] = [];
    const { fn } = scripted(clock, [networkError()], 'ok');
    const out = await drive(clock, retry(fn, { clock, registry, maxRetries: 2, initialDelay: 10, onSuccess: (e) => { successes.push(e); } }));
    expect(out).toEqual({ ok: true, value: 'ok', at: 1010 });
    expect(log.at(-1)).toEqual(['callEnded', 2, 10, undefined, 10]);
    expect(successes).toHaveLength(1);
    expect(successes[0]).toMatchObject({ attempt: 2, result: 'ok', delay: 0, retriesLeft: 1, elapsedMs: 10 });
  });

  it('records an attempt cut short by the caller as an "error" with the abort reason', async () => {
    // loop.ts:250 StringLiteral 'error' -> ""; :246 ConditionalExpression -> false; :246 BlockStatement -> {}
    const clock = new ManualClock(1000);
    const { registry, log } = fakeRegistry();
    const controller = new AbortController();
    const reason = new Error('stop');
    const first = networkError('first');
    const giveUps: GiveUpEvent<string>[] = [];
    let n = 0;
    const call = retry(async () => {
      if (++n === 1) throw first;
      return new Promise<string>(() => undefined);
    }, { clock, registry, signal: controller.signal, maxRetries: 3, initialDelay: 10, onGiveUp: (e) => { giveUps.push(e); } });
    await clock.advance(10);
    controller.abort(reason);
    const out = await drive(clock, call);
    expect(out).toEqual({ ok: false, error: reason, at: 1010 });
    const ended = log.filter((e) => e[0] === 'attemptEnded');
    expect(ended.map((e) => [e[3], e[4]])).toEqual([['error', first], ['error', reason]]);
    // The last error stays the one of attempt 1: the cut-short attempt is not "the last error".
    expect(giveUps).toHaveLength(1);
    expect(giveUps[0]).toMatchObject({ reason: 'aborted', attempt: 2, error: first });
  });
});

describe('loop: hooks\' events', () => {
  it('gives onRetry the elapsed time since the call started', async () => {
    // loop.ts:115 ArithmeticOperator p.clock.now() - c.start -> p.clock.now() + c.start
    const clock = new ManualClock(1000);
    const retries: RetryEvent<string>[] = [];
    const { fn } = scripted(clock, [networkError(), networkError()], 'ok');
    const out = await drive(clock, retry(fn, { clock, maxRetries: 3, initialDelay: 10, onRetry: (e) => { retries.push(e); } }));
    expect(out.ok).toBe(true);
    expect(retries.map((e) => [e.attempt, e.delay, e.retriesLeft, e.elapsedMs])).toEqual([[1, 10, 3, 0], [2, 20, 2, 10]]);
  });

  it('gives onGiveUp the refusal of an open breaker, with the retries left', async () => {
    // loop.ts:313 ConditionalExpression -> false; :313 StringLiteral 'circuit-open' -> ""; :313 ObjectLiteral -> {};
    // :316 MethodExpression Math.max -> Math.min; :316 ArithmeticOperator p.maxRetries + 1 -> p.maxRetries - 1;
    // :214 StringLiteral message -> ``
    const clock = new ManualClock();
    let admit = 1;
    const breaker: CircuitBreakerLike = {
      tryAcquire: () => admit-- > 0, retryAfterMs: () => 42, onSuccess: () => undefined, onFailure: () => undefined, onIgnored: () => undefined,
    };
    const giveUps: GiveUpEvent<string>[] = [];
    const first = networkError('first');
    const { fn } = scripted(clock, [first], 'ok');
    const out = await drive(clock, retry(fn, { clock, circuitBreaker: breaker, operationName: 'svc', maxRetries: 3, initialDelay: 10, onGiveUp: (e) => { giveUps.push(e); } }));
    expect(out.ok).toBe(false);
    const refusal = (out as { error: CircuitOpenError }).error;
    expect(refusal).toBeInstanceOf(CircuitOpenError);
    expect(refusal.message).toBe('Circuit breaker is open: svc was not attempted');
    expect(refusal.cause).toBe(first);
    expect(refusal.retryAfterMs).toBe(42);
    expect(giveUps).toHaveLength(1);
    expect(giveUps[0]!.error).toBe(refusal);
    expect(giveUps[0]).toMatchObject({ reason: 'circuit-open', attempt: 1, retriesLeft: 3, delay: 0 });
  });

  it('builds the refusal of a breaker without retryAfterMs', async () => {
    // loop.ts:215 OptionalChaining breaker.retryAfterMs?.() -> breaker.retryAfterMs()
    const clock = new ManualClock();
    const breaker: CircuitBreakerLike = { tryAcquire: () => false, onSuccess: () => undefined, onFailure: () => undefined, onIgnored: () => undefined };
    const out = await drive(clock, retry(async () => 'ok', { clock, circuitBreaker: breaker }));
    expect(out.ok).toBe(false);
    expect((out as { error: unknown }).error).toBeInstanceOf(CircuitOpenError);
    expect(((out as { error: CircuitOpenError }).error).retryAfterMs).toBeUndefined();
  });

  it('does not call onRetry when the caller aborts while an async retryIf decides', async () => {
    // loop.ts:110 ConditionalExpression -> false
    const clock = new ManualClock();
    const controller = new AbortController();
    const reason = new Error('stop');
    const retries: unknown[] = [];
    const call = retry(async () => { throw networkError(); }, {
      clock, signal: controller.signal, maxRetries: 3, initialDelay: 0,
      retryIf: async () => { controller.abort(reason); return true; },
      onRetry: (e) => { retries.push(e); },
    });
    const out = await drive(clock, call);
    expect(out).toEqual({ ok: false, error: reason, at: 0 });
    expect(retries).toEqual([]);
  });

  it('ends a call aborted during its delay with onGiveUp and the registry told "aborted"', async () => {
    // loop.ts:128 BlockStatement -> {}
    const clock = new ManualClock();
    const { registry, log } = fakeRegistry();
    const controller = new AbortController();
    const reason = new Error('stop');
    const giveUps: GiveUpEvent<string>[] = [];
    const { fn } = scripted(clock, [networkError()], 'ok');
    const call = retry(fn, { clock, registry, signal: controller.signal, maxRetries: 3, initialDelay: 100, onGiveUp: (e) => { giveUps.push(e); } });
    await clock.advance(50);
    controller.abort(reason);
    const out = await drive(clock, call);
    expect(out).toEqual({ ok: false, error: reason, at: 50 });
    expect(giveUps.map((e) => e.reason)).toEqual(['aborted']);
    expect(log.at(-1)).toEqual(['callEnded', 1, 0, 'aborted', 50]);
  });
});

describe('loop: cancellation', () => {
  it('does not count a call whose signal was aborted before it started in the budget', async () => {
    // loop.ts:168 BooleanLiteral false -> true
    const clock = new ManualClock();
    const { budget, log } = fakeBudget();
    const controller = new AbortController();
    const reason = new Error('already');
    controller.abort(reason);
    let calls = 0;
    const out = await drive(clock, retry(async () => { calls++; return 'ok'; }, { clock, budget, signal: controller.signal }));
    expect(out).toEqual({ ok: false, error: reason, at: 0 });
    expect(calls).toBe(0);
    expect(log).toEqual([]);
  });

  it('keeps the deadline as the reason when the caller aborts once the deadline has passed', async () => {
    // loop.ts:187 ConditionalExpression -> false (x2); :187 LogicalOperator || -> &&
    const clock = new ManualClock();
    const controller = new AbortController();
    const call = retry((ctx: AttemptContext) => new Promise<string>(() => {
      // The attempt's signal aborts when the deadline passes; the caller aborts right then.
      ctx.signal.addEventListener('abort', () => controller.abort(new Error('late')));
    }), { clock, signal: controller.signal, timeout: 100 });
    const out = await drive(clock, call);
    expect(out.ok).toBe(false);
    expect((out as { error: unknown }).error).toBeInstanceOf(RetryTimeoutError);
    expect(out.at).toBe(100);
  });

  it('does not start an attempt when the deadline passes as its delay ends', async () => {
    // loop.ts:210 ConditionalExpression -> false
    const clock = new ManualClock();
    let calls = 0;
    const call = retry(async () => { calls++; throw networkError(); }, { clock, timeout: 100, maxRetries: 3, initialDelay: 100 });
    const out = await drive(clock, call);
    expect(out.ok).toBe(false);
    expect((out as { error: unknown }).error).toBeInstanceOf(RetryTimeoutError);
    expect(calls).toBe(1);
  });

  it('gives up "aborted" (not an internal failure) when the caller aborts during a rate limiter wait', async () => {
    // loop.ts:204 ConditionalExpression -> false; :204 EqualityOperator -> c.stop === undefined
    const clock = new ManualClock();
    const { registry, log } = fakeRegistry();
    const limiter: RateLimiterLike = { acquire: () => 50, onResult: () => undefined };
    const controller = new AbortController();
    const reason = new Error('stop');
    const giveUps: GiveUpEvent<string>[] = [];
    const call = retry(async () => 'ok', { clock, registry, rateLimiter: limiter, signal: controller.signal, onGiveUp: (e) => { giveUps.push(e); } });
    await clock.advance(120);
    controller.abort(reason);
    const out = await drive(clock, call);
    expect(out).toEqual({ ok: false, error: reason, at: 120 });
    expect(giveUps.map((e) => [e.reason, e.attempt])).toEqual([['aborted', 0]]);
    expect(log.at(-1)).toEqual(['callEnded', 0, 0, 'aborted', 120]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not abort the signal of an attempt that already ended when the call ends', async () => {
    // loop.ts:244 ConditionalExpression -> false; :244 StringLiteral -> ""; :257 ConditionalExpression -> false; :257 StringLiteral -> ""
    const clock = new ManualClock();
    const controller = new AbortController();
    const signals: AbortSignal[] = [];
    let n = 0;
    const call = retry(async (ctx: AttemptContext) => {
      signals.push(ctx.signal);
      if (++n === 1) throw networkError();
      return 'ok';
    }, { clock, signal: controller.signal, maxRetries: 2, initialDelay: 10 });
    const out = await drive(clock, call);
    expect(out).toEqual({ ok: true, value: 'ok', at: 10 });
    expect(signals.map((s) => s.aborted)).toEqual([false, false]);
  });
});

describe('loop: budget and the attempt context', () => {
  it('tells the budget a first-attempt success was not retried', async () => {
    // loop.ts:296 ConditionalExpression -> true; :296 EqualityOperator c.attempt > 1 -> c.attempt >= 1
    const clock = new ManualClock();
    const { budget, log } = fakeBudget();
    const out = await drive(clock, retry(async () => 'ok', { clock, budget }));
    expect(out).toEqual({ ok: true, value: 'ok', at: 0 });
    expect(log).toEqual([['onCall'], ['onSuccess', false, false]]);
  });

  it('gives each attempt of the full path its number and the retries left', async () => {
    // loop.ts:241 ArithmeticOperator p.maxRetries + 1 - n -> p.maxRetries + 1 + n; p.maxRetries + 1 -> p.maxRetries - 1
    const clock = new ManualClock();
    const { budget } = fakeBudget();
    const seen: [number, number][] = [];
    let n = 0;
    const out = await drive(clock, retry(async (ctx: AttemptContext) => {
      seen.push([ctx.attempt, ctx.retriesLeft]);
      if (++n < 3) throw networkError();
      return 'ok';
    }, { clock, budget, maxRetries: 3, initialDelay: 10 }));
    expect(out.ok).toBe(true);
    expect(seen).toEqual([[1, 3], [2, 2], [3, 1]]);
  });
});

/** A ManualClock whose sleeps of `ms` reject with `error` (an internal failure of the clock). */
class FailingClock extends ManualClock {
  constructor(start: number, private readonly failing: number, private readonly error: Error) { super(start); }
  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return ms === this.failing ? Promise.reject(this.error) : super.sleep(ms, signal);
  }
}

describe('loop: a clock that fails', () => {
  it('rejects with the error of a failing delay, and the registry counts the call as ended', async () => {
    // loop.ts:129 ConditionalExpression -> true; :335 StringLiteral 'non-retryable' -> ""; :335 c.lastEnd - c.start -> c.lastEnd + c.start
    const broken = new Error('clock broke');
    const clock = new FailingClock(1000, 10, broken);
    const { registry, log } = fakeRegistry();
    const controller = new AbortController();
    const call = retry(async () => { await clock.sleep(5); throw networkError(); }, { clock, registry, signal: controller.signal, maxRetries: 2, initialDelay: 10 });
    const out = await drive(clock, call);
    expect(out).toEqual({ ok: false, error: broken, at: 1005 });
    expect(log.at(-1)).toEqual(['callEnded', 1, 0, 'non-retryable', 5]);
  });

  it('rejects with the clock\'s error when no registry is set', async () => {
    // loop.ts:335 OptionalChaining c.recorder?.callEnded -> c.recorder.callEnded
    const broken = new Error('clock broke');
    const clock = new FailingClock(0, 10, broken);
    const { budget } = fakeBudget();
    const { fn } = scripted(clock, [networkError()], 'ok');
    const out = await drive(clock, retry(fn, { clock, budget, registry: false, maxRetries: 2, initialDelay: 10 }));
    expect(out).toEqual({ ok: false, error: broken, at: 0 });
  });

  it('rejects with the error of a failing rate limiter wait', async () => {
    // loop.ts:203 BlockStatement -> {}; :204 ConditionalExpression -> true
    const broken = new Error('clock broke');
    const clock = new FailingClock(0, 50, broken);
    const waits = [50, 0];
    const limiter: RateLimiterLike = { acquire: () => waits.shift() ?? 0, onResult: () => undefined };
    let calls = 0;
    const out = await drive(clock, retry(async () => { calls++; return 'ok'; }, { clock, rateLimiter: limiter }));
    expect(out).toEqual({ ok: false, error: broken, at: 0 });
    expect(calls).toBe(0);
  });
});

describe('loop: more of the full path', () => {
  it('rejects with what retryOnResult threw on the full path, without asking retryIf', async () => {
    // loop.ts:270 BlockStatement -> {}; :271 BooleanLiteral true -> false; :272 BooleanLiteral true -> false
    const clock = new ManualClock();
    const { budget } = fakeBudget();
    const thrown = new Error('predicate');
    const asked: unknown[] = [];
    let calls = 0;
    const out = await drive(clock, retry(async () => { calls++; return 'v'; }, {
      clock, budget, maxRetries: 3, initialDelay: 10,
      retryOnResult: () => { throw thrown; },
      retryIf: (e) => { asked.push(e); return true; },
    }));
    expect(out).toEqual({ ok: false, error: thrown, at: 0 });
    expect(calls).toBe(1);
    expect(asked).toEqual([]);
  });

  it('does not start an attempt when the caller aborts as the delay ends', async () => {
    // loop.ts:210 ConditionalExpression -> false
    const clock = new ManualClock();
    const { registry, log } = fakeRegistry();
    const controller = new AbortController();
    const reason = new Error('stop');
    void clock.sleep(10).then(() => controller.abort(reason));
    let calls = 0;
    const call = retry(async () => { calls++; throw networkError(); }, { clock, registry, signal: controller.signal, maxRetries: 3, initialDelay: 10 });
    const out = await drive(clock, call);
    expect(out).toEqual({ ok: false, error: reason, at: 10 });
    expect(calls).toBe(1);
    expect(log.filter((e) => e[0] === 'attemptEnded')).toHaveLength(1);
  });

  it('asks the registry for an operation\'s recorder once, not on every call of a wrapper', async () => {
    // loop.ts:33 ConditionalExpression -> true
    const clock = new ManualClock();
    const { registry, operations } = fakeRegistry();
    const { budget } = fakeBudget();
    const wrapped = withRetry(async (x: number) => x * 2, { clock, registry, budget, operationName: 'double' });
    expect(await drive(clock, wrapped(1))).toEqual({ ok: true, value: 2, at: 0 });
    expect(await drive(clock, wrapped(2))).toEqual({ ok: true, value: 4, at: 0 });
    expect(operations).toEqual(['double']);
  });
});
