import { ProxyTracerProvider, trace, type Attributes } from '@opentelemetry/api';
import type { CallEndedEvent, RetryScheduledEvent } from '../observers/observer.js';
import { ATTR, SPAN_EVENT } from './conventions.js';
import type { Labels } from './labels.js';

/** What the API's tracer provider delegates to while no SDK is registered. */
const NO_TRACING = new ProxyTracerProvider().getDelegate();

/**
 * Whether a tracer provider is registered globally. A provider from another copy of the API is
 * taken as registered (its no-op one cannot be told from an SDK's here).
 */
export function tracingRegistered(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider && provider.getDelegate() === NO_TRACING);
}

/**
 * Trace events on the span active when an event is emitted. The engine emits every event
 * synchronously within the call's own async context, so the active span is the one the
 * caller had when it started the call. With no span active (or no tracing set up) nothing is
 * done beyond looking.
 *
 * - each retry adds a `maestro_retry.retry` event: the attempt that failed, the delay before
 *   the next one (ms), the operation and the error's type;
 * - a call that made more than one attempt sets `maestro_retry.resend_count` (attempts after
 *   the first, as `http.request.resend_count` counts an HTTP request's resends);
 * - a call that gave up adds a `maestro_retry.give_up` event with its reason.
 */
export class SpanEvents {
  readonly #labels: Labels;

  constructor(labels: Labels) {
    this.#labels = labels;
  }

  /** Whether a span is active and recording: the one a call starting now would mark. */
  recording(): boolean {
    return trace.getActiveSpan()?.isRecording() === true;
  }

  retryScheduled(event: RetryScheduledEvent): void {
    const span = trace.getActiveSpan();
    if (span === undefined || !span.isRecording()) return;
    const attributes: Attributes = {
      [ATTR.operation]: event.operationName,
      [ATTR.attempt]: event.attempt,
      [ATTR.delayMs]: event.delay,
    };
    if (event.error !== undefined) attributes[ATTR.errorType] = this.#labels.errorType(event.error);
    span.addEvent(SPAN_EVENT.retry, attributes);
  }

  callEnded(event: CallEndedEvent): void {
    // A call that succeeded at once leaves nothing on the span: the success path stays cheap.
    if (event.attempts <= 1 && event.reason === undefined) return;
    const span = trace.getActiveSpan();
    if (span === undefined || !span.isRecording()) return;
    if (event.attempts > 1) span.setAttribute(ATTR.resendCount, event.attempts - 1);
    if (event.reason !== undefined) {
      const attributes: Attributes = { [ATTR.operation]: event.operationName, [ATTR.reason]: event.reason, [ATTR.attempts]: event.attempts };
      const error = event.lastError ?? event.error;
      if (error !== undefined) attributes[ATTR.errorType] = this.#labels.errorType(error);
      span.addEvent(SPAN_EVENT.giveUp, attributes);
    }
  }
}
