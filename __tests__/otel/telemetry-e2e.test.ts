/**
 * The bridge end to end: calls through the real `retry()` on a ManualClock, the bridge
 * subscribed to a real registry, read back through the real metrics and tracing SDKs.
 */
import { trace } from '@opentelemetry/api';
import { ManualClock, retry, RetryRegistry } from 'maestro-retry';
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
});
