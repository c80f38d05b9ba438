import vm from 'node:vm';
import { AttemptTimeoutError, isAttemptTimeoutError } from '../../src/errors/attempt-timeout-error.js';
import { CircuitOpenError, isCircuitOpenError } from '../../src/errors/circuit-open-error.js';
import { isPermanentError, PermanentError } from '../../src/errors/permanent-error.js';
import { isRetryBudgetExhaustedError, RetryBudgetExhaustedError } from '../../src/errors/retry-budget-exhausted-error.js';
import { isRetryExhaustedError, RetryExhaustedError } from '../../src/errors/retry-exhausted-error.js';
import { isRetryTimeoutError, RetryTimeoutError } from '../../src/errors/retry-timeout-error.js';
import { isTransientErrorInstance, TransientError } from '../../src/errors/transient-error.js';
import { isBranded, isOrMarked, markOf } from '../../src/errors/brand.js';

const details = { operationName: 'op', errors: [], attempts: [], elapsedMs: 5 };
const cause = new Error('root');

const cases: Array<[string, Error, (v: unknown) => boolean]> = [
  ['TransientError', new TransientError('t', { cause }), isTransientErrorInstance],
  ['PermanentError', new PermanentError('p', { cause }), isPermanentError],
  ['AttemptTimeoutError', new AttemptTimeoutError(100, 2), isAttemptTimeoutError],
  ['CircuitOpenError', new CircuitOpenError('open', { cause }), isCircuitOpenError],
  ['RetryExhaustedError', new RetryExhaustedError({ ...details, reason: 'exhausted', cause }), isRetryExhaustedError],
  ['RetryBudgetExhaustedError', new RetryBudgetExhaustedError({ ...details, cause }), isRetryBudgetExhaustedError],
  ['RetryTimeoutError', new RetryTimeoutError({ operationName: 'op', timeout: 10, elapsedMs: 10, attemptCount: 1, cause }), isRetryTimeoutError],
];

describe('error classes', () => {
  test.each(cases)('%s has its name, keeps its cause and has a guard', (name, error, guard) => {
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(Error);
    expect(guard(error)).toBe(true);
    if (name !== 'AttemptTimeoutError') expect(error.cause).toBe(cause);
    expect(String(error)).toContain(name);
  });

  test('guards tell the classes apart', () => {
    for (const [name, , guard] of cases) {
      for (const [other, error] of cases) {
        const expected = name === other || (name === 'RetryExhaustedError' && other === 'RetryBudgetExhaustedError');
        expect([name, other, guard(error)]).toEqual([name, other, expected]);
      }
    }
    expect(isRetryExhaustedError(new Error('plain'))).toBe(false);
    expect(isTransientErrorInstance('TransientError')).toBe(false);
    expect(isPermanentError(null)).toBe(false);
  });

  test('a guard recognises an error branded in another realm', () => {
    const foreign = vm.runInNewContext(`
      const e = new Error('from elsewhere');
      e.name = 'PermanentError';
      Object.defineProperty(e, Symbol.for('maestro-retry.error'), { value: 'PermanentError' });
      e;
    `);
    expect(foreign instanceof PermanentError).toBe(false);
    expect(isPermanentError(foreign)).toBe(true);
    expect(isTransientErrorInstance(foreign)).toBe(false);
  });

  test('RetryExhaustedError messages say what happened', () => {
    expect(new RetryExhaustedError({ ...details, reason: 'exhausted', attempts: [{} as never, {} as never] }).message).toBe('op gave up (exhausted) after 2 attempts');
    expect(new AttemptTimeoutError(250, 3).message).toBe('Attempt 3 timed out after 250 ms');
  });
});

describe('markOf and isOrMarked: the brand read once for several classes', () => {
  it('answer as isBranded does, for instances, marked look-alikes, subclasses and plain errors', () => {
    const own = new PermanentError('x');
    const foreign = Object.assign(new Error('y'), { [Symbol.for('maestro-retry.error')]: 'PermanentError' });
    const listed = Object.assign(new Error('z'), { [Symbol.for('maestro-retry.error')]: 'Special TransientError' });
    const unmarked = Object.create(PermanentError.prototype) as object;
    const plain = new Error('plain');
    for (const value of [own, foreign, listed, unmarked, plain]) {
      const mark = markOf(value);
      expect(isOrMarked(value, PermanentError, mark, 'PermanentError')).toBe(isBranded(value, PermanentError, 'PermanentError'));
      expect(isOrMarked(value, TransientError, mark, 'TransientError')).toBe(isBranded(value, TransientError, 'TransientError'));
    }
    expect(markOf(plain)).toBeUndefined();
    // A brand that is not a string is no brand (and must not reach `split`).
    const odd = Object.assign(new Error('odd'), { [Symbol.for('maestro-retry.error')]: 42 });
    expect(markOf(odd)).toBeUndefined();
    expect(isOrMarked(odd, PermanentError, markOf(odd), 'PermanentError')).toBe(false);
    expect(markOf(own)).toBe('PermanentError');
    expect(isOrMarked(listed, TransientError, markOf(listed), 'TransientError')).toBe(true);
    expect(isOrMarked(listed, TransientError, markOf(listed), 'Transient')).toBe(false);
    expect(isOrMarked(unmarked, PermanentError, undefined, 'PermanentError')).toBe(true);
  });

  it('never throw: a revoked Proxy or a throwing getPrototypeOf trap answer undefined and false', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const trap = new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); }, get: () => { throw new Error('get'); } });
    for (const value of [proxy, trap]) {
      expect(markOf(value)).toBeUndefined();
      expect(isOrMarked(value, PermanentError, 'PermanentError', 'PermanentError')).toBe(false);
    }
  });
});
