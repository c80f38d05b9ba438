/**
 * Option validation, word for word: the whole message of every validation error (the other
 * suites check the class and the option's name only), the shape checks of `retryOn`/`abortOn`
 * and `signal`, what `mergeOptions` keeps, and when a call reads the clock, seen through the
 * `elapsedMs` the hooks and `retryIf` get when nothing else records time.
 */
import { calculateDelay } from '../../src/decision/backoff.js';
import { mergeOptions, type RetryOptions } from '../../src/engine/options.js';
import { normalizeOptions } from '../../src/engine/settings.js';
import type { GiveUpEvent, RetryEvent, RetryIfInfo } from '../../src/engine/types.js';
import { retry } from '../../src/api/retry.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { drive, networkError } from '../helpers/drive.js';

const P = 'maestro-retry: option ';

/** Runs `act`, which must throw exactly an instance of `Class` (not a subclass) with `message`. */
function expectFailure(act: () => unknown, Class: typeof TypeError | typeof RangeError, message: string): void {
  let thrown: unknown;
  let threw = false;
  try {
    act();
  } catch (error) {
    threw = true;
    thrown = error;
  }
  expect(threw).toBe(true);
  expect(thrown).toBeInstanceOf(Class);
  expect((thrown as Error).constructor).toBe(Class);
  expect((thrown as Error).message).toBe(message);
}

/** Options typed loosely: the point is to pass values the types forbid. */
const norm = (options: unknown): unknown => normalizeOptions(options as RetryOptions);

