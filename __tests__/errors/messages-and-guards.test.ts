/**
 * The error classes' messages and guards, and ManualClock's details: the default messages and
 * the singular/plural messages of the error classes, when `cause` and `lastResult` are present
 * at all, guards that recognise errors made by another copy of the library or in another realm
 * (and do not throw on values that fight back), and ManualClock's documented behaviour:
 * `nextDue`, order of timers, an already-aborted signal, the listener an aborted sleep leaves,
 * `runAll`'s limit.
 */
import { getEventListeners } from 'node:events';
import vm from 'node:vm';
import { AttemptTimeoutError, isAttemptTimeoutError } from '../../src/errors/attempt-timeout-error.js';
import { CircuitOpenError, isCircuitOpenError } from '../../src/errors/circuit-open-error.js';
import { isPermanentError, PermanentError } from '../../src/errors/permanent-error.js';
import { isRetryBudgetExhaustedError, RetryBudgetExhaustedError } from '../../src/errors/retry-budget-exhausted-error.js';
import { isRetryExhaustedError, RetryExhaustedError } from '../../src/errors/retry-exhausted-error.js';
import { isRetryTimeoutError, RetryTimeoutError } from '../../src/errors/retry-timeout-error.js';
import { isTransientErrorInstance, TransientError } from '../../src/errors/transient-error.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import type { RetryAttempt } from '../../src/engine/types.js';

const attempt = (n: number): RetryAttempt => ({
  operationName: 'op', attemptNumber: n, delay: 0, success: false, timestamp: 0, durationMs: 1,
  error: { name: 'Error', message: 'boom' },
});
const attempts = (count: number): RetryAttempt[] => Array.from({ length: count }, (_, i) => attempt(i + 1));
const base = { operationName: 'op', errors: [], elapsedMs: 5 };

type Guard = (value: unknown) => boolean;

/** The error modules of this library, as one copy of it exports them. */
interface ErrorsCopy {
  TransientError: typeof TransientError; isTransientErrorInstance: Guard;
  PermanentError: typeof PermanentError; isPermanentError: Guard;
  AttemptTimeoutError: typeof AttemptTimeoutError; isAttemptTimeoutError: Guard;
  CircuitOpenError: typeof CircuitOpenError; isCircuitOpenError: Guard;
  RetryExhaustedError: typeof RetryExhaustedError; isRetryExhaustedError: Guard;
  RetryBudgetExhaustedError: typeof RetryBudgetExhaustedError; isRetryBudgetExhaustedError: Guard;
  RetryTimeoutError: typeof RetryTimeoutError; isRetryTimeoutError: Guard;
}

const here: ErrorsCopy = {
  TransientError, isTransientErrorInstance, PermanentError, isPermanentError, AttemptTimeoutError,
  isAttemptTimeoutError, CircuitOpenError, isCircuitOpenError, RetryExhaustedError, isRetryExhaustedError,
  RetryBudgetExhaustedError, isRetryBudgetExhaustedError, RetryTimeoutError, isRetryTimeoutError,
};

/** A second, independent copy of the error modules (as a second install of the package would load). */
function secondCopy(): ErrorsCopy {
  let copy: ErrorsCopy | undefined;
  jest.isolateModules(() => {
    copy = {
      ...(require('../../src/errors/transient-error.js') as object),
      ...(require('../../src/errors/permanent-error.js') as object),
      ...(require('../../src/errors/attempt-timeout-error.js') as object),
      ...(require('../../src/errors/circuit-open-error.js') as object),
      ...(require('../../src/errors/retry-exhausted-error.js') as object),
      ...(require('../../src/errors/retry-budget-exhausted-error.js') as object),
      ...(require('../../src/errors/retry-timeout-error.js') as object),
    } as ErrorsCopy;
  });
  return copy!;
}

