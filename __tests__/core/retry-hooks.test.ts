import { retry } from '../../src/api/retry.js';
import type { Strategy } from '../../src/strategies/strategy.js';
import { CircuitOpenError, isCircuitOpenError } from '../../src/errors/circuit-open-error.js';
import { isRetryBudgetExhaustedError, RetryBudgetExhaustedError } from '../../src/errors/retry-budget-exhausted-error.js';
import { isRetryExhaustedError } from '../../src/errors/retry-exhausted-error.js';
import { RetryRegistry } from '../../src/registry/retry-registry.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { drive, networkError, scripted } from '../helpers/drive.js';

describe('hooks', () => {
  let clock: ManualClock;
  let registry: RetryRegistry;
  beforeEach(() => {
    clock = new ManualClock();
    registry = new RetryRegistry();
  });

  test('onRetry gets one frozen event per retry, before its delay', async () => {
    const errors = [networkError('a'), networkError('b')];
    const events: unknown[] = [];
    await drive(clock, retry(scripted(clock, errors, 'ok').fn, {
      clock, registry, operationName: 'op',
      onRetry: (e) => { expect(Object.isFrozen(e)).toBe(true); events.push({ ...e, at: clock.now() }); },
    }));
    expect(events).toEqual([
      { operationName: 'op', attempt: 1, error: errors[0], delay: 1000, retriesLeft: 3, elapsedMs: 0, at: 0 },
      { operationName: 'op', attempt: 2, error: errors[1], delay: 2000, retriesLeft: 2, elapsedMs: 1000, at: 1000 },
    ]);
  });

  test('onSuccess and onGiveUp are called once per call with the outcome', async () => {
    const onSuccess = jest.fn();
    const onGiveUp = jest.fn();
    await drive(clock, retry(scripted(clock, [networkError()], 'value').fn, { clock, registry, onSuccess, onGiveUp, operationName: 'op' }));
    expect(onSuccess).toHaveBeenCalledTimes(1);
    expect(onSuccess).toHaveBeenCalledWith({ operationName: 'op', attempt: 2, result: 'value', delay: 0, retriesLeft: 2, elapsedMs: 1000 });
    expect(onGiveUp).not.toHaveBeenCalled();
    const last = networkError('last');
    await drive(clock, retry(scripted(clock, [networkError(), last], 1).fn, { clock, registry, onSuccess, onGiveUp, maxRetries: 1, operationName: 'op' }));
    expect(onSuccess).toHaveBeenCalledTimes(1);
    expect(onGiveUp).toHaveBeenCalledWith({ operationName: 'op', attempt: 2, error: last, delay: 0, retriesLeft: 0, elapsedMs: 1000, reason: 'exhausted' });
  });

  test('onSuccess on the lean path reports the first attempt', async () => {
    const onSuccess = jest.fn();
    await retry(async () => 7, { clock, registry, onSuccess });
    expect(onSuccess).toHaveBeenCalledWith(expect.objectContaining({ attempt: 1, result: 7, retriesLeft: 3 }));
  });

  test('an async onRetry is awaited before the delay starts', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const { fn, calls } = scripted(clock, [networkError()], 'ok');
    const call = retry(fn, { clock, registry, onRetry: () => gate });
    await clock.advance(5000);
    expect(calls).toEqual([0]);
    expect(clock.pendingTimers).toBe(0);
    release();
    const out = await drive(clock, call);
    expect(out).toMatchObject({ ok: true, at: 6000 });
  });

  test('a hook that throws or rejects does not change the call, and is reported', async () => {
    const reported: Array<[unknown, string]> = [];
    const boom = new Error('hook bug');
    const out = await drive(clock, retry(scripted(clock, [networkError()], 'fine').fn, {
      clock, registry,
      onRetry: async () => { throw boom; },
      onSuccess: () => { throw boom; },
      onHookError: (e, hook) => reported.push([e, hook]),
    }));
    expect(out).toMatchObject({ ok: true, value: 'fine', at: 1000 });
    await clock.advance(0);
    expect(reported).toEqual([[boom, 'onRetry'], [boom, 'onSuccess']]);
    const error = networkError();
    const failed = await drive(clock, retry(scripted(clock, [error], 1).fn, {
      clock, registry, maxRetries: 0, onGiveUp: () => { throw boom; }, onHookError: (e, hook) => reported.push([e, hook]),
    }));
    expect(!failed.ok && failed.error).toBe(error);
    expect(reported.at(-1)).toEqual([boom, 'onGiveUp']);
  });

  test('without onHookError a throwing hook becomes a process warning', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      await retry(async () => 1, { clock, registry, onSuccess: () => { throw new Error('oops'); } });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('onSuccess hook threw: oops'), expect.objectContaining({ type: 'MaestroRetryWarning' }));
    } finally {
      warn.mockRestore();
    }
  });
});

