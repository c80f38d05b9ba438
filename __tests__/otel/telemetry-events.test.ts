/**
 * The bridge fed a scripted event stream directly (the engine's part is tested end to end in
 * telemetry-e2e.test.ts): exact counters, histogram counts and sums, attributes, bounds,
 * gauges and span events, read back through the real SDKs.
 */
import { metrics, trace } from '@opentelemetry/api';
import { createRetryTelemetry, LOOK_EVERY, type RetryTelemetry } from '../../src/otel/index.js';
import type { PolicyEvent } from '../../src/observers/observer.js';
import { histogram, pointsOf, startMetricSdk, startTraceSdk, total, type MetricSdk } from './sdk.js';

class ConnResetError extends Error {
  override name = 'ConnResetError';
}

/** One call as the engine reports it: attempts `[durationMs, error | undefined]`, delays between them. */
function feedCall(t: RetryTelemetry, operationName: string, attempts: Array<[number, unknown]>, delays: number[], reason?: 'exhausted' | 'non-retryable'): void {
  t.callStarted();
  let elapsed = 0;
  attempts.forEach(([durationMs, error], i) => {
    const delay = i === 0 ? 0 : delays[i - 1]!;
    elapsed += delay;
    t.attemptEnded({ operationName, attempt: i + 1, delay, outcome: error === undefined ? 'success' : 'error', error, timestamp: elapsed, durationMs });
    elapsed += durationMs;
    if (i < attempts.length - 1) t.retryScheduled({ operationName, attempt: i + 1, delay: delays[i]!, error, retriesLeft: attempts.length - i - 2, elapsedMs: elapsed });
  });
  const last = attempts.at(-1)![1];
  t.callEnded({
    operationName, attempts: attempts.length, totalDelayMs: delays.reduce((a, b) => a + b, 0), elapsedMs: elapsed, timestamp: elapsed,
    ...(reason === undefined ? { result: 'ok' } : { reason, error: last, lastError: last }),
  });
}