describe('normalizeOptions: the whole message of each validation error', () => {
  it('options itself', () => {
    // options.ts:139 StringLiteral 'an object' -> ""
    expectFailure(() => norm('x'), TypeError, `${P}\`options\` must be an object, got "x"`);
    expectFailure(() => norm([]), TypeError, `${P}\`options\` must be an object, got an array of length 0`);
  });

  it('maxRetries', () => {
    // options.ts:147 StringLiteral 'a non-negative integer' -> ""
    expectFailure(() => norm({ maxRetries: '3' }), TypeError, `${P}\`maxRetries\` must be a non-negative integer, got "3"`);
    // options.ts:151 StringLiteral 'a non-negative integer' -> ""
    expectFailure(() => norm({ maxRetries: 1.5 }), RangeError, `${P}\`maxRetries\` must be a non-negative integer, got 1.5`);
    expectFailure(() => norm({ maxRetries: -1 }), RangeError, `${P}\`maxRetries\` must be a non-negative integer, got -1`);
    expectFailure(() => norm({ maxRetries: Infinity }), RangeError,
      `${P}\`maxRetries\` must be a non-negative integer (Infinity only together with \`timeout\`), got Infinity`);
  });

  it('operationName', () => {
    // options.ts:158 StringLiteral 'a string' -> ""
    expectFailure(() => norm({ operationName: 5 }), TypeError, `${P}\`operationName\` must be a string, got 5`);
    // options.ts:159 StringLiteral 'a non-empty string' -> ""
    expectFailure(() => norm({ operationName: '' }), RangeError, `${P}\`operationName\` must be a non-empty string, got ""`);
  });

  it('registry and the policies, by type and by a shape with none of their methods', () => {
    expectFailure(() => norm({ registry: 5 }), TypeError, `${P}\`registry\` must be a RetryRegistry, an observer or false, got 5`);
    expectFailure(() => norm({ registry: { operation() {} } }), TypeError,
      `${P}\`registry\` must be a RetryRegistry, an observer or false (with at least one of callStarted, attemptEnded, retryScheduled, callEnded, policyEvent), got an object`);
    expectFailure(() => norm({ circuitBreaker: 5 }), TypeError, `${P}\`circuitBreaker\` must be a CircuitBreaker or another strategy, got 5`);
    expectFailure(() => norm({ circuitBreaker: {} }), TypeError, `${P}\`circuitBreaker\` must be a CircuitBreaker or another strategy (with at least one of callStarted, beforeAttempt, afterAttempt, allowRetry, callEnded), got an object`);
    expectFailure(() => norm({ budget: 5 }), TypeError, `${P}\`budget\` must be a RetryBudget or another strategy, got 5`);
    expectFailure(() => norm({ budget: { allowRetry: 5 } }), TypeError, `${P}\`budget.allowRetry\` must be a function, got 5`);
    expectFailure(() => norm({ rateLimiter: 5 }), TypeError, `${P}\`rateLimiter\` must be an AdaptiveRateLimiter or another strategy, got 5`);
    expectFailure(() => norm({ rateLimiter: {} }), TypeError, `${P}\`rateLimiter\` must be an AdaptiveRateLimiter or another strategy (with at least one of callStarted, beforeAttempt, afterAttempt, allowRetry, callEnded), got an object`);
    expectFailure(() => norm({ strategies: [5] }), TypeError, `${P}\`strategies[0]\` must be a strategy, got 5`);
    expectFailure(() => norm({ observers: {} }), TypeError, `${P}\`observers\` must be an array of observers, got an object`);
  });

  it('clock: not an object, null, a primitive, a member missing (checkShape)', () => {
    // options.ts:172 StringLiteral 'a clock' -> ""
    expectFailure(() => norm({ clock: 5 }), TypeError, `${P}\`clock\` must be a clock, got 5`);
    // validate.ts:31 LogicalOperator `&&` and ConditionalExpression `value === null` -> false:
    // null would reach the member loop and be reported as missing `now`.
    expectFailure(() => norm({ clock: null }), TypeError, `${P}\`clock\` must be a clock, got null`);
    // validate.ts:31 ConditionalExpression `typeof value !== 'object'` -> false: a string
    // would be reported as missing `now`.
    expectFailure(() => norm({ clock: 'x' }), TypeError, `${P}\`clock\` must be a clock, got "x"`);
    // validate.ts:39 StringLiteral `${what} (with a \`${method}\` method)` -> ``
    expectFailure(() => norm({ clock: { now: () => 0 } }), TypeError, `${P}\`clock\` must be a clock (with a \`sleep\` method), got an object`);
  });

  it('a function with the members of a policy is still not an object (checkShape)', () => {
    // validate.ts:31 LogicalOperator `&&` / `typeof value !== 'object'` -> false: accepted the function.
    const fakeClock = Object.assign(function fakeClock() {}, { now: () => 0, sleep: async () => undefined });
    expectFailure(() => norm({ clock: fakeClock }), TypeError, `${P}\`clock\` must be a clock, got function fakeClock`);
  });

  it('numbers (checkNumber), functions and booleans', () => {
    // validate.ts:15 StringLiteral 'a number' -> ""
    expectFailure(() => norm({ timeout: '5' }), TypeError, `${P}\`timeout\` must be a number, got "5"`);
    // validate.ts:16 StringLiteral template -> `` and 'positive' -> ""
    expectFailure(() => norm({ timeout: 0 }), RangeError,
      `${P}\`timeout\` must be a positive finite number of ms, at most Number.MAX_SAFE_INTEGER, got 0`);
    expectFailure(() => norm({ attemptTimeout: -1 }), RangeError,
      `${P}\`attemptTimeout\` must be a positive finite number of ms, at most Number.MAX_SAFE_INTEGER, got -1`);
    // validate.ts:16 StringLiteral 'non-negative' -> ""
    expectFailure(() => norm({ initialDelay: -1 }), RangeError,
      `${P}\`initialDelay\` must be a non-negative finite number of ms, at most Number.MAX_SAFE_INTEGER, got -1`);
    // validate.ts:25 StringLiteral 'a function' -> ""
    expectFailure(() => norm({ retryIf: 5 }), TypeError, `${P}\`retryIf\` must be a function, got 5`);
    expectFailure(() => norm({ onRetry: 'x' }), TypeError, `${P}\`onRetry\` must be a function, got "x"`);
    // validate.ts:46 StringLiteral 'a boolean' -> ""
    expectFailure(() => norm({ wrapError: 'yes' }), TypeError, `${P}\`wrapError\` must be a boolean, got "yes"`);
  });
});

