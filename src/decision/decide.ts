/**
 * The one retry decision. Every caller asks it: the engine after each failed attempt,
 * `RetryManager.isTransientError` and `ErrorHandler.handleError`. It is synchronous and reads
 * nothing but its arguments (an asynchronous `retryIf` is awaited by the caller first, and its
 * answer passed in), so the same inputs always give the same verdict.
 *
 * Order for an attempt that failed with an error: `abortOn` → stop; `retryIf` given → its
 * answer; `retryOn` → retry; the `classify` classifiers, first answer wins; otherwise
 * `isTransientError`. An attempt whose value `retryOnResult` rejected is retryable. Then:
 * attempts left, the server's Retry-After against `maxDelay` and the deadline, the backoff
 * delay (or the user's `delayFn`) against the deadline.
 */
import type { ErrorClass, GiveUpReason } from '../engine/types.js';
import { computeDelay, type BackoffParams } from './backoff.js';
import type { ErrorClassifier, ErrorVerdict } from './classifier.js';
import { isThrottlingError, isTransientError } from './classify.js';
import { matchesAny } from './match.js';
import { retryAfterMs } from './retry-after.js';

/** The options the decision reads. */
export interface DecisionRules {
  readonly maxRetries: number;
  readonly backoff: BackoffParams;
  readonly abortOn: readonly ErrorClass[];
  readonly retryOn: readonly ErrorClass[];
  readonly classify: readonly ErrorClassifier[];
  readonly timeout: number | undefined;
  /** A delay of the user's own; `undefined` from it means the backoff delay. */
  readonly delayFn: ((info: DelayInfo) => number | undefined) | undefined;
}

/** What the `delayFn` option is told of the retry to come. */
export interface DelayInfo {
  /** The attempt that failed (1-based); the delay is the one before attempt `attempt + 1`. */
  readonly attempt: number;
  /** The error of that attempt, when it failed with one. */
  readonly error?: unknown;
  /** The value of that attempt, when `retryOnResult` rejected it. */
  readonly result?: unknown;
  /** The delay the backoff options give. */
  readonly backoffDelay: number;
  /** The name of the operation the call runs. */
  readonly operationName: string;
}

/** What became of an attempt, as the decision needs it. */
export interface DecisionInput {
  readonly operationName: string;
  /** The attempt that just failed (1-based). */
  readonly attempt: number;
  /** `'error'`: it threw or rejected with `error`; `'result'`: `retryOnResult` rejected `result`. */
  readonly kind: 'error' | 'result';
  readonly error?: unknown;
  readonly result?: unknown;
  /** `retryIf`'s answer, when `retryIf` was given and asked. */
  readonly retryIfAnswer?: boolean;
  /** The delay waited before the failed attempt (decorrelated jitter builds on it). */
  readonly previousDelay: number | undefined;
  /** Time since the call started; read only when a deadline or a Retry-After date needs it. */
  readonly elapsed: () => number;
  /** The clock, for an HTTP-date Retry-After. */
  readonly now: () => number;
}

/** The verdict: retry after `delay` ms, or give up for `reason`. */
export type Decision =
  | { readonly retry: true; readonly delay: number; readonly verdict: ErrorVerdict }
  | { readonly retry: false; readonly reason: GiveUpReason; readonly verdict: ErrorVerdict; readonly retryAfterMs?: number };

/** How a classifier's answer reads: the verdict, and the pushback it carried. */
function fromClassifiers(classify: readonly ErrorClassifier[], error: unknown): { verdict: ErrorVerdict; retryAfterMs?: number } | undefined {
  for (const classifier of classify) {
    const answer = classifier(error);
    if (answer === undefined) continue;
    return typeof answer === 'string' ? { verdict: answer } : answer;
  }
  return undefined;
}

/**
 * What kind of failure `error` is, before attempts and delays are counted: the decision order
 * of the module comment. `pushback` is a classifier's server hint, when it gave one.
 */
export function classifyFailure(rules: DecisionRules, error: unknown, retryIfAnswer: boolean | undefined): { verdict: ErrorVerdict; pushback?: number } {
  if (rules.abortOn.length > 0 && matchesAny(rules.abortOn, error)) return { verdict: 'permanent' };
  const throttled = (): ErrorVerdict => (isThrottlingError(error) ? 'throttling' : 'transient');
  if (retryIfAnswer !== undefined) return { verdict: retryIfAnswer ? throttled() : 'permanent' };
  if (rules.retryOn.length > 0 && matchesAny(rules.retryOn, error)) return { verdict: throttled() };
  const known = rules.classify.length > 0 ? fromClassifiers(rules.classify, error) : undefined;
  if (known !== undefined) return { verdict: known.verdict, pushback: known.retryAfterMs };
  return { verdict: isTransientError(error) ? throttled() : 'permanent' };
}

/** Decides what follows a failed attempt (see the module comment). */
export function decide(rules: DecisionRules, input: DecisionInput): Decision {
  const failure: { verdict: ErrorVerdict; pushback?: number } = input.kind === 'result' ? { verdict: 'transient' } : classifyFailure(rules, input.error, input.retryIfAnswer);
  const verdict = failure.verdict;
  if (verdict === 'permanent') return { retry: false, reason: 'non-retryable', verdict };
  if (input.attempt > rules.maxRetries) return { retry: false, reason: 'exhausted', verdict };
  let delay = computeDelay(rules.backoff, input.attempt, input.previousDelay);
  if (rules.delayFn !== undefined) {
    const own = rules.delayFn(Object.freeze({
      attempt: input.attempt, error: input.error, result: input.result, backoffDelay: delay, operationName: input.operationName,
    }));
    if (own !== undefined) delay = checkOwnDelay(own, rules.backoff.maxDelay);
  }
  const hint = failure.pushback !== undefined ? failure.pushback
    : retryAfterMs(input.kind === 'error' ? input.error : input.result, input.now);
  const elapsed = rules.timeout === undefined ? 0 : input.elapsed();
  if (hint !== undefined) {
    if (hint > rules.backoff.maxDelay || (rules.timeout !== undefined && elapsed + hint >= rules.timeout)) {
      return { retry: false, reason: 'retry-after', verdict, retryAfterMs: hint };
    }
    if (hint > delay) delay = hint;
  }
  if (rules.timeout !== undefined && elapsed + delay >= rules.timeout) return { retry: false, reason: 'timeout', verdict };
  return { retry: true, delay, verdict };
}

/** A `delayFn` answer: a non-negative number, capped by `maxDelay` like every delay. */
function checkOwnDelay(value: unknown, maxDelay: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new RangeError(`maestro-retry: option \`delayFn\` must return a non-negative number of ms or undefined, returned ${String(value)}`);
  }
  return value > maxDelay ? maxDelay : value;
}