describe('createRetryTelemetry with the metrics SDK', () => {
  let sdk: MetricSdk;
  beforeEach(() => {
    sdk = startMetricSdk();
  });
  afterEach(() => sdk.shutdown());

  it('counts calls and attempts and records durations, delays and retries per call, exactly', async () => {
    const t = createRetryTelemetry({ meterProvider: sdk.provider });
    feedCall(t, 'users.get', [[20, new ConnResetError('read ECONNRESET')], [30, undefined]], [100]);
    feedCall(t, 'users.get', [[10, undefined]], []);
    feedCall(t, 'orders.put', [[5, new ConnResetError('x')], [5, new TypeError('y')], [7, new TypeError('z')]], [200, 400], 'exhausted');
    const m = await sdk.collect();

    const calls = m.get('maestro_retry.calls');
    expect(calls?.descriptor.unit).toBe('{call}');
    expect(total(calls, { 'maestro_retry.operation.name': 'users.get', 'maestro_retry.outcome': 'success' })).toBe(2);
    expect(pointsOf(calls, { 'maestro_retry.operation.name': 'orders.put' }).map((p) => p.attributes)).toEqual([{
      'maestro_retry.operation.name': 'orders.put', 'maestro_retry.outcome': 'failure', 'maestro_retry.give_up.reason': 'exhausted', 'error.type': 'TypeError',
    }]);
    expect(total(calls)).toBe(3);

    const attempts = m.get('maestro_retry.attempts');
    expect(total(attempts, { 'maestro_retry.operation.name': 'users.get', 'maestro_retry.outcome': 'success', 'maestro_retry.attempt.hedge': false })).toBe(2);
    expect(total(attempts, { 'maestro_retry.outcome': 'error', 'error.type': 'ConnResetError' })).toBe(2);
    expect(total(attempts, { 'maestro_retry.outcome': 'error', 'error.type': 'TypeError' })).toBe(2);
    expect(total(attempts)).toBe(6);

    const attemptDuration = m.get('maestro_retry.attempt.duration');
    expect(attemptDuration?.descriptor.unit).toBe('s');
    expect(histogram(attemptDuration)).toEqual({ count: 6, sum: expect.closeTo(0.077, 9) });
    expect(histogram(attemptDuration, { 'maestro_retry.operation.name': 'users.get' })).toEqual({ count: 3, sum: expect.closeTo(0.06, 9) });

    const callDuration = m.get('maestro_retry.call.duration');
    expect(histogram(callDuration, { 'maestro_retry.outcome': 'success' })).toEqual({ count: 2, sum: expect.closeTo(0.16, 9) });
    expect(histogram(callDuration, { 'maestro_retry.outcome': 'failure' })).toEqual({ count: 1, sum: expect.closeTo(0.617, 9) });

    const delay = m.get('maestro_retry.retry.delay');
    expect(histogram(delay)).toEqual({ count: 3, sum: expect.closeTo(0.7, 9) });
    expect(histogram(delay, { 'error.type': 'ConnResetError' })).toEqual({ count: 2, sum: expect.closeTo(0.3, 9) });

    const retries = m.get('maestro_retry.call.retries');
    expect(retries?.descriptor.unit).toBe('{retry}');
    // A call without a retry is not recorded (as gRPC's grpc.client.call.retries).
    expect(histogram(retries)).toEqual({ count: 2, sum: 3 });
  });

  it('marks hedged and cancelled attempts', async () => {
    const t = createRetryTelemetry({ meterProvider: sdk.provider });
    const base = { operationName: 'search', delay: 0, timestamp: 0, durationMs: 4 };
    t.attemptEnded({ ...base, attempt: 1, outcome: 'error', error: new Error('aborted'), cancelled: true });
    t.attemptEnded({ ...base, attempt: 2, outcome: 'success', hedge: true });
    t.attemptEnded({ ...base, attempt: 3, outcome: 'error', error: new Error('aborted'), hedge: true, cancelled: true });
    const attempts = (await sdk.collect()).get('maestro_retry.attempts');
    // Hedges sent, hedges won, attempts cancelled.
    expect(total(attempts, { 'maestro_retry.attempt.hedge': true })).toBe(2);
    expect(total(attempts, { 'maestro_retry.attempt.hedge': true, 'maestro_retry.outcome': 'success' })).toBe(1);
    expect(total(attempts, { 'maestro_retry.outcome': 'cancelled' })).toBe(2);
  });

  it('never reports a message, and bounds operation names and error types (the rest are _OTHER)', async () => {
    const t = createRetryTelemetry({ meterProvider: sdk.provider, maxOperations: 2, maxErrorTypes: 1 });
    for (const name of ['a', 'b', 'c', 'd', 'a']) feedCall(t, name, [[1, undefined]], []);
    feedCall(t, 'a', [[1, new RangeError('secret token 1234')]], [], 'non-retryable');
    feedCall(t, 'a', [[1, new SyntaxError('secret token 5678')]], [], 'non-retryable');
    feedCall(t, 'b', [[1, 'a thrown string']], [], 'non-retryable');
    const calls = (await sdk.collect()).get('maestro_retry.calls');
    const names = new Set(pointsOf(calls).map((p) => p.attributes['maestro_retry.operation.name']));
    expect([...names].sort()).toEqual(['_OTHER', 'a', 'b']);
    expect(total(calls, { 'maestro_retry.operation.name': '_OTHER' })).toBe(2);
    expect(total(calls, { 'error.type': 'RangeError' })).toBe(1);
    expect(total(calls, { 'error.type': '_OTHER' })).toBe(2);
    expect(JSON.stringify(pointsOf(calls).map((p) => p.attributes))).not.toMatch(/secret|thrown string/);
  });

  it('counts policy events once each, and reports breaker state, budget and rate as gauges', async () => {
    const t = createRetryTelemetry({ meterProvider: sdk.provider });
    const listeners = new Set<(e: PolicyEvent) => void>();
    let state = 'closed';
    let reads = 0;
    const breaker = {
      name: 'payments',
      get stats() {
        reads++;
        return { state };
      },
      subscribe: (l: (e: PolicyEvent) => void) => (listeners.add(l), () => listeners.delete(l)),
    };
    const budget = { stats: { available: 12, tokens: 60, capacity: 500 }, subscribe: () => () => undefined };
    const limiter = { name: 's3', stats: { fillRate: 7.5, enabled: true }, subscribe: () => () => undefined };
    const stop = t.watch(breaker);
    t.watch(budget);
    t.watch(limiter);
    expect(t.watch(breaker)).toBe(stop); // watching twice subscribes once
    expect(listeners.size).toBe(1);

    const opened: PolicyEvent = { policy: 'circuit-breaker', name: 'payments', type: 'state-change', timestamp: 5, from: 'closed', to: 'open', operationName: 'pay' };
    state = 'open';
    for (const l of listeners) l(opened);
    t.policyEvent(opened); // the same event relayed through the observer path too
    t.policyEvent({ policy: 'retry-budget', name: 'retry-budget', type: 'refused', timestamp: 6, operationName: 'pay' });

    const m = await sdk.collect();
    const events = m.get('maestro_retry.policy.events');
    expect(pointsOf(events).map((p) => [p.attributes, p.value])).toEqual(expect.arrayContaining([
      [{ 'maestro_retry.policy.kind': 'circuit-breaker', 'maestro_retry.policy.name': 'payments', 'maestro_retry.policy.event': 'state-change', 'maestro_retry.operation.name': 'pay', 'maestro_retry.circuit_breaker.state': 'open', 'maestro_retry.circuit_breaker.previous_state': 'closed' }, 1],
      [{ 'maestro_retry.policy.kind': 'retry-budget', 'maestro_retry.policy.name': 'retry-budget', 'maestro_retry.policy.event': 'refused', 'maestro_retry.operation.name': 'pay' }, 1],
    ]));
    expect(total(events)).toBe(2);

    const gauge = m.get('maestro_retry.circuit_breaker.state');
    expect(pointsOf(gauge).map((p) => [p.attributes['maestro_retry.circuit_breaker.state'], p.value]).sort()).toEqual([['closed', 0], ['half-open', 0], ['open', 1]]);
    expect(pointsOf(m.get('maestro_retry.retry_budget.available')).map((p) => [p.attributes, p.value])).toEqual([[{ 'maestro_retry.policy.name': 'retry-budget' }, 12]]);
    expect(pointsOf(m.get('maestro_retry.rate_limiter.rate')).map((p) => [p.attributes, p.value])).toEqual([[{ 'maestro_retry.policy.name': 's3' }, 7.5]]);

    stop();
    expect(listeners.size).toBe(0);
    const readsBefore = reads;
    await sdk.collect();
    expect(reads).toBe(readsBefore); // no longer read by the gauges
    t.dispose();
  });

  it('checks its options', () => {
    expect(() => createRetryTelemetry({ maxOperations: -1 })).toThrow(new RangeError('maestro-retry: createRetryTelemetry option `maxOperations` must be a non-negative integer, got -1'));
    expect(() => createRetryTelemetry({ maxErrorTypes: '5' as never })).toThrow(TypeError);
    expect(() => createRetryTelemetry({ meterProvider: {} as never })).toThrow(/`meterProvider` must have a getMeter method/);
    expect(() => createRetryTelemetry({ spanEvents: 'yes' as never })).toThrow(/`spanEvents` must be a boolean, got string/);
    expect(() => createRetryTelemetry().watch({} as never)).toThrow(/RetryTelemetry.watch needs a policy with a subscribe/);
  });
});

