import type { Clock } from '../engine/clock.js';
import type { PolicyEvent } from '../observers/observer.js';
import type { StateCell, StateStore } from '../state/store.js';
import { retryAnswer } from './budget-strategy.js';
import { PolicyEvents } from './policy-events.js';
import type { AttemptReport, CallReport, MaybePromise, Refusal, Strategy, StrategyContext } from './strategy.js';
import { clockOption, isFiniteNumber, nameOption, nonNegativeNumber, positiveNumber, readOptions, snapshotField, snapshotOption, storeOption } from './validate.js';

/** Options of {@link RetryBudget.tokenBucket}. Every one is optional; `undefined` means the default. */
export interface TokenBucketRetryBudgetOptions {
  /** Tokens the bucket holds, and starts with. @default 500 */
  readonly capacity?: number;
  /** Tokens a retry costs. @default 5 */
  readonly retryCost?: number;
  /** Tokens a retry costs when the failed attempt timed out. @default 10 */
  readonly timeoutCost?: number;
  /** Tokens a call that succeeds on its first attempt gives back. @default 1 */
  readonly successRefund?: number;
  /** Stamps its events and snapshots (the bucket itself has no notion of time). @default systemClock */
  readonly clock?: Clock;
  /** Names the budget in events and, in a shared store, its shared bucket. Required with a shared store. @default 'retry-budget' */
  readonly name?: string;
  /** Where the budget keeps its tokens. @default memoryStore() */
  readonly store?: StateStore;
  /** A snapshot from {@link TokenBucketRetryBudget.toJSON} to start from. */
  readonly initialState?: TokenBucketRetryBudgetSnapshot;
}

/** A snapshot of a {@link TokenBucketRetryBudget}. */
export interface TokenBucketRetryBudgetStats {
  /** Tokens left, in [0, capacity]. */
  readonly tokens: number;
  /** The bucket's size, in tokens. */
  readonly capacity: number;
  /** Ordinary retries that would be granted now, one after another. */
  readonly available: number;
}

/** What a token bucket stores. */
export interface TokenBucketState {
  tokens: number;
}

/** A plain snapshot of a {@link TokenBucketRetryBudget}, from {@link TokenBucketRetryBudget.toJSON}. */
export interface TokenBucketRetryBudgetSnapshot {
  /** What the snapshot is of: a token-bucket retry budget. */
  readonly kind: 'token-bucket-retry-budget';
  /** The budget's `name`. */
  readonly name: string;
  /** The store's time when it was taken. */
  readonly takenAt: number;
  /** The tokens in the bucket. */
  readonly state: Readonly<TokenBucketState>;
}

const OWNER = 'RetryBudget.tokenBucket';
const KIND = 'token-bucket-retry-budget';

/**
 * The AWS SDK standard retry mode's retry quota. The bucket starts full with `capacity`
 * tokens. A retry costs `retryCost` tokens (`timeoutCost` when the failed attempt timed out)
 * and is refused when the bucket cannot pay. A call that succeeds on its first attempt puts
 * `successRefund` back; a call that succeeds on a retry puts back what that retry cost. The
 * bucket never holds more than `capacity` nor less than 0. It has no notion of time: only
 * successes refill it. With a shared store (`maestro-retry/redis`) one bucket serves every
 * budget of the same `name` in the fleet.
 *
 * Build it with {@link RetryBudget.tokenBucket}.
 *
 * @example
 * const budget = RetryBudget.tokenBucket({ capacity: 500 });
 * await retry(callAws, { budget });
 * budget.stats.tokens; // 500 while all is well
 */
export class TokenBucketRetryBudget implements Strategy {
  readonly name: string;
  /** The `capacity` in effect: the {@link TokenBucketRetryBudgetOptions.capacity | option} given, or its default. */
  readonly capacity: number;
  /** The `retryCost` in effect: the {@link TokenBucketRetryBudgetOptions.retryCost | option} given, or its default. */
  readonly retryCost: number;
  /** The `timeoutCost` in effect: the {@link TokenBucketRetryBudgetOptions.timeoutCost | option} given, or its default. */
  readonly timeoutCost: number;
  /** The `successRefund` in effect: the {@link TokenBucketRetryBudgetOptions.successRefund | option} given, or its default. */
  readonly successRefund: number;
  readonly #cell: StateCell<TokenBucketState>;
  readonly #events: PolicyEvents;

