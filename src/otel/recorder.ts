import { ValueType, type Attributes, type BatchObservableCallback, type BatchObservableResult, type Counter, type Histogram, type Meter, type Observable } from '@opentelemetry/api';
import type { AttemptEndedEvent, CallEndedEvent, PolicyEvent, RetryScheduledEvent } from '../observers/observer.js';
import { policyName, readPolicy } from '../observers/policy-reading.js';
import { ATTR, BREAKER_STATES, DURATION_BUCKETS_S, METRIC, RETRY_COUNT_BUCKETS } from './conventions.js';
import type { Labels } from './labels.js';

/**
 * The instruments of one meter, and how each event is recorded into them. The bridge makes a
 * new recorder when the meter provider it reads from changes (an SDK registered later), and
 * keeps its {@link Labels}, so the bounds hold across recorders.
 */
export class MetricRecorder {
  readonly #labels: Labels;
  readonly #calls: Counter;
  readonly #attempts: Counter;
  readonly #callDuration: Histogram;
  readonly #attemptDuration: Histogram;
  readonly #retryDelay: Histogram;
  readonly #callRetries: Histogram;
  readonly #policyEvents: Counter;

  /** @param watched the policies whose live figures the gauges report, read at each collection. */
  constructor(meter: Meter, labels: Labels, watched: () => Iterable<object>) {
    this.#labels = labels;
    const seconds = (description: string) => ({ description, unit: 's', advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_S] } });
    this.#calls = meter.createCounter(METRIC.calls, { description: 'Calls that ended, by outcome and give-up reason.', unit: '{call}', valueType: ValueType.INT });
    this.#attempts = meter.createCounter(METRIC.attempts, { description: 'Attempts that ended, by outcome; hedged attempts are marked.', unit: '{attempt}', valueType: ValueType.INT });
    this.#callDuration = meter.createHistogram(METRIC.callDuration, seconds('Time from the start of a call to its end, waits included.'));
    this.#attemptDuration = meter.createHistogram(METRIC.attemptDuration, seconds('Time one attempt took.'));
    this.#retryDelay = meter.createHistogram(METRIC.retryDelay, seconds('The delay before each retry.'));
    this.#callRetries = meter.createHistogram(METRIC.callRetries, {
      description: 'Attempts after the first in a call that made any (a call without one is not recorded).',
      unit: '{retry}',
      valueType: ValueType.INT,
      advice: { explicitBucketBoundaries: [...RETRY_COUNT_BUCKETS] },
    });
    this.#policyEvents = meter.createCounter(METRIC.policyEvents, { description: 'Events of the watched policies: state changes, refusals, throttles.', unit: '{event}', valueType: ValueType.INT });

    this.#meter = meter;
    this.#gauges = {
      // One series per state, 1 for the state it is in (as OpenTelemetry's hw.status).
      breakerState: meter.createObservableUpDownCounter(METRIC.breakerState, { description: 'Circuit breaker state: 1 for the state it is in, 0 for the others.', unit: '1', valueType: ValueType.INT }),
      budgetAvailable: meter.createObservableGauge(METRIC.budgetAvailable, { description: 'Retries a retry budget would grant now.', unit: '{retry}' }),
      limiterRate: meter.createObservableGauge(METRIC.limiterRate, { description: 'The rate an adaptive rate limiter lets attempts through at, while it paces them.', unit: '{attempt}/s' }),
    };
    this.#observeAll = (result) => this.#observe(watched(), result);
    meter.addBatchObservableCallback(this.#observeAll, Object.values(this.#gauges));
  }

  readonly #meter: Meter;
  readonly #gauges: Record<'breakerState' | 'budgetAvailable' | 'limiterRate', Observable>;
  readonly #observeAll: BatchObservableCallback;

  /** Stops the gauges' callback (the meter's other instruments simply stop being written to). */
  close(): void {
    this.#meter.removeBatchObservableCallback(this.#observeAll, Object.values(this.#gauges));
  }

  attemptEnded(event: AttemptEndedEvent): void {
    const attributes: Attributes = {
      [ATTR.operation]: this.#labels.operation(event.operationName),
      [ATTR.outcome]: event.cancelled === true ? 'cancelled' : event.outcome,
      [ATTR.hedge]: event.hedge === true,
    };
    if (event.outcome === 'error') attributes[ATTR.errorType] = this.#labels.errorType(event.error);
    this.#attempts.add(1, attributes);
    this.#attemptDuration.record(event.durationMs / 1000, attributes);
  }

  retryScheduled(event: RetryScheduledEvent): void {
    const attributes: Attributes = { [ATTR.operation]: this.#labels.operation(event.operationName) };
    if (event.error !== undefined) attributes[ATTR.errorType] = this.#labels.errorType(event.error);
    this.#retryDelay.record(event.delay / 1000, attributes);
  }

  callEnded(event: CallEndedEvent): void {
    const operation = this.#labels.operation(event.operationName);
    const attributes: Attributes = { [ATTR.operation]: operation, [ATTR.outcome]: event.reason === undefined ? 'success' : 'failure' };
    if (event.reason !== undefined) {
      attributes[ATTR.reason] = event.reason;
      const error = event.lastError ?? event.error;
      if (error !== undefined) attributes[ATTR.errorType] = this.#labels.errorType(error);
    }
    this.#calls.add(1, attributes);
    this.#callDuration.record(event.elapsedMs / 1000, attributes);
    if (event.attempts > 1) this.#callRetries.record(event.attempts - 1, { [ATTR.operation]: operation });
  }

  policyEvent(event: PolicyEvent): void {
    const attributes: Attributes = {
      [ATTR.policyKind]: this.#labels.policyEvent(event.policy),
      [ATTR.policyName]: this.#labels.policy(String(event.name)),
      [ATTR.policyEvent]: this.#labels.policyEvent(event.type),
    };
    if (event.operationName !== undefined) attributes[ATTR.operation] = this.#labels.operation(event.operationName);
    if (event.type === 'state-change') {
      if (typeof event['to'] === 'string') attributes[ATTR.breakerState] = event['to'];
      if (typeof event['from'] === 'string') attributes[ATTR.breakerPreviousState] = event['from'];
    }
    this.#policyEvents.add(1, attributes);
  }

  /** Reports the live figure of every watched policy (a rate limiter's only while it paces). */
  #observe(policies: Iterable<object>, result: BatchObservableResult): void {
    for (const policy of policies) {
      const reading = readPolicy(policy);
      if (reading.kind === 'other') continue;
      const name = { [ATTR.policyName]: this.#labels.policy(policyName(policy, reading.kind)) };
      if (reading.kind === 'circuit-breaker') {
        for (const state of BREAKER_STATES) result.observe(this.#gauges.breakerState, state === reading.state ? 1 : 0, { ...name, [ATTR.breakerState]: state });
      } else if (reading.kind === 'retry-budget') {
        result.observe(this.#gauges.budgetAvailable, reading.available!, name);
      } else if (reading.enabled === true) {
        result.observe(this.#gauges.limiterRate, reading.rate!, name);
      }
    }
  }
}