/** One error of each class, made by `lib`, with the guard names that must accept it. */
function samples(lib: ErrorsCopy): Array<[name: string, error: Error, accepted: Array<keyof ErrorsCopy>]> {
  return [
    ['TransientError', new lib.TransientError('t'), ['isTransientErrorInstance']],
    ['PermanentError', new lib.PermanentError('p'), ['isPermanentError']],
    ['AttemptTimeoutError', new lib.AttemptTimeoutError(100, 1), ['isAttemptTimeoutError']],
    ['CircuitOpenError', new lib.CircuitOpenError(), ['isCircuitOpenError']],
    ['RetryExhaustedError', new lib.RetryExhaustedError({ ...base, reason: 'exhausted', attempts: attempts(1) }), ['isRetryExhaustedError']],
    ['RetryBudgetExhaustedError', new lib.RetryBudgetExhaustedError({ ...base, attempts: attempts(1) }),
      ['isRetryBudgetExhaustedError', 'isRetryExhaustedError']],
    ['RetryTimeoutError', new lib.RetryTimeoutError({ operationName: 'op', timeout: 10, elapsedMs: 10, attemptCount: 1 }), ['isRetryTimeoutError']],
  ];
}

const guardNames = [
  'isTransientErrorInstance', 'isPermanentError', 'isAttemptTimeoutError', 'isCircuitOpenError',
  'isRetryExhaustedError', 'isRetryBudgetExhaustedError', 'isRetryTimeoutError',
] as const;

describe('error classes: default messages', () => {
  it('TransientError, PermanentError and CircuitOpenError have a default message', () => {
    expect(new TransientError().message).toBe('Transient failure');
    expect(new PermanentError().message).toBe('Permanent failure');
    expect(new CircuitOpenError().message).toBe('Circuit breaker is open');
  });

  it('a CircuitOpenError made without options has no cause and no retryAfterMs', () => {
    const error = new CircuitOpenError();
    expect('cause' in error).toBe(false);
    expect(error.retryAfterMs).toBeUndefined();
    const named = new CircuitOpenError('payments breaker open');
    expect(named.message).toBe('payments breaker open');
    expect('cause' in named).toBe(false);
  });

  it('a CircuitOpenError keeps retryAfterMs, and has a cause only when one is given', () => {
    const hinted = new CircuitOpenError('open', { retryAfterMs: 250 });
    expect(hinted.retryAfterMs).toBe(250);
    expect('cause' in hinted).toBe(false);
    const root = new Error('root');
    const caused = new CircuitOpenError('open', { cause: root, retryAfterMs: 5 });
    expect(caused.cause).toBe(root);
    expect(caused.retryAfterMs).toBe(5);
  });
});

describe('error classes: messages say how many attempts', () => {
  it('RetryExhaustedError: "1 attempt", "2 attempts"', () => {
    expect(new RetryExhaustedError({ ...base, reason: 'non-retryable', attempts: attempts(1) }).message)
      .toBe('op gave up (non-retryable) after 1 attempt');
    expect(new RetryExhaustedError({ ...base, reason: 'exhausted', attempts: attempts(2) }).message)
      .toBe('op gave up (exhausted) after 2 attempts');
    expect(new RetryExhaustedError({ ...base, reason: 'exhausted', attempts: [] }, 'custom').message).toBe('custom');
  });

  it('RetryBudgetExhaustedError: "1 attempt", "3 attempts", reason budget', () => {
    const one = new RetryBudgetExhaustedError({ ...base, operationName: 'getUser', attempts: attempts(1) });
    expect(one.message).toBe('getUser: retry budget exhausted after 1 attempt');
    expect(one.reason).toBe('budget');
    expect(one.name).toBe('RetryBudgetExhaustedError');
    expect(new RetryBudgetExhaustedError({ ...base, operationName: 'getUser', attempts: attempts(3) }).message)
      .toBe('getUser: retry budget exhausted after 3 attempts');
  });

  it('RetryTimeoutError at or past the deadline: "timed out after", with the attempt count', () => {
    const args = { operationName: 'op', timeout: 100 };
    expect(new RetryTimeoutError({ ...args, elapsedMs: 100, attemptCount: 1 }).message).toBe('op timed out after 100 ms (1 attempt)');
    expect(new RetryTimeoutError({ ...args, elapsedMs: 100, attemptCount: 2 }).message).toBe('op timed out after 100 ms (2 attempts)');
    expect(new RetryTimeoutError({ ...args, elapsedMs: 130, attemptCount: 3 }).message).toBe('op timed out after 100 ms (3 attempts)');
  });

  it('RetryTimeoutError before the deadline (a delay would have passed it): "gave up at", rounded', () => {
    const error = new RetryTimeoutError({ operationName: 'op', timeout: 100, elapsedMs: 42.6, attemptCount: 1 });
    expect(error.message).toBe('op gave up at 43 ms, before its 100 ms timeout');
    expect(new RetryTimeoutError({ operationName: 'op', timeout: 100, elapsedMs: 99.9, attemptCount: 2 }).message)
      .toBe('op gave up at 100 ms, before its 100 ms timeout');
    expect([error.timeout, error.elapsedMs, error.attemptCount, error.operationName]).toEqual([100, 42.6, 1, 'op']);
  });
});