describe('createRetryTelemetry with the global meter provider', () => {
  afterEach(() => metrics.disable());

  it('records nothing while no SDK is registered, and picks one up at the next call', async () => {
    const t = createRetryTelemetry();
    expect(t.callStarted()).toBe(false); // nothing to record: the engine leaves it out of the call
    feedCall(t, 'early', [[1, undefined]], []); // no SDK: nothing is kept anywhere
    const sdk = startMetricSdk();
    metrics.setGlobalMeterProvider(sdk.provider);
    // The providers are looked up again every LOOK_EVERY calls (made 2 so far)...
    let made = 2;
    while (t.callStarted() === false) made++;
    expect(made + 1).toBe(LOOK_EVERY);
    feedCall(t, 'late', [[1, undefined]], []);
    // ...or at once by refresh().
    const other = createRetryTelemetry();
    metrics.disable();
    expect(other.callStarted()).toBeUndefined();
    other.refresh();
    expect(other.callStarted()).toBe(false);
    t.dispose();
    expect(t.callStarted()).toBe(false);
    const calls = (await sdk.collect()).get('maestro_retry.calls');
    expect(pointsOf(calls).map((p) => [p.attributes['maestro_retry.operation.name'], p.value])).toEqual([['late', 1]]);
    await sdk.shutdown();
  });
});

describe('span events', () => {
  it('adds a retry event per retry, the resend count and a give-up event to the active span', async () => {
    const sdk = startTraceSdk();
    try {
      const t = createRetryTelemetry();
      const tracer = trace.getTracer('test');
      expect(t.callStarted()).toBe(false); // no metrics SDK and no span: nothing to record
      await tracer.startActiveSpan('checkout', async (span) => {
        expect(t.callStarted()).toBeUndefined(); // a recording span to mark
        await Promise.resolve(); // events come from later turns of the same async context
        feedCall(t, 'pay', [[5, new ConnResetError('a')], [5, new TypeError('b')], [5, new TypeError('c')]], [100, 250], 'exhausted');
        span.end();
      });
      feedCall(t, 'outside', [[5, new TypeError('no span')], [1, undefined]], [10]); // no active span: nothing, no throw
      const [span] = sdk.exporter.getFinishedSpans();
      expect(sdk.exporter.getFinishedSpans()).toHaveLength(1);
      expect(span!.attributes).toEqual({ 'maestro_retry.resend_count': 2 });
      expect(span!.events.map((e) => [e.name, e.attributes])).toEqual([
        ['maestro_retry.retry', { 'maestro_retry.operation.name': 'pay', 'maestro_retry.attempt': 1, 'maestro_retry.retry.delay_ms': 100, 'error.type': 'ConnResetError' }],
        ['maestro_retry.retry', { 'maestro_retry.operation.name': 'pay', 'maestro_retry.attempt': 2, 'maestro_retry.retry.delay_ms': 250, 'error.type': 'TypeError' }],
        ['maestro_retry.give_up', { 'maestro_retry.operation.name': 'pay', 'maestro_retry.give_up.reason': 'exhausted', 'maestro_retry.attempts': 3, 'error.type': 'TypeError' }],
      ]);
    } finally {
      await sdk.shutdown();
    }
  });

  it('leaves spans alone with spanEvents: false', async () => {
    const sdk = startTraceSdk();
    try {
      const t = createRetryTelemetry({ spanEvents: false });
      trace.getTracer('test').startActiveSpan('quiet', (span) => {
        feedCall(t, 'pay', [[5, new TypeError('a')], [5, undefined]], [100]);
        span.end();
      });
      const [span] = sdk.exporter.getFinishedSpans();
      expect(span!.events).toEqual([]);
      expect(span!.attributes).toEqual({});
    } finally {
      await sdk.shutdown();
    }
  });
});
