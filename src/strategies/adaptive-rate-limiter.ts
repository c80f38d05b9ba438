import { cubicRate } from './cubic.js';
import { FillBucket } from './fill-bucket.js';
import type { AdaptiveRateLimiterOptions, AdaptiveRateLimiterStats } from './adaptive-rate-limiter-types.js';
import type { AdaptiveRateLimiterSnapshot, RateCut } from './adaptive-rate-limiter-snapshot.js';
import type { PolicyEvent } from '../observers/observer.js';
import type { StateCell } from '../state/store.js';
import { PolicyEvents } from './policy-events.js';
import type { AttemptReport, Strategy, StrategyContext, Wait } from './strategy.js';
import { restoreLimiter } from './adaptive-rate-limiter-snapshot.js';
import { RateMeter } from './rate-meter.js';
import { clockOption, nameOption, openFraction, positiveNumber, readOptions, snapshotOption, storeOption, unitFraction } from './validate.js';
import { Waiters } from './waiters.js';

export type { AdaptiveRateLimiterOptions, AdaptiveRateLimiterStats } from './adaptive-rate-limiter-types.js';
export type { AdaptiveRateLimiterSnapshot, RateCut } from './adaptive-rate-limiter-snapshot.js';

const OWNER = 'AdaptiveRateLimiter';
const KIND = 'adaptive-rate-limiter';

/** Slack for floating-point refills: a bucket this close to a whole token holds it. */
const EPSILON = 1e-9;

/**
 * Client-side rate limiting as in the AWS SDK's adaptive retry mode: a token bucket whose fill
 * rate adapts to throttling. It does nothing until the first throttling error. From then on,
 * every attempt (first attempts too) takes a token, waiting for one when the bucket is empty.
 * On a throttling error the fill rate drops to `beta` times the measured send rate (or the
 * current fill rate, whichever is lower); after it, the rate regrows along a CUBIC curve back
 * towards, then past, the rate at which throttling began. The rate is never below
 * `minFillRate` nor above twice the measured send rate.
 *
 * Where it departs from the AWS SDK, so that one limiter can be shared by many concurrent
 * callers (the SDK has one per client, with few attempts in flight):
 * - **No cut for the answers to attempts sent before the last cut.** With many attempts in
 *   flight, the throttles answering those sent before a cut arrive after it and would compound
 *   the cut down to `minFillRate`. The limiter counts the attempts in flight at a cut and lets
 *   that many of the results that follow pass without cutting again, for at most
 *   `measurementIntervalMs` after the cut (the seam does not say which result answers which
 *   attempt, so the count is an estimate and the time bound caps a miscount). A client with
 *   one attempt in flight cuts on every throttle, as in the SDK; a shared limiter cuts about
 *   once per interval at most.
 * - **A measured rate from the first result.** Until the first measurement interval closes,
 *   the send rate is measured over the part of it seen so far (at least a tenth of an
 *   interval), and the interval starts at the first result, not at construction. The SDK
 *   reads 0 then, so an early throttle pins the rate at `minFillRate` (the 2x-measured cap).
 *   The first closed interval sets the smoothed rate instead of being averaged with 0.
 * - **A cut empties the bucket.** Tokens saved at the old rate would go out as a burst into a
 *   dependency that has just said it has no headroom.
 * - **No reservations.** {@link AdaptiveRateLimiter.acquire} takes a token when one is free
 *   and otherwise only says how long to wait before asking again, so a waiting attempt
 *   follows the rate as it changes and a cancelled one holds nothing. Waiters are told
 *   staggered times (the k-th of many about k / fill rate), not all woken at once.
 *
 * It starts no timer and never sleeps: the retry loop sleeps through its own clock.
 * What counts as a throttle is decided by the caller (the loop uses `isThrottlingError`).
 * Share one limiter among the callers of one rate-limited dependency. With a shared store
 * (`maestro-retry/redis`) the limiters of one `name` share their cuts: a throttle seen by one
 * process cuts the rate of every process, each pacing its own attempts.
 *
 * @example
 * const limiter = new AdaptiveRateLimiter();
 * await retry(() => s3.send(cmd), { rateLimiter: limiter });
 * limiter.stats.fillRate; // attempts per second it currently lets through
 */
export class AdaptiveRateLimiter implements Strategy {
  readonly name: string;
  /** The `beta` in effect: the {@link AdaptiveRateLimiterOptions.beta | option} given, or its default. */
  readonly beta: number;
  /** The `scaleConstant` in effect: the {@link AdaptiveRateLimiterOptions.scaleConstant | option} given, or its default. */
  readonly scaleConstant: number;
  /** The `smooth` in effect: the {@link AdaptiveRateLimiterOptions.smooth | option} given, or its default. */
  readonly smooth: number;
  /** The `minFillRate` in effect: the {@link AdaptiveRateLimiterOptions.minFillRate | option} given, or its default. */
  readonly minFillRate: number;
  /** The `minCapacity` in effect: the {@link AdaptiveRateLimiterOptions.minCapacity | option} given, or its default. */
  readonly minCapacity: number;
  /** The `measurementIntervalMs` in effect: the {@link AdaptiveRateLimiterOptions.measurementIntervalMs | option} given, or its default. */
  readonly measurementIntervalMs: number;
  readonly #cell: StateCell<RateCut>;
  readonly #events: PolicyEvents;