describe('error classes: optional fields are present only when given', () => {
  it('RetryTimeoutError has a cause only when there was a last error', () => {
    const args = { operationName: 'op', timeout: 10, elapsedMs: 10, attemptCount: 1 };
    expect('cause' in new RetryTimeoutError(args)).toBe(false);
    // no attempt error yet: the loop may pass `cause: undefined`, which means "none"
    expect('cause' in new RetryTimeoutError({ ...args, cause: undefined })).toBe(false);
    const root = new Error('root');
    expect(new RetryTimeoutError({ ...args, cause: root }).cause).toBe(root);
  });

  it('RetryExhaustedError has lastResult only when given, even a falsy or undefined one', () => {
    const onError = new RetryExhaustedError({ ...base, reason: 'exhausted', attempts: attempts(1), cause: new Error('x') });
    expect('lastResult' in onError).toBe(false);
    expect(new RetryExhaustedError({ ...base, reason: 'exhausted', attempts: attempts(1), lastResult: 0 }).lastResult).toBe(0);
    // A call that ended on an `undefined` result is told apart from one that ended on an error.
    const onUndefined = new RetryExhaustedError({ ...base, reason: 'exhausted', attempts: attempts(1), lastResult: undefined });
    expect(Object.prototype.hasOwnProperty.call(onUndefined, 'lastResult')).toBe(true);
  });
});

describe('guards across copies of the library and across realms', () => {
  const other = secondCopy();

  it('the second copy really is another copy (instanceof does not cross it)', () => {
    expect(other.PermanentError).not.toBe(PermanentError);
    expect(new other.PermanentError() instanceof PermanentError).toBe(false);
  });

  it.each([['made here, checked by the other copy', here, other], ['made by the other copy, checked here', other, here]] as const)(
    'every guard recognises exactly its classes: %s',
    (_, maker, checker) => {
      for (const [name, error, accepted] of samples(maker)) {
        for (const guard of guardNames) {
          expect([name, guard, checker[guard](error)]).toEqual([name, guard, accepted.includes(guard)]);
        }
      }
    },
  );

  it('a RetryBudgetExhaustedError from another copy is a RetryExhaustedError there too, with its fields', () => {
    const error = new other.RetryBudgetExhaustedError({ ...base, attempts: attempts(2), cause: new Error('last') });
    expect(isRetryExhaustedError(error)).toBe(true);
    expect(isRetryBudgetExhaustedError(error)).toBe(true);
    expect(error instanceof RetryExhaustedError).toBe(false);
  });

  it('guards recognise errors branded in another realm (node:vm)', () => {
    for (const name of ['TransientError', 'PermanentError', 'AttemptTimeoutError', 'CircuitOpenError', 'RetryExhaustedError',
      'RetryBudgetExhaustedError', 'RetryTimeoutError']) {
      const foreign: unknown = vm.runInNewContext(`
        const e = new Error('from elsewhere');
        e.name = ${JSON.stringify(name)};
        Object.defineProperty(e, Symbol.for('maestro-retry.error'), { value: ${JSON.stringify(name)} });
        e;
      `);
      expect(foreign instanceof Error).toBe(false);
      const answers = guardNames.map((guard) => here[guard](foreign));
      const expected = guardNames.map((guard) => guard === `is${name === 'TransientError' ? 'TransientErrorInstance' : name}`);
      expect([name, answers]).toEqual([name, expected]);
    }
  });

  it('the brand does not travel with a copy of the fields: a spread error is not an error of the class', () => {
    for (const [name, error] of samples(here)) {
      const copy: unknown = { ...error };
      const copied: unknown = Object.assign({}, error);
      expect([name, guardNames.filter((guard) => here[guard](copy) || here[guard](copied))]).toEqual([name, []]);
    }
  });

  it('guards answer false, never throw, for objects whose brand or prototype cannot be read', () => {
    const trap = new Proxy({}, { get() { throw new Error('no reads'); } });
    const getter = Object.defineProperty({}, Symbol.for('maestro-retry.error'), { get() { throw new Error('no brand'); } });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const noPrototype = new Proxy({}, { getPrototypeOf() { throw new Error('no prototype'); } });
    for (const value of [trap, getter, revoked.proxy, noPrototype]) {
      expect(guardNames.map((guard) => here[guard](value))).toEqual(guardNames.map(() => false));
    }
    expect(guardNames.map((guard) => here[guard](null))).toEqual(guardNames.map(() => false));
    expect(guardNames.map((guard) => here[guard](undefined))).toEqual(guardNames.map(() => false));
  });
});

