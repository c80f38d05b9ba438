/**
 * The bridge end to end: calls through the real `retry()` on a ManualClock, the bridge
 * subscribed to a real registry, read back through the real metrics and tracing SDKs.
 */
import { trace } from '@opentelemetry/api';
import { AdaptiveRateLimiter, CircuitBreaker, ManualClock, retry, RetryBudget, RetryRegistry } from 'maestro-retry';
import { createRetryTelemetry } from '../../src/otel/index.js';
import { ConnResetError, runScenario, SCENARIO, scriptedCall } from './scenario.js';
import { histogram, pointsOf, startMetricSdk, startTraceSdk, total } from './sdk.js';

describe('telemetry of real calls', () => {
  it('gives exact counts, histogram counts and sums for a scripted load', async () => {
    const sdk = startMetricSdk();
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const telemetry = createRetryTelemetry({ meterProvider: sdk.provider });
    const stop = registry.subscribe(telemetry);
    await runScenario({ clock, registry });
    const m = await sdk.collect();

    const calls = m.get('maestro_retry.calls');
    expect(pointsOf(calls).map((p) => [p.attributes, p.value])).toEqual(expect.arrayContaining([
      [{ 'maestro_retry.operation.name': 'users.get', 'maestro_retry.outcome': 'success' }, 2],
      [{ 'maestro_retry.operation.name': 'orders.put', 'maestro_retry.outcome': 'failure', 'maestro_retry.give_up.reason': 'exhausted', 'error.type': 'ConnResetError' }, 1],
      [{ 'maestro_retry.operation.name': 'orders.put', 'maestro_retry.outcome': 'failure', 'maestro_retry.give_up.reason': 'non-retryable', 'error.type': 'PermanentError' }, 1],
    ]));
    expect(total(calls)).toBe(4);

    const attempts = m.get('maestro_retry.attempts');
    expect(total(attempts)).toBe(SCENARIO.attempts);
    expect(total(attempts, { 'maestro_retry.operation.name': 'users.get', 'maestro_retry.outcome': 'error', 'error.type': 'ConnResetError' })).toBe(2);
    expect(total(attempts, { 'maestro_retry.operation.name': 'orders.put', 'maestro_retry.outcome': 'error' })).toBe(3);
    expect(total(attempts, { 'maestro_retry.outcome': 'success' })).toBe(2);

    expect(histogram(m.get('maestro_retry.attempt.duration'))).toEqual({ count: SCENARIO.attempts, sum: expect.closeTo(SCENARIO.attemptSeconds, 9) });
    expect(histogram(m.get('maestro_retry.call.duration'), { 'maestro_retry.operation.name': 'users.get' })).toEqual({ count: 2, sum: expect.closeTo(SCENARIO.usersGetSeconds, 9) });
    expect(histogram(m.get('maestro_retry.call.duration'), { 'maestro_retry.operation.name': 'orders.put' })).toEqual({ count: 2, sum: expect.closeTo(SCENARIO.ordersPutSeconds, 9) });
    expect(histogram(m.get('maestro_retry.retry.delay'))).toEqual({ count: SCENARIO.retryDelays, sum: expect.closeTo(SCENARIO.retryDelaySeconds, 9) });
    expect(histogram(m.get('maestro_retry.call.retries'))).toEqual({ count: 2, sum: 3 });

    // The registry's own counts agree.
    const stats = registry.getStatistics();
    expect([stats.calls, stats.attempts, stats.successes, stats.failures]).toEqual([4, SCENARIO.attempts, 2, 2]);
    stop();
    await sdk.shutdown();
  });

  it('works as a per-call observer too', async () => {
    const sdk = startMetricSdk();
    const clock = new ManualClock();
    const telemetry = createRetryTelemetry({ meterProvider: sdk.provider });
    await scriptedCall({ clock, registry: new RetryRegistry(), observers: [telemetry] }, 'alone', [[5, new ConnResetError('x')], [5]]);
    const m = await sdk.collect();
    expect(total(m.get('maestro_retry.attempts'), { 'maestro_retry.operation.name': 'alone' })).toBe(2);
    await sdk.shutdown();
  });

  it("puts retry events and the resend count on the caller's span", async () => {
    const sdk = startTraceSdk();
    try {
      const clock = new ManualClock();
      const telemetry = createRetryTelemetry();
      const registry = new RetryRegistry();
      registry.subscribe(telemetry);
      const tracer = trace.getTracer('test');
      let attempt = 0;
      const done = tracer.startActiveSpan('GET /checkout', async (span) => {
        await retry(async () => {
          await clock.sleep(10);
          if (++attempt < 3) throw new ConnResetError('read ECONNRESET');
          return 'ok';
        }, { operationName: 'payments.charge', clock, registry, initialDelay: 100, jitter: 'none' });
        span.end();
      });
      await clock.runAll();
      await done;
      const [span] = sdk.exporter.getFinishedSpans();
      expect(span!.name).toBe('GET /checkout');
      expect(span!.attributes['maestro_retry.resend_count']).toBe(2);
      expect(span!.events.map((e) => [e.name, e.attributes])).toEqual([
        ['maestro_retry.retry', { 'maestro_retry.operation.name': 'payments.charge', 'maestro_retry.attempt': 1, 'maestro_retry.retry.delay_ms': 100, 'error.type': 'ConnResetError' }],
        ['maestro_retry.retry', { 'maestro_retry.operation.name': 'payments.charge', 'maestro_retry.attempt': 2, 'maestro_retry.retry.delay_ms': 200, 'error.type': 'ConnResetError' }],
      ]);
    } finally {
      await sdk.shutdown();
    }
  });

  it('reports the real policies: a breaker opening, a budget refusing, a limiter throttled', async () => {
    const sdk = startMetricSdk();
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const telemetry = createRetryTelemetry({ meterProvider: sdk.provider });
    registry.subscribe(telemetry);
    const breaker = new CircuitBreaker({ name: 'payments', failureThreshold: 2, resetTimeout: 60_000, clock });
    const budget = RetryBudget.tokenBucket({ name: 'aws', capacity: 10, retryCost: 5 });
    const limiter = new AdaptiveRateLimiter({ name: 's3', clock });
    const stops = [telemetry.watch(breaker), telemetry.watch(budget), telemetry.watch(limiter)];
    const failing = (error: () => Error) => async () => {
      await clock.sleep(5);
      throw error();
    };
    const run = async (operationName: string, fn: () => Promise<never>, policy: object): Promise<void> => {
      const p = retry(fn, { operationName, clock, registry, initialDelay: 100, jitter: 'none', maxRetries: 5, ...policy }).catch(() => undefined);
      await clock.runAll();
      await p;
    };
    await run('pay', failing(() => new ConnResetError('reset')), { circuitBreaker: breaker });
    await run('put', failing(() => new ConnResetError('reset')), { budget });
    await run('list', failing(() => Object.assign(new Error('Too Many Requests'), { status: 429 })), { rateLimiter: limiter, maxRetries: 1 });
    const m = await sdk.collect();

    const calls = m.get('maestro_retry.calls');
    expect(total(calls, { 'maestro_retry.operation.name': 'pay', 'maestro_retry.give_up.reason': 'circuit-open' })).toBe(1);
    expect(total(calls, { 'maestro_retry.operation.name': 'put', 'maestro_retry.give_up.reason': 'budget' })).toBe(1);
    const events = m.get('maestro_retry.policy.events');
    expect(pointsOf(events, { 'maestro_retry.policy.name': 'payments' }).map((p) => [p.attributes, p.value])).toEqual([[{
      'maestro_retry.policy.kind': 'circuit-breaker', 'maestro_retry.policy.name': 'payments', 'maestro_retry.policy.event': 'state-change',
      'maestro_retry.circuit_breaker.state': 'open', 'maestro_retry.circuit_breaker.previous_state': 'closed',
    }, 1]]);
    expect(total(events, { 'maestro_retry.policy.name': 'aws', 'maestro_retry.policy.event': 'refused' })).toBe(1);
    expect(total(events, { 'maestro_retry.policy.name': 's3', 'maestro_retry.policy.event': 'throttled' })).toBe(2); // both attempts were answered 429
    const state = m.get('maestro_retry.circuit_breaker.state');
    expect(pointsOf(state).map((p) => [p.attributes['maestro_retry.circuit_breaker.state'], p.value]).sort()).toEqual([['closed', 0], ['half-open', 0], ['open', 1]]);
    expect(pointsOf(m.get('maestro_retry.retry_budget.available'), { 'maestro_retry.policy.name': 'aws' }).map((p) => p.value)).toEqual([budget.stats.available]);
    expect(pointsOf(m.get('maestro_retry.rate_limiter.rate'), { 'maestro_retry.policy.name': 's3' }).map((p) => p.value)).toEqual([limiter.stats.fillRate]);
    for (const stop of stops) stop();
    await sdk.shutdown();
  });
});
