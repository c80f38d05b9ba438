import { createNoopMeter, metrics, type MeterProvider } from '@opentelemetry/api';
import type { AttemptEndedEvent, CallEndedEvent, CallObserver, PolicyEvent, RetryScheduledEvent } from '../observers/observer.js';
import { checkWatchable, type WatchablePolicy } from '../observers/policy-reading.js';
import { safeGet } from '../observers/safe.js';
import { METER_NAME } from './conventions.js';
import { Labels } from './labels.js';
import { MetricRecorder } from './recorder.js';
import { SpanEvents, tracingRegistered } from './span-events.js';

/** Options of {@link createRetryTelemetry}. Every one is optional. */
export interface RetryTelemetryOptions {
  /**
   * Where the instruments are made. By default the global meter provider, looked up again
   * every {@link LOOK_EVERY} calls and at every policy event (and at once by
   * {@link RetryTelemetry.refresh}), so an SDK registered after this bridge was made is picked up.
   */
  readonly meterProvider?: MeterProvider;
  /** Distinct operation names reported; later new ones are reported as `_OTHER`. @default 100 */
  readonly maxOperations?: number;
  /** Distinct `error.type` values (and policy event types) reported; later new ones are `_OTHER`. @default 50 */
  readonly maxErrorTypes?: number;
  /** Distinct policy names reported; later new ones are `_OTHER`. @default 50 */
  readonly maxPolicies?: number;
  /** Add retry events and the resend count to the active span. @default true */
  readonly spanEvents?: boolean;
}

/**
 * The bridge to OpenTelemetry: a {@link CallObserver} that turns the event stream into metrics
 * and span events. Give it to a registry (`registry.subscribe(telemetry)`, every call that
 * records there) or to calls (`observers: [telemetry]`), and `watch` the policies to report.
 */
export interface RetryTelemetry extends CallObserver {
  /**
   * Answers `false`, sitting the call out, when it has nothing to record for it: no metrics SDK,
   * and no span recording (or span events turned off). Every {@link LOOK_EVERY} calls it first
   * looks up the global providers again, so a later SDK is used.
   */
  callStarted(): false | undefined;
  /** Looks up the global meter and tracer providers now (after registering an SDK late). */
  refresh(): void;
  /** Counts the attempt and records its duration. */
  attemptEnded(event: AttemptEndedEvent): void;
  /** Records the delay, and adds a retry event to the active span. */
  retryScheduled(event: RetryScheduledEvent): void;
  /** Counts the call, records its duration and retries, and marks the active span. */
  callEnded(event: CallEndedEvent): void;
  /** Counts a policy's event (once, however many ways it arrives). */
  policyEvent(event: PolicyEvent): void;
  /**
   * Reports `policy`'s events (state changes, refusals, throttles) and its live figures (a
   * breaker's state, a budget's available retries, a limiter's rate) until the returned
   * function is called. Watching a policy twice subscribes once (and returns the same function).
   */
  watch(policy: WatchablePolicy): () => void;
  /** Stops watching every policy and stops the gauges. Events after it are ignored. */
  dispose(): void;
}

/**
 * How many calls the bridge lets pass between two look-ups of the global providers: a look-up
 * costs about as much as the rest of a call's bookkeeping, and an SDK is usually registered
 * before the first call.
 */
export const LOOK_EVERY = 100;

function bound(options: RetryTelemetryOptions, key: 'maxOperations' | 'maxErrorTypes' | 'maxPolicies', fallback: number): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`maestro-retry: createRetryTelemetry option \`${key}\` must be a number, got ${typeof value}`);
  return value; // the range is checked by Labels
}

/**
 * Creates the OpenTelemetry bridge. `@opentelemetry/api` is the only package it needs; with
 * no SDK registered the API hands out a no-op meter, which the bridge recognises and then
 * records nothing (it looks again at the start of each call).
 *
 * @example
 * const telemetry = createRetryTelemetry();
 * defaultRegistry.subscribe(telemetry);
 * telemetry.watch(paymentsBreaker);
 */