  /** The newest cut, this limiter's own or one adopted from the store. */
  #cut: RateCut;
  readonly #bucket: FillBucket;
  readonly #meter: RateMeter;
  /**
   * Send slots handed out, and results seen (never more than that); at the last cut, how many
   * of the attempts then in flight have not been answered yet.
   */
  #sent = 0;
  #ended = 0;
  #sentBeforeCut = 0;
  /** The latest time (ms) a waiting caller was told to come back. */
  #lastWake = -Infinity;
  readonly #waiters = new Waiters();

  /** @throws {TypeError | RangeError} when an option has the wrong type or is out of range. */
  constructor(options?: AdaptiveRateLimiterOptions) {
    const o = readOptions(OWNER, options);
    this.beta = openFraction(OWNER, 'beta', o.beta, 0.7);
    this.scaleConstant = positiveNumber(OWNER, 'scaleConstant', o.scaleConstant, 0.4);
    this.smooth = unitFraction(OWNER, 'smooth', o.smooth, 0.8);
    this.minFillRate = positiveNumber(OWNER, 'minFillRate', o.minFillRate, 0.5);
    this.minCapacity = positiveNumber(OWNER, 'minCapacity', o.minCapacity, 1);
    if (this.minCapacity < 1) {
      throw new RangeError(`maestro-retry: ${OWNER} option \`minCapacity\` must be a number >= 1, got ${this.minCapacity}`);
    }
    this.measurementIntervalMs = positiveNumber(OWNER, 'measurementIntervalMs', o.measurementIntervalMs, 500);
    this.#meter = new RateMeter(this.measurementIntervalMs, this.smooth);
    const clock = clockOption(OWNER, o.clock);
    const store = storeOption(OWNER, o.store);
    this.name = nameOption(OWNER, o.name, 'rate-limiter', store);
    this.#events = new PolicyEvents('rate-limiter', this.name, OWNER);
    const saved = restoreLimiter(OWNER, snapshotOption(OWNER, o.initialState, KIND)?.state);
    if (saved !== undefined) this.#meter.restore(saved.measuredTxRate);
    this.#cell = store.cell<RateCut>({
      kind: KIND,
      name: this.name,
      clock,
      initial: (now) => (saved === undefined ? { enabled: false, lastMaxRate: 0, lastThrottle: now } : { ...saved.cut, lastThrottle: Math.min(saved.cut.lastThrottle, now) }),
      changed: () => this.#adopt(),
      storeEvent: (type, detail) => this.#events.emit(type, this.#cell.now(), detail),
    });
    this.#cut = { ...this.#cell.read() };
    const rate = saved?.fillRate ?? 0;
    this.#bucket = new FillBucket(Math.max(rate, this.minFillRate), Math.max(rate, this.minCapacity), this.#cell.now());
  }

  /** Whether a throttle has been seen, so attempts are paced. */
  get enabled(): boolean {
    return this.#cut.enabled;
  }

  /** The rate, in attempts per second, attempts are let through at once enabled. */
  get fillRate(): number {
    return this.#bucket.rate;
  }

  /** The smoothed rate, in attempts per second, at which attempts have been ending. */
  get measuredTxRate(): number {
    return this.#meter.rate;
  }

  /** A snapshot of the limiter. */
  get stats(): AdaptiveRateLimiterStats {
    const now = this.#cell.now();
    // The bucket as it stands now, before the first throttle too (the refill is a function of
    // the time elapsed alone, so reading it changes nothing the next call would see).
    this.#bucket.refill(now);
    this.#waiters.settle(now, this.measurementIntervalMs);
    return {
      enabled: this.#cut.enabled,
      fillRate: this.#bucket.rate,
      measuredTxRate: this.#meter.rate,
      lastMaxRate: this.#cut.lastMaxRate,
      tokens: this.#bucket.tokens,
      maxCapacity: this.#bucket.capacity,
      waiting: this.#waiters.size,
    };
  }

  /** Subscribes to this limiter's {@link PolicyEvent}s: `'throttled'` {rate}, `'rate-change'` {rate}, `'wait'` {waitMs}, and the store's. */
  subscribe(listener: (event: PolicyEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  /** Strategy: sends the attempt now, or asks the engine to wait and ask again. */
  beforeAttempt(): true | Wait {
    const waitMs = this.acquire();
    return waitMs === 0 ? true : { waitMs };
  }

  /** Strategy: an attempt ended; a throttled one cuts the rate. */
  afterAttempt(_ctx: StrategyContext, report: AttemptReport): void {
    this.onResult(report.throttled);
  }

  /**
   * Asks to send one attempt. Returns 0 when it took a token (send now), otherwise the ms to
   * wait before asking again; a positive answer takes nothing. Before the first throttle it
   * always returns 0.
   *
   * Waiting callers are spread out, not sent back all at once: the limiter keeps the times it
   * expects its waiting callers back, and a new waiter is told to come back when the tokens for
   * everyone ahead of it and for itself will have accrued (about k / fillRate seconds for the
   * k-th). A caller back from its wait takes a token if one is there; if not (the rate was cut
   * meanwhile), it waits again behind everyone waiting. A new caller takes a token only if the
   * waiter due next would still find its own.
   */
  acquire(): number {
    if (!this.#cut.enabled) {
      this.#sent++;
      return 0;
    }
    const now = this.#cell.now();
    this.#bucket.refill(now);
    this.#waiters.settle(now, this.measurementIntervalMs);
    // A caller asking while a waiter's wait has run out is taken to be that waiter, back.
    const returning = this.#waiters.takeReturning();
    const perMs = this.#bucket.rate / 1000;
    // A new caller leaves what the next waiter will need from the bucket as it stands. (No
    // other waiter is due now: a caller asking while one is due is taken to be that one.)
    let keep = 0;
    if (!returning) {
      const next = this.#waiters.next;
      if (next !== undefined) keep = Math.max(0, 1 - (next - now) * perMs);
    }
    if (this.#bucket.tokens + EPSILON >= 1 + keep) {
      this.#bucket.take();
      this.#sent++;
      return 0;
    }
    // Behind everyone waiting: when the token for itself has accrued, and one token after the
    // latest time handed out. (Waiters due now ask after it, and queue behind it in turn.)
    // Appending to the schedule rather than counting heads leaves no gap in it when the rate
    // changes.
    let wake = now + Math.max(1 - this.#bucket.tokens, EPSILON) / perMs;
    if (this.#lastWake > now) wake = Math.max(wake, this.#lastWake + 1 / perMs);
    this.#lastWake = wake;
    this.#waiters.add(wake);
    this.#events.emit('wait', now, { waitMs: wake - now });
    return wake - now;
  }

  /** An attempt ended; `throttled`: with a throttling error. Adapts the fill rate. */
  onResult(throttled: boolean): void {
    const now = this.#cell.now();
    this.#meter.measure(now);
    // More results than sends: results reported without asking; keep the in-flight count >= 0.
    this.#ended = Math.min(this.#ended + 1, this.#sent);
    const answersOldSend = this.#sentBeforeCut > 0;
    if (answersOldSend) this.#sentBeforeCut--;
    const cut = this.#cut;
    if (!throttled) {
      this.#setRate(now, Math.min(cubicRate((now - cut.lastThrottle) / 1000, cut.lastMaxRate, this.beta, this.scaleConstant), 2 * this.#meter.rate));
      return;
    }
    // A throttle soon after a cut that may answer an attempt sent before it says nothing of
    // the new rate: no second cut for it.
    if (answersOldSend && now - cut.lastThrottle < this.measurementIntervalMs) return;
    this.#sentBeforeCut = this.#sent - this.#ended;
    const rateToUse = cut.enabled ? Math.min(this.#meter.rate, this.#bucket.rate) : this.#meter.rate;
    const mine: RateCut = { enabled: true, lastMaxRate: rateToUse, lastThrottle: now };
    this.#cut = mine;
    this.#cutTo(now, rateToUse * this.beta);
    this.#events.emit('throttled', now, { rate: this.#bucket.rate });
    this.#cell.record((s) => {
      if (s.lastThrottle <= mine.lastThrottle) Object.assign(s, mine);
    });
  }

  /** A plain snapshot, for `initialState`: the stored cut and this process's rates. */
  toJSON(): AdaptiveRateLimiterSnapshot {
    return { kind: KIND, name: this.name, takenAt: this.#cell.now(), state: { ...this.#cut, fillRate: this.#bucket.rate, measuredTxRate: this.#meter.rate } };
  }

  /** The store holds a newer cut than this limiter's (another process's): it cuts here too. */
  #adopt(): void {
    const stored = this.#cell.read();
    const mine = this.#cut;
    if (!stored.enabled || stored.lastThrottle < mine.lastThrottle || (stored.lastThrottle === mine.lastThrottle && mine.enabled)) return;
    this.#cut = { ...stored };
    const now = this.#cell.now();
    this.#cutTo(now, stored.lastMaxRate * this.beta);
    this.#events.emit('rate-change', now, { rate: this.#bucket.rate });
  }

  /**
   * The dependency has no headroom now: tokens saved at the old rate would go out as a burst,
   * be throttled and cut again. The new rate starts from an empty bucket.
   */
  #cutTo(now: number, rate: number): void {
    this.#bucket.refill(now);
    this.#bucket.tokens = 0;
    this.#setRate(now, Math.min(rate, 2 * this.#meter.rate));
  }

  #setRate(now: number, rate: number): void {
    this.#bucket.resize(now, Math.max(rate, this.minFillRate), Math.max(rate, this.minCapacity));
  }
}
