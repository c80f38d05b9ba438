import { ManualClock, RetryRegistry, retry } from '../../src/index.js';
import { AttemptTimeoutError, isAttemptTimeoutError } from '../../src/errors/attempt-timeout-error.js';
import { CircuitOpenError, isCircuitOpenError } from '../../src/errors/circuit-open-error.js';
import { isPermanentError, PermanentError } from '../../src/errors/permanent-error.js';
import { isRetryBudgetExhaustedError, RetryBudgetExhaustedError } from '../../src/errors/retry-budget-exhausted-error.js';
import { isRetryExhaustedError, RetryExhaustedError } from '../../src/errors/retry-exhausted-error.js';
import { isRetryTimeoutError, RetryTimeoutError } from '../../src/errors/retry-timeout-error.js';
import { isTransientErrorInstance, TransientError } from '../../src/errors/transient-error.js';

/**
 * The error classes as users build them by hand (in tests, in their own wrappers): with a
 * message, with nothing, with some of the details, with a message and details; and subclassed.
 */
type AnyErrorClass = new (...args: never[]) => Error;
const classes: Array<[string, AnyErrorClass, (value: unknown) => boolean]> = [
  ['TransientError', TransientError, isTransientErrorInstance],
  ['PermanentError', PermanentError, isPermanentError],
  ['AttemptTimeoutError', AttemptTimeoutError, isAttemptTimeoutError],
  ['CircuitOpenError', CircuitOpenError, isCircuitOpenError],
  ['RetryExhaustedError', RetryExhaustedError, isRetryExhaustedError],
  ['RetryBudgetExhaustedError', RetryBudgetExhaustedError, isRetryBudgetExhaustedError],
  ['RetryTimeoutError', RetryTimeoutError, isRetryTimeoutError],
];

function build(type: AnyErrorClass, ...args: unknown[]): Error {
  return new (type as new (...args: unknown[]) => Error)(...args);
}

describe('every public error class, built the ways users build it', () => {
  test.each(classes)('%s: a message string is the message', (name, type, guard) => {
    const error = build(type, 'gave up on the payments API');
    expect([error.message, error.name, guard(error)]).toEqual(['gave up on the payments API', name, true]);
    expect(String(error)).toBe(`${name}: gave up on the payments API`);
  });

  test.each(classes)('%s: nothing gives a default message without "undefined" or "NaN"', (name, type, guard) => {
    const error = build(type);
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.message).not.toMatch(/undefined|NaN|null/);
    expect([error.name, guard(error)]).toEqual([name, true]);
  });

  test.each(classes)('%s: an empty details object gives a default message', (name, type) => {
    const error = build(type, {});
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.message).not.toMatch(/undefined|NaN|null|\[object/);
    expect(error.name).toBe(name);
  });

  test.each(classes)('%s: a message and details: the message, and the cause kept', (_name, type) => {
    const cause = new Error('socket hang up');
    const error = build(type, 'custom', { cause });
    expect([error.message, error.cause]).toEqual(['custom', cause]);
  });

  test.each(classes)('%s: a details object with a message and a cause', (_name, type) => {
    const cause = new Error('root');
    const error = build(type, { message: 'from details', cause });
    expect([error.message, error.cause]).toEqual(['from details', cause]);
  });
});