describe('normalizeOptions: retryOn / abortOn', () => {
  it('names an option that is not an array', () => {
    // options.ts:109 StringLiteral 'an array of error classes' -> ""
    expectFailure(() => norm({ retryOn: 'x' }), TypeError, `${P}\`retryOn\` must be an array of error classes, got "x"`);
    expectFailure(() => norm({ abortOn: TypeError }), TypeError, `${P}\`abortOn\` must be an array of error classes, got function TypeError`);
  });

  it('names the item that is not a class', () => {
    // options.ts:117 StringLiteral 'a class (a constructor such as `TypeError`)' -> ""
    expectFailure(() => norm({ retryOn: [TypeError, 42] }), TypeError,
      `${P}\`retryOn[1]\` must be a class (a constructor such as \`TypeError\`), got 42`);
  });

  it('rejects an object with a prototype property', () => {
    // options.ts:113 ConditionalExpression `typeof item === 'function'` -> true
    expectFailure(() => norm({ abortOn: [{ prototype: {} }] }), TypeError,
      `${P}\`abortOn[0]\` must be a class (a constructor such as \`TypeError\`), got an object`);
  });

  it('rejects a function whose prototype is null', () => {
    // options.ts:113 ConditionalExpression `item.prototype !== null` -> true
    function Plain(): void {}
    Plain.prototype = null;
    expectFailure(() => norm({ retryOn: [Plain] }), TypeError,
      `${P}\`retryOn[0]\` must be a class (a constructor such as \`TypeError\`), got function Plain`);
  });

  it('rejects a function whose prototype getter throws', () => {
    // options.ts:115 BooleanLiteral (catch) false -> true
    const hostile = (): void => undefined;
    Object.defineProperty(hostile, 'prototype', { get() { throw new Error('no prototype for you'); } });
    expectFailure(() => norm({ abortOn: [hostile] }), TypeError,
      `${P}\`abortOn[0]\` must be a class (a constructor such as \`TypeError\`), got function hostile`);
  });

  it('defaults both to empty arrays, and copies the given ones', () => {
    // options.ts:183 / 184 ArrayDeclaration [] -> ["Stryker was here"]
    const p = normalizeOptions({});
    expect(p.retryOn).toEqual([]);
    expect(p.abortOn).toEqual([]);
    const given = [TypeError];
    const q = normalizeOptions({ retryOn: given, abortOn: given });
    expect(q.retryOn).toEqual([TypeError]);
    expect(q.retryOn).not.toBe(given);
  });
});

describe('normalizeOptions: signal', () => {
  const members = { addEventListener(): void {}, removeEventListener(): void {} };

  it('accepts a real AbortSignal and a structural one', () => {
    const real = new AbortController().signal;
    expect(normalizeOptions({ signal: real }).signal).toBe(real);
    const structural = { aborted: false, ...members };
    expect(norm({ signal: structural })).toMatchObject({ signal: structural });
  });

  it('rejects a primitive with the whole message', () => {
    // options.ts:155 StringLiteral 'an AbortSignal' -> ""
    expectFailure(() => norm({ signal: 'x' }), TypeError, `${P}\`signal\` must be an AbortSignal, got "x"`);
    expectFailure(() => norm({ signal: null }), TypeError, `${P}\`signal\` must be an AbortSignal, got null`);
  });

  it('rejects a function that has the members of a signal', () => {
    // options.ts:123 ConditionalExpression -> false, LogicalOperator `&&`, `typeof value !== 'object'` -> false
    const fake = Object.assign(function fakeSignal() {}, { aborted: false, ...members });
    expectFailure(() => norm({ signal: fake }), TypeError, `${P}\`signal\` must be an AbortSignal, got function fakeSignal`);
  });

  it('rejects an object whose `aborted` is not a boolean', () => {
    // options.ts:126 ConditionalExpression (whole first pair) -> true, `typeof v.aborted === 'boolean'` -> true,
    // LogicalOperator `aborted || (add && remove)`
    expectFailure(() => norm({ signal: { aborted: 'no', ...members } }), TypeError, `${P}\`signal\` must be an AbortSignal, got an object`);
  });

  it('rejects an object without addEventListener', () => {
    // options.ts:126 ConditionalExpression `typeof v.addEventListener === 'function'` -> true,
    // LogicalOperator `(aborted && add) || remove`
    expectFailure(() => norm({ signal: { aborted: false, addEventListener: 1, removeEventListener(): void {} } }), TypeError,
      `${P}\`signal\` must be an AbortSignal, got an object`);
  });

  it('rejects an object without removeEventListener', () => {
    // options.ts:126 ConditionalExpression `typeof v.removeEventListener === 'function'` -> true
    expectFailure(() => norm({ signal: { aborted: false, addEventListener(): void {}, removeEventListener: 1 } }), TypeError,
      `${P}\`signal\` must be an AbortSignal, got an object`);
  });

  it('rejects an object whose `aborted` getter throws', () => {
    // options.ts:128 BooleanLiteral (catch) false -> true
    const hostile = { ...members, get aborted(): boolean { throw new Error('unreadable'); } };
    expectFailure(() => norm({ signal: hostile }), TypeError, `${P}\`signal\` must be an AbortSignal, got an object`);
  });
});