export function createRetryTelemetry(options: RetryTelemetryOptions = {}): RetryTelemetry {
  if (typeof options !== 'object' || options === null) throw new TypeError('maestro-retry: createRetryTelemetry options must be an object');
  const provider = options.meterProvider;
  if (provider !== undefined && typeof safeGet(provider, 'getMeter') !== 'function') {
    throw new TypeError(`maestro-retry: createRetryTelemetry option \`meterProvider\` must have a getMeter method, got ${provider === null ? 'null' : typeof provider}`);
  }
  const spanEvents = options.spanEvents;
  if (spanEvents !== undefined && typeof spanEvents !== 'boolean') {
    throw new TypeError(`maestro-retry: createRetryTelemetry option \`spanEvents\` must be a boolean, got ${typeof spanEvents}`);
  }
  const labels = new Labels({ maxOperations: bound(options, 'maxOperations', 100), maxErrorTypes: bound(options, 'maxErrorTypes', 50), maxPolicies: bound(options, 'maxPolicies', 50) });
  return new Telemetry(labels, provider, spanEvents === false ? undefined : new SpanEvents(labels));
}

class Telemetry implements RetryTelemetry {
  readonly #labels: Labels;
  /** The provider given in the options; `undefined`: read the global one. */
  readonly #fixedProvider: MeterProvider | undefined;
  readonly #spans: SpanEvents | undefined;
  /** The provider `#recorder` was made from. */
  #provider: MeterProvider | undefined;
  /** `undefined` while the provider is the API's no-op one: nothing to record. */
  #recorder: MetricRecorder | undefined;
  /** Calls until the next look-up of the global providers. */
  #countdown = 0;
  /** A tracer provider is registered (and span events are on): each call looks for a recording span. */
  #tracing = false;
  readonly #watched = new Map<WatchablePolicy, () => void>();
  readonly #seen = new WeakSet<PolicyEvent>();
  #disposed = false;

  constructor(labels: Labels, provider: MeterProvider | undefined, spans: SpanEvents | undefined) {
    this.#labels = labels;
    this.#fixedProvider = provider;
    this.#spans = spans;
    this.refresh();
  }

  refresh(): void {
    this.#countdown = LOOK_EVERY;
    this.#lookUpMeter();
    this.#tracing = this.#spans !== undefined && tracingRegistered();
  }

  /** Makes the recorder anew when the provider has changed since the last look. */
  #lookUpMeter(): void {
    if (this.#disposed) return;
    const provider = this.#fixedProvider ?? metrics.getMeterProvider();
    if (provider === this.#provider) return;
    this.#recorder?.close();
    this.#provider = provider;
    const meter = provider.getMeter(METER_NAME);
    this.#recorder = meter === createNoopMeter() ? undefined : new MetricRecorder(meter, this.#labels, () => this.#watched.keys());
  }

  callStarted(): false | undefined {
    if (--this.#countdown <= 0) this.refresh();
    if (this.#recorder !== undefined) return undefined;
    return !this.#disposed && this.#tracing && this.#spans!.recording() ? undefined : false;
  }

  attemptEnded(event: AttemptEndedEvent): void {
    this.#recorder?.attemptEnded(event);
  }

  retryScheduled(event: RetryScheduledEvent): void {
    this.#recorder?.retryScheduled(event);
    if (!this.#disposed) this.#spans?.retryScheduled(event);
  }

  callEnded(event: CallEndedEvent): void {
    this.#recorder?.callEnded(event);
    if (!this.#disposed) this.#spans?.callEnded(event);
  }

  policyEvent(event: PolicyEvent): void {
    if (this.#fixedProvider === undefined) this.#lookUpMeter();
    if (this.#recorder === undefined || this.#seen.has(event)) return;
    this.#seen.add(event);
    this.#recorder.policyEvent(event);
  }

  watch(policy: WatchablePolicy): () => void {
    checkWatchable(policy, 'RetryTelemetry.watch');
    if (this.#disposed) throw new Error('maestro-retry: RetryTelemetry.watch after dispose()');
    const existing = this.#watched.get(policy);
    if (existing !== undefined) return existing;
    const unsubscribe = policy.subscribe((event) => this.policyEvent(event));
    const stop = (): void => {
      if (this.#watched.get(policy) !== stop) return;
      this.#watched.delete(policy);
      unsubscribe();
    };
    this.#watched.set(policy, stop);
    return stop;
  }

  dispose(): void {
    for (const stop of [...this.#watched.values()]) stop();
    this.#recorder?.close();
    this.#recorder = undefined;
    this.#disposed = true;
  }
}