describe('ManualClock', () => {
  it('nextDue is undefined with nothing pending, else the earliest due time', async () => {
    const clock = new ManualClock(1000);
    expect(clock.nextDue).toBeUndefined();
    const late = clock.sleep(300);
    const early = clock.sleep(50);
    expect(clock.nextDue).toBe(1050);
    await clock.advance(60);
    await early;
    expect(clock.nextDue).toBe(1300);
    await clock.runAll();
    await late;
    expect(clock.nextDue).toBeUndefined();
    expect(clock.now()).toBe(1300);
  });

  it('fires only the timers due on the way, earliest first, whatever their creation order', async () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    for (const ms of [100, 50, 80, 20, 200, 60]) void clock.sleep(ms).then(() => fired.push(ms));
    await clock.advance(70);
    expect(fired).toEqual([20, 50, 60]);
    expect(clock.pendingTimers).toBe(3);
    await clock.runAll();
    expect(fired).toEqual([20, 50, 60, 80, 100, 200]);
    expect(clock.now()).toBe(200);
  });

  it('timers due at the same time fire in creation order', async () => {
    const clock = new ManualClock();
    const fired: string[] = [];
    const labels: string[] = [];
    for (let i = 0; i < 12; i++) {
      const label = `${i % 3 === 0 ? 'a' : 'b'}${i}`;
      const ms = i % 3 === 0 ? 10 : 20;
      labels.push(label);
      void clock.sleep(ms).then(() => fired.push(label));
    }
    await clock.runAll();
    expect(fired).toEqual([...labels.filter((l) => l.startsWith('a')), ...labels.filter((l) => l.startsWith('b'))]);
  });

  it('sleep with an already aborted signal rejects at once with its reason and arms nothing', async () => {
    const clock = new ManualClock();
    const reason = new Error('cancelled');
    const sleeping = clock.sleep(10, AbortSignal.abort(reason));
    expect(clock.pendingTimers).toBe(0);
    expect(clock.nextDue).toBeUndefined();
    await expect(sleeping).rejects.toBe(reason);
  });

  it('an aborted sleep rejects with the reason and leaves no timer and no listener on its signal', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(10, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    expect(clock.pendingTimers).toBe(1);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    expect(clock.pendingTimers).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a sleep that fires removes its listener from the signal', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(10, controller.signal);
    await clock.advance(10);
    await sleeping;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('runAll(n) returns when exactly n timers fire and none is left', async () => {
    const clock = new ManualClock();
    const woke: number[] = [];
    for (const ms of [1, 2, 3]) void clock.sleep(ms).then(() => woke.push(ms));
    await expect(clock.runAll(3)).resolves.toBeUndefined();
    expect(woke).toEqual([1, 2, 3]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('runAll throws after maxTimers firings of a loop that keeps re-arming, saying how many are pending', async () => {
    const clock = new ManualClock();
    let fired = 0;
    const loop = (async (): Promise<void> => {
      while (fired < 10) {
        await clock.sleep(5);
        fired++;
      }
    })();
    await expect(clock.runAll(3)).rejects.toThrow(new Error('ManualClock.runAll: still 1 timers pending after 3'));
    expect(fired).toBe(3);
    expect(clock.now()).toBe(15);
    await clock.runAll();
    await loop;
    expect(fired).toBe(10);
    expect(clock.pendingTimers).toBe(0);
  });
});