describe('partial details make sentences of what is known', () => {
  it('AttemptTimeoutError', () => {
    expect(new AttemptTimeoutError({ timeout: 250 }).message).toBe('Attempt timed out after 250 ms');
    expect(new AttemptTimeoutError({ attempt: 2 }).message).toBe('Attempt 2 timed out');
    expect(new AttemptTimeoutError().message).toBe('Attempt timed out');
    const slow = new AttemptTimeoutError('slow', { timeout: 100, attempt: 3 });
    expect([slow.message, slow.timeout, slow.attempt]).toEqual(['slow', 100, 3]);
    const bare = new AttemptTimeoutError('slow');
    expect([bare.timeout, bare.attempt]).toEqual([undefined, undefined]);
    // the engine's own form still works
    expect(new AttemptTimeoutError(250, 3).message).toBe('Attempt 3 timed out after 250 ms');
  });

  it('RetryExhaustedError', () => {
    const error = new RetryExhaustedError({ operationName: 'users.get' });
    expect(error.message).toBe('users.get gave up (exhausted)');
    expect([error.reason, error.errors, error.attempts, error.elapsedMs]).toEqual(['exhausted', [], [], undefined]);
    expect(new RetryExhaustedError({ reason: 'non-retryable' }).message).toBe('Gave up (non-retryable)');
    expect(new RetryExhaustedError('gave up', { operationName: 'op', reason: 'aborted' }).reason).toBe('aborted');
    expect('lastResult' in new RetryExhaustedError('gave up')).toBe(false);
    expect(new RetryExhaustedError({ lastResult: 0 }).lastResult).toBe(0);
  });

  it('RetryBudgetExhaustedError', () => {
    expect(new RetryBudgetExhaustedError({ operationName: 'getUser' }).message).toBe('getUser: retry budget exhausted');
    expect(new RetryBudgetExhaustedError().reason).toBe('budget');
    expect(new RetryBudgetExhaustedError('no budget').reason).toBe('budget');
  });

  it('RetryTimeoutError', () => {
    expect(new RetryTimeoutError({ timeout: 500 }).message).toBe('Timed out after 500 ms');
    expect(new RetryTimeoutError({ operationName: 'op', timeout: 500, attemptCount: 2 }).message)
      .toBe('op timed out after 500 ms (2 attempts)');
    const slow = new RetryTimeoutError('slow', { timeout: 500 });
    expect([slow.message, slow.timeout, slow.elapsedMs, slow.attemptCount, slow.operationName])
      .toEqual(['slow', 500, undefined, undefined, undefined]);
  });

  it('CircuitOpenError', () => {
    const error = new CircuitOpenError({ retryAfterMs: 250 });
    expect([error.message, error.retryAfterMs]).toEqual(['Circuit breaker is open', 250]);
  });
});

describe('a subclass reports its own name', () => {
  class DbTimeoutError extends TransientError {}
  class NotFoundError extends PermanentError {}
  class PaymentsGaveUpError extends RetryExhaustedError {}
  class NamedOnItsOwn extends TransientError {
    override name = 'Custom';
  }

  it.each([
    ['DbTimeoutError', () => new DbTimeoutError('db slow'), isTransientErrorInstance],
    ['NotFoundError', () => new NotFoundError('db slow'), isPermanentError],
    ['PaymentsGaveUpError', () => new PaymentsGaveUpError('db slow'), isRetryExhaustedError],
  ] as const)('%s: in name, String(), the stack and the brand checks', (name, make, guard) => {
    const error = make();
    expect(error.name).toBe(name);
    expect(String(error)).toBe(`${name}: db slow`);
    expect(error.stack?.split('\n')[0]).toBe(`${name}: db slow`);
    expect(guard(error)).toBe(true);
  });

  it('the base classes keep their own names, and a subclass may still set its own', () => {
    expect(new TransientError('x').stack?.split('\n')[0]).toBe('TransientError: x');
    expect(new RetryBudgetExhaustedError('x').name).toBe('RetryBudgetExhaustedError');
    expect(new NamedOnItsOwn('x').name).toBe('Custom');
    // name is not an enumerable own field: a spread or JSON of an error carries its data only
    expect(Object.keys(new DbTimeoutError('x'))).not.toContain('name');
  });

  it('the registry counts a subclass under its own name', async () => {
    const registry = new RetryRegistry();
    let calls = 0;
    const clock = new ManualClock();
    const call = retry(async () => {
      calls++;
      throw calls === 1 ? new DbTimeoutError('db slow') : new NotFoundError('gone');
    }, { registry, operationName: 'users.get', maxRetries: 2, initialDelay: 1, clock });
    const settled = call.catch((error: unknown) => error);
    await clock.runAll();
    expect(await settled).toBeInstanceOf(NotFoundError);
    expect(registry.getStatistics('users.get').operations['users.get']?.errorCounts).toEqual({ DbTimeoutError: 1, NotFoundError: 1 });
  });
});