describe('policies as the loop sees them', () => {
  let clock: ManualClock;
  let registry: RetryRegistry;
  beforeEach(() => {
    clock = new ManualClock();
    registry = new RetryRegistry();
  });

  function stubBreaker(admit: boolean[]): Strategy & { log: string[] } {
    const log: string[] = [];
    return {
      log,
      beforeAttempt: (ctx) => {
        const ok = admit.shift() ?? true;
        log.push(ok ? 'acquire' : 'refuse');
        return ok ? true : { reason: 'circuit-open', error: new CircuitOpenError('open', { cause: ctx.lastError, retryAfterMs: 1234 }) };
      },
      afterAttempt: (_ctx, report) => { log.push(report.verdict === 'failure' ? 'failure' : report.verdict); },
    };
  }

  test('the breaker sees every attempt exactly once: failures, successes, ignored', async () => {
    const breaker = stubBreaker([]);
    await drive(clock, retry(scripted(clock, [networkError(), new Error('bad request')], 1).fn, { clock, registry, circuitBreaker: breaker }));
    expect(breaker.log).toEqual(['acquire', 'failure', 'acquire', 'ignored']);
    breaker.log.length = 0;
    await drive(clock, retry(scripted(clock, [networkError()], 1).fn, { clock, registry, circuitBreaker: breaker }));
    expect(breaker.log).toEqual(['acquire', 'failure', 'acquire', 'success']);
  });

  test('a refused attempt fails fast with CircuitOpenError, reason circuit-open', async () => {
    const breaker = stubBreaker([true, false]);
    const first = networkError();
    const onGiveUp = jest.fn();
    const out = await drive(clock, retry(scripted(clock, [first, networkError()], 1).fn, { clock, registry, circuitBreaker: breaker, onGiveUp }));
    expect(out.ok).toBe(false);
    const error = (out as { error: CircuitOpenError }).error;
    expect(isCircuitOpenError(error)).toBe(true);
    expect(error.cause).toBe(first);
    expect(error.retryAfterMs).toBe(1234);
    expect(onGiveUp.mock.calls[0][0]).toMatchObject({ reason: 'circuit-open', attempt: 1 });
    expect(registry.getStatistics()).toMatchObject({ attempts: 1, giveUpReasons: { 'circuit-open': 1 } });
  });

  test('a cancelled attempt is reported to the breaker as ignored', async () => {
    const breaker = stubBreaker([]);
    const controller = new AbortController();
    const call = retry(() => new Promise(() => undefined), { clock, registry, circuitBreaker: breaker, signal: controller.signal });
    await clock.advance(1);
    controller.abort('x');
    await expect(call).rejects.toBe('x');
    expect(breaker.log).toEqual(['acquire', 'ignored']);
  });

  function stubBudget(grants: boolean[]): Strategy & { log: string[] } {
    const log: string[] = [];
    return {
      log,
      callStarted: () => { log.push('call'); },
      allowRetry: (_ctx, report) => {
        const ok = grants.shift() ?? true;
        log.push(`retry:${report.timedOut}:${ok}`);
        return ok ? true : { reason: 'budget', error: new RetryBudgetExhaustedError({ operationName: 'x', errors: [], attempts: [], elapsedMs: 0 }) };
      },
      callEnded: (_ctx, report) => { if (report.success) log.push(`success:${report.attempts > 1}:${report.lastRetryAfterTimeout}`); },
    };
  }

  test('the budget is told of the call, asked before each retry, told of the success', async () => {
    const budget = stubBudget([]);
    const timeout = Object.assign(new Error('t'), { code: 'ETIMEDOUT' });
    await drive(clock, retry(scripted(clock, [networkError(), timeout], 1).fn, { clock, registry, budget }));
    expect(budget.log).toEqual(['call', 'retry:false:true', 'retry:true:true', 'success:true:true']);
  });

  test('a refused retry ends the call with reason budget and the last error (wrapped with wrapError)', async () => {
    const last = networkError();
    const out = await drive(clock, retry(scripted(clock, [last], 1).fn, { clock, registry, budget: stubBudget([false]) }));
    expect(!out.ok && out.error).toBe(last);
    expect(out.at).toBe(0);
    const wrapped = await drive(clock, retry(scripted(clock, [last], 1).fn, { clock, registry, budget: stubBudget([false]), wrapError: true }));
    const error = (wrapped as { error: RetryBudgetExhaustedError }).error;
    expect(isRetryBudgetExhaustedError(error)).toBe(true);
    expect(isRetryExhaustedError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'budget', cause: last, name: 'RetryBudgetExhaustedError' });
    expect(registry.getStatistics().giveUpReasons).toEqual({ budget: 2 });
  });

  test('the rate limiter is asked before every attempt, again after each wait, and its waits go through the clock', async () => {
    // attempt 1: 250, then 0 (go); attempt 2: 400, then 0; attempt 3: 0
    const waits = [250, 0, 400, 0, 0];
    const results: boolean[] = [];
    const limiter: Strategy = {
      beforeAttempt: () => { const wait = waits.shift() ?? 0; return wait === 0 ? true : { waitMs: wait }; },
      afterAttempt: (_ctx, report) => { results.push(report.throttled); },
    };
    const throttled = Object.assign(new Error('slow down'), { status: 429 });
    const { fn, calls } = scripted(clock, [throttled, networkError()], 'ok');
    const out = await drive(clock, retry(fn, { clock, registry, rateLimiter: limiter }));
    expect(calls).toEqual([250, 250 + 1000 + 400, 1650 + 2000]);
    expect(out).toMatchObject({ ok: true, at: 3650 });
    expect(waits).toEqual([]);
    expect(results).toEqual([true, false, false]);
  });
});
