/**
 * The `fallback` option: what a call fulfils with when it gives up, instead of rejecting.
 *
 * The call first ends as usual (the strategies, the observers and the registry see it give
 * up, with its reason); then, if the reason is one the fallback covers, the fallback's value,
 * or its handler's, is what the call fulfils with. A handler that throws or rejects never
 * hides the original failure: the call rejects with that failure, unchanged, and the handler's
 * error is reported (to `onHookError`, else a process warning, as hook `'fallback'`) and sent
 * to the observers as a `'fallback'` policy event of type `'failed'`.
 */
import type { GiveUpEvent, GiveUpReason } from '../engine/types.js';
import { describe } from '../observers/safe.js';

/** What a fallback handler learns: the give-up, and what the call would have rejected with. */
export interface FallbackEvent<T = unknown> extends GiveUpEvent<T> {
  /** What the call would reject with (a `CircuitOpenError`, a `RetryTimeoutError`, the last error...). */
  readonly failure: unknown;
}

/** The `fallback` option: a `value`, or a `handler` that makes one, used when the call gives up. */
export interface FallbackOptions<T = unknown> {
  /** What the call fulfils with when it gives up. */
  readonly value?: T;
  /** Makes that value from the give-up (it may be async). */
  readonly handler?: (event: FallbackEvent<T>) => T | PromiseLike<T>;
  /**
   * The give-up reasons the fallback covers; the others reject as usual. `'aborted'` (the
   * caller's own signal) is left out by default: the caller asked to stop.
   * @default every reason but 'aborted'
   */
  readonly on?: readonly GiveUpReason[];
}

/** The `fallback` option once validated (internal). */
export interface FallbackPlan<T> {
  readonly on: ReadonlySet<GiveUpReason>;
  /** The value for `event`; throws or rejects when the handler does. */
  produce(event: FallbackEvent<T>): T | PromiseLike<T>;
}

const REASONS: readonly GiveUpReason[] = ['exhausted', 'non-retryable', 'timeout', 'aborted', 'budget', 'circuit-open', 'retry-after'];

function fail(Kind: typeof TypeError, name: string, rule: string, value: unknown): never {
  throw new Kind(`maestro-retry: option \`fallback${name}\` must be ${rule}, got ${describe(value)}`);
}

/** Validates the `fallback` option. Throws a `TypeError` or `RangeError` naming the option and the value. */
export function normalizeFallback<T>(value: unknown): FallbackPlan<T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(TypeError, '', 'an object with `value` or `handler`', value);
  const o = value as FallbackOptions<T>;
  const hasValue = 'value' in o;
  if (hasValue === (o.handler !== undefined)) fail(TypeError, '', 'an object with exactly one of `value` and `handler`', value);
  if (!hasValue && typeof o.handler !== 'function') fail(TypeError, '.handler', 'a function', o.handler);
  let on: ReadonlySet<GiveUpReason> = new Set(REASONS.filter((reason) => reason !== 'aborted'));
  if (o.on !== undefined) {
    if (!Array.isArray(o.on)) fail(TypeError, '.on', `an array of give-up reasons (${REASONS.join(', ')})`, o.on);
    o.on.forEach((reason: unknown, i: number) => {
      if (!REASONS.includes(reason as GiveUpReason)) fail(RangeError, `.on[${i}]`, `one of ${REASONS.join(', ')}`, reason);
    });
    on = new Set(o.on);
  }
  const fixed = o.value as T;
  const handler = o.handler;
  return { on, produce: handler === undefined ? () => fixed : (event) => handler(event) };
}

/** What `useFallback` tells the engine. */
export interface FallbackHost {
  /** Reports the handler's own error (`onHookError`, else a warning). */
  report(error: unknown): void;
  /** Sends a `'fallback'` policy event (`'used'` or `'failed'`) to the observers. */
  event(type: 'used' | 'failed', details: Readonly<Record<string, unknown>>): void;
}

/**
 * The value the call fulfils with instead of rejecting with `event.failure`; if the handler
 * fails, rejects with `event.failure` itself (the handler's error is reported, not thrown).
 */
export async function useFallback<T>(plan: FallbackPlan<T>, event: FallbackEvent<T>, host: FallbackHost): Promise<T> {
  let value: T;
  try {
    value = await plan.produce(event);
  } catch (error) {
    host.report(error);
    host.event('failed', { reason: event.reason, error, failure: event.failure });
    throw event.failure;
  }
  host.event('used', { reason: event.reason, failure: event.failure });
  return value;
}