describe('mergeOptions', () => {
  it('rejects a layer that is not an object, with the whole message', () => {
    // options.ts:212 StringLiteral 'options' -> "", 'an object' -> "";
    // ConditionalExpression `layer === null` -> false (Object.keys(null) throws its own TypeError)
    expectFailure(() => mergeOptions({}, null as unknown as RetryOptions), TypeError, `${P}\`options\` must be an object, got null`);
    expectFailure(() => mergeOptions('x' as unknown as RetryOptions), TypeError, `${P}\`options\` must be an object, got "x"`);
  });

  it('keeps unknown keys for validation to reject, and lets no undefined erase an earlier layer', () => {
    const merged = mergeOptions(
      { maxRetries: 5, initialDelay: 10, bogus: 1 } as RetryOptions,
      { maxRetries: undefined, jitter: 'full', other: undefined } as RetryOptions,
    );
    expect(merged).toStrictEqual({ maxRetries: 5, initialDelay: 10, jitter: 'full', bogus: 1 });
    expect(() => normalizeOptions(merged)).toThrow(TypeError);
  });
});

/**
 * `timed`: with `registry: false` and no timeout or wrapError, only the one hook (or
 * `retryIf`) makes the call read its start time. The clock starts at 5000, so a call that
 * did not read it would report an `elapsedMs` of about 5000 (or 0, or skip the hook).
 */
describe('normalizeOptions: `timed` from each hook alone', () => {
  const base = { registry: false as const, initialDelay: 100, maxRetries: 1 };

  it('onRetry alone', async () => {
    // options.ts:202 ConditionalExpression `onRetry !== undefined` -> false, EqualityOperator -> ===
    const clock = new ManualClock(5000);
    const events: RetryEvent<string>[] = [];
    let n = 0;
    const call = retry(async () => {
      await clock.sleep(20);
      if (n++ === 0) throw networkError();
      return 'ok';
    }, { ...base, clock, onRetry: (e) => { events.push(e); } });
    const settled = await drive(clock, call);
    expect(settled).toEqual({ ok: true, value: 'ok', at: 5140 });
    expect(events.map((e) => e.elapsedMs)).toEqual([20]);
  });

  it('onSuccess alone', async () => {
    // options.ts:202 ConditionalExpression `onSuccess !== undefined` -> false, EqualityOperator -> ===
    const clock = new ManualClock(5000);
    const events: RetryEvent<string>[] = [];
    const call = retry(async () => {
      await clock.sleep(30);
      return 'ok';
    }, { ...base, clock, onSuccess: (e) => { events.push(e); } });
    const settled = await drive(clock, call);
    expect(settled).toEqual({ ok: true, value: 'ok', at: 5030 });
    expect(events.map((e) => [e.attempt, e.elapsedMs])).toEqual([[1, 30]]);
  });

  it('onGiveUp alone', async () => {
    // options.ts:202 ConditionalExpression `onGiveUp !== undefined` -> false, EqualityOperator -> ===
    const clock = new ManualClock(5000);
    const events: GiveUpEvent<never>[] = [];
    const call = retry(async () => {
      await clock.sleep(10);
      throw networkError();
    }, { ...base, clock, onGiveUp: (e) => { events.push(e); } });
    const settled = await drive(clock, call);
    expect(settled.ok).toBe(false);
    expect(settled.at).toBe(5120);
    expect(events.map((e) => [e.attempt, e.reason, e.elapsedMs])).toEqual([[2, 'exhausted', 120]]);
  });

  it('retryIf alone', async () => {
    // options.ts:203 ConditionalExpression `retryIf !== undefined` -> false, EqualityOperator -> ===
    const clock = new ManualClock(5000);
    const infos: RetryIfInfo[] = [];
    let n = 0;
    const call = retry(async () => {
      await clock.sleep(25);
      if (n++ === 0) throw new Error('boom');
      return 'ok';
    }, { ...base, clock, retryIf: (_error, info) => { infos.push(info); return true; } });
    const settled = await drive(clock, call);
    expect(settled).toEqual({ ok: true, value: 'ok', at: 5150 });
    expect(infos.map((i) => [i.attempt, i.elapsedMs])).toEqual([[1, 25]]);
  });
});