  /** @throws {TypeError | RangeError} when an option has the wrong type or is out of range. */
  constructor(options?: TokenBucketRetryBudgetOptions) {
    const o = readOptions(OWNER, options);
    this.capacity = positiveNumber(OWNER, 'capacity', o.capacity, 500);
    this.retryCost = nonNegativeNumber(OWNER, 'retryCost', o.retryCost, 5);
    this.timeoutCost = nonNegativeNumber(OWNER, 'timeoutCost', o.timeoutCost, 10);
    this.successRefund = nonNegativeNumber(OWNER, 'successRefund', o.successRefund, 1);
    const clock = clockOption(OWNER, o.clock);
    const store = storeOption(OWNER, o.store);
    this.name = nameOption(OWNER, o.name, 'retry-budget', store);
    this.#events = new PolicyEvents('retry-budget', this.name, OWNER);
    const saved = snapshotOption(OWNER, o.initialState, KIND)?.state;
    const tokens = saved === undefined ? this.capacity : snapshotField<number>(OWNER, saved, 'tokens', 'a finite number', isFiniteNumber);
    this.#cell = store.cell<TokenBucketState>({
      kind: KIND,
      name: this.name,
      clock,
      initial: () => ({ tokens: Math.min(this.capacity, Math.max(0, tokens)) }),
      changed: () => {},
      storeEvent: (type, detail) => this.#events.emit(type, this.#cell.now(), detail),
    });
  }

  /** Tokens left, in [0, capacity]. */
  get tokens(): number {
    return this.#cell.read().tokens;
  }

  /** Ordinary retries that would be granted now (`Infinity` when a retry costs nothing). */
  get available(): number {
    return this.retryCost === 0 ? Infinity : Math.floor(this.tokens / this.retryCost);
  }

  /** A snapshot of the bucket. */
  get stats(): TokenBucketRetryBudgetStats {
    return { tokens: this.tokens, capacity: this.capacity, available: this.available };
  }

  /** Subscribes to this budget's {@link PolicyEvent}s (`'refused'`, and the store's events). */
  subscribe(listener: (event: PolicyEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  /** Strategy: grants the retry (taking its cost), or refuses it with reason `'budget'`. */
  allowRetry(ctx: StrategyContext, report: AttemptReport): MaybePromise<true | Refusal> {
    return retryAnswer(this.#grant(report.timedOut), ctx, report);
  }

  /** Strategy: a successful call refunds (see {@link TokenBucketRetryBudget.onSuccess}). */
  callEnded(_ctx: StrategyContext, report: CallReport): void {
    if (report.success) this.onSuccess(report.attempts > 1, report.lastRetryAfterTimeout);
  }

  /** Nothing to do: calls cost nothing here. */
  onCall(): void {}

  /**
   * Grants a retry when the bucket can pay its cost, and takes it. Answers synchronously, so
   * it needs a synchronous store (the default).
   */
  tryRetry(afterTimeout: boolean): boolean {
    if (!this.#cell.synchronous) throw new TypeError(`maestro-retry: ${OWNER} tryRetry() needs a synchronous store; with a shared store use allowRetry()`);
    return this.#grant(afterTimeout) as boolean;
  }

  /** Refunds `successRefund` for a first-try success, or what the succeeding retry cost. */
  onSuccess(retried: boolean, afterTimeout: boolean): void {
    this.#cell.record(!retried ? this.#refundFirst : afterTimeout ? this.#refundTimeout : this.#refundRetry);
  }

  /** A plain snapshot of the bucket, for `initialState`. */
  toJSON(): TokenBucketRetryBudgetSnapshot {
    return { kind: KIND, name: this.name, takenAt: this.#cell.now(), state: { tokens: this.tokens } };
  }

  #grant(afterTimeout: boolean): boolean | Promise<boolean> {
    const granted = this.#cell.apply(afterTimeout ? this.#takeTimeout : this.#takeRetry);
    if (typeof granted === 'boolean') return this.#told(granted);
    return granted.then((ok) => this.#told(ok));
  }

  #told(granted: boolean): boolean {
    if (!granted) this.#events.emit('refused', this.#cell.now(), { tokens: this.tokens });
    return granted;
  }

  readonly #takeRetry = (s: TokenBucketState): boolean => take(s, this.retryCost);
  readonly #takeTimeout = (s: TokenBucketState): boolean => take(s, this.timeoutCost);
  readonly #refundFirst = (s: TokenBucketState): void => refund(s, this.successRefund, this.capacity);
  readonly #refundRetry = (s: TokenBucketState): void => refund(s, this.retryCost, this.capacity);
  readonly #refundTimeout = (s: TokenBucketState): void => refund(s, this.timeoutCost, this.capacity);
}

function take(s: TokenBucketState, cost: number): boolean {
  if (s.tokens < cost) return false;
  s.tokens -= cost;
  return true;
}

function refund(s: TokenBucketState, amount: number, capacity: number): void {
  s.tokens = Math.min(capacity, s.tokens + amount);
}