describe('calculateDelay / normalizeBackoff: whole messages and bounds', () => {
  it('backoffBase', () => {
    // backoff.ts:39 StringLiteral 'a number' -> ""
    expectFailure(() => calculateDelay(1, { backoffBase: '2' as unknown as number }), TypeError, `${P}\`backoffBase\` must be a number, got "2"`);
    // backoff.ts:40 StringLiteral 'a finite number >= 1' -> ""
    expectFailure(() => calculateDelay(1, { backoffBase: 0.5 }), RangeError, `${P}\`backoffBase\` must be a finite number >= 1, got 0.5`);
  });

  it('maxDelay may be 0 (non-negative, not positive)', () => {
    // backoff.ts:43 BooleanLiteral false -> true (checkNumber `positive`)
    expect(calculateDelay(1, { maxDelay: 0 })).toBe(0);
    expect(calculateDelay(2, { initialDelay: 0, maxDelay: 0 })).toBe(0);
    expectFailure(() => calculateDelay(1, { maxDelay: -1 }), RangeError,
      `${P}\`maxDelay\` must be a non-negative finite number of ms, at most Number.MAX_SAFE_INTEGER, got -1`);
  });

  it('jitter', () => {
    // backoff.ts:48 StringLiteral -> ""
    expectFailure(() => calculateDelay(1, { jitter: 5 as unknown as 'none' }), TypeError,
      `${P}\`jitter\` must be one of 'none', 'full', 'equal', 'decorrelated', got 5`);
    // backoff.ts:49 StringLiteral -> ""
    expectFailure(() => calculateDelay(1, { jitter: 'some' as unknown as 'none' }), RangeError,
      `${P}\`jitter\` must be one of 'none', 'full', 'equal', 'decorrelated', got "some"`);
  });

  it('random returning a numeric string is out of range', () => {
    // backoff.ts:56 ConditionalExpression `typeof r !== 'number'` -> false ('0.5' passes the range test)
    expectFailure(() => calculateDelay(1, { jitter: 'full', random: () => '0.5' as unknown as number }), RangeError,
      `${P}\`random\` must return a number in [0, 1), returned 0.5`);
    expect(calculateDelay(1, { jitter: 'full', random: () => 0.5 })).toBe(500);
  });

  it('retryNumber and options', () => {
    // backoff.ts:103 StringLiteral 'a positive integer' -> ""
    expectFailure(() => calculateDelay('1' as unknown as number), TypeError, `${P}\`retryNumber\` must be a positive integer, got "1"`);
    // backoff.ts:104 StringLiteral 'a positive integer' -> ""
    expectFailure(() => calculateDelay(0), RangeError, `${P}\`retryNumber\` must be a positive integer, got 0`);
    expectFailure(() => calculateDelay(1.5), RangeError, `${P}\`retryNumber\` must be a positive integer, got 1.5`);
    // backoff.ts:107 StringLiteral 'an object' -> ""
    expectFailure(() => calculateDelay(1, null as unknown as object), TypeError, `${P}\`options\` must be an object, got null`);
  });
});
