import { ErrorHandler } from '../../src/api/error-handler';
import { RetryManager } from '../../src/api/retry-manager';
import { retry } from '../../src/api/retry';
import { getRetryStatistics } from '../../src/api/statistics';
import { withRetry } from '../../src/api/with-retry';
import { AttemptTimeoutError } from '../../src/errors/attempt-timeout-error';
import { PermanentError } from '../../src/errors/permanent-error';
import { TransientError } from '../../src/errors/transient-error';
import { defaultRegistry } from '../../src/registry/default-registry';
import { RetryRegistry } from '../../src/registry/retry-registry';
import { ManualClock } from '../../src/testing/manual-clock';

class LockError extends Error {
  override name = 'LockError';
}

const reset = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const throttled = (retryAfter?: string): Error =>
  Object.assign(new Error('Too Many Requests'), { status: 429, ...(retryAfter === undefined ? {} : { headers: { 'retry-after': retryAfter } }) });

describe('ErrorHandler owns a RetryManager built from its config', () => {
  it('passes its config to the manager', () => {
    const handler = new ErrorHandler({ maxRetries: 2, initialDelay: 250, backoffBase: 3, maxDelay: 2000 });
    expect(handler.retryManager).toBeInstanceOf(RetryManager);
    expect(handler.retryManager.config).toMatchObject({ maxRetries: 2, initialDelay: 250, backoffBase: 3, maxDelay: 2000 });
    expect([1, 2, 3].map((k) => handler.retryManager.calculateDelay(k))).toEqual([250, 750, 2000]);
  });

  it('validates its config at construction', () => {
    expect(() => new ErrorHandler({ maxRetries: -2 })).toThrow(/maxRetries/);
    expect(() => new ErrorHandler({ jitter: 'lots' as never })).toThrow(RangeError);
  });
});

describe('ErrorHandler.handleError', () => {
  const handler = new ErrorHandler(); // maxRetries 3, 1000 * 2^(k-1), maxDelay 30000

  it('retries a transient error after calculateDelay(attempt), attempt defaulting to 1', () => {
    expect(handler.handleError(reset())).toEqual({ action: 'retry', delay: 1000, category: 'transient' });
    expect(handler.handleError(reset(), { attempt: 2 })).toEqual({ action: 'retry', delay: 2000, category: 'transient' });
    expect(handler.handleError(reset(), { attempt: 3, operationName: 'x' })).toEqual({ action: 'retry', delay: 4000, category: 'transient' });
    expect(handler.handleError(new AttemptTimeoutError(100, 1))).toMatchObject({ action: 'retry', category: 'transient' });
    expect(handler.handleError(new DOMException('signal timed out', 'TimeoutError'))).toMatchObject({ action: 'retry', category: 'transient' });
  });

  it('fails once attempt passes maxRetries, keeping the category', () => {
    expect(handler.handleError(reset(), { attempt: 4 })).toEqual({
      action: 'fail', reason: 'exhausted', message: expect.stringContaining('attempt 4'), category: 'transient',
    });
    expect(handler.handleError(throttled(), { attempt: 4 })).toMatchObject({ action: 'fail', reason: 'exhausted', category: 'throttled' });
    expect(new ErrorHandler({ maxRetries: 0 }).handleError(reset())).toMatchObject({ action: 'fail', reason: 'exhausted' });
  });

  it('calls a 429 throttled and raises the delay to its Retry-After', () => {
    expect(handler.handleError(throttled())).toEqual({ action: 'retry', delay: 1000, category: 'throttled' });
    expect(handler.handleError(throttled('5'))).toEqual({ action: 'retry', delay: 5000, category: 'throttled' });
    // A Retry-After shorter than the backoff does not shorten it.
    expect(handler.handleError(throttled('1'), { attempt: 3 })).toEqual({ action: 'retry', delay: 4000, category: 'throttled' });
    // retryAfter in ms on the error.
    expect(handler.handleError(Object.assign(new TransientError('busy'), { retryAfter: 2500 }))).toEqual({ action: 'retry', delay: 2500, category: 'transient' });
  });

  it('fails with reason retry-after when Retry-After exceeds maxDelay', () => {
    expect(handler.handleError(throttled('31'))).toEqual({
      action: 'fail', reason: 'retry-after', message: expect.stringContaining('31000'), category: 'throttled',
    });
    expect(handler.handleError(throttled('30'))).toEqual({ action: 'retry', delay: 30_000, category: 'throttled' });
    expect(new ErrorHandler({ maxDelay: 2000, initialDelay: 100 }).handleError(throttled('3'))).toMatchObject({ action: 'fail', reason: 'retry-after' });
  });

  it('reads an HTTP-date Retry-After against its clock', () => {
    const clock = new ManualClock(Date.UTC(2030, 0, 1, 12, 0, 0));
    const dated = new ErrorHandler({ clock });
    const error = Object.assign(new Error('unavailable'), { status: 503, headers: { 'Retry-After': new Date(Date.UTC(2030, 0, 1, 12, 0, 10)).toUTCString() } });
    expect(dated.handleError(error)).toEqual({ action: 'retry', delay: 10_000, category: 'transient' });
  });

  it('fails permanent errors at once', () => {
    for (const error of [new PermanentError('request timed out'), new Error('validation failed'), 'a string', undefined, null, 42]) {
      expect(handler.handleError(error)).toEqual({ action: 'fail', reason: 'non-retryable', message: expect.stringContaining('not retryable'), category: 'permanent' });
    }
    expect(handler.handleError(new PermanentError('x'), { attempt: 10 })).toMatchObject({ reason: 'non-retryable', category: 'permanent' });
  });

  it('calls an AbortError cancelled unless the config retries it, as a call would', () => {
    const abort = new DOMException('The operation was aborted', 'AbortError');
    expect(handler.handleError(abort)).toEqual({ action: 'fail', reason: 'aborted', message: expect.any(String), category: 'cancelled' });
    expect(new ErrorHandler({ retryIf: () => true }).handleError(abort)).toEqual({ action: 'retry', delay: 1000, category: 'transient' });
    expect(new ErrorHandler({ retryOn: [DOMException] }).handleError(abort)).toEqual({ action: 'retry', delay: 1000, category: 'transient' });
    expect(handler.handleError(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toMatchObject({ category: 'cancelled' });
  });

  it('follows the manager classification: abortOn, retryOn, retryIf', () => {
    expect(new ErrorHandler({ retryOn: [LockError] }).handleError(new LockError('locked'))).toEqual({ action: 'retry', delay: 1000, category: 'transient' });
    expect(new ErrorHandler({ abortOn: [TransientError] }).handleError(new TransientError('x'))).toMatchObject({ action: 'fail', category: 'permanent' });
    const picky = new ErrorHandler({ retryIf: (e) => (e as Error).message === 'again' });
    expect(picky.handleError(new Error('again'))).toMatchObject({ action: 'retry' });
    expect(picky.handleError(reset())).toMatchObject({ action: 'fail', category: 'permanent' });
    expect(() => new ErrorHandler({ retryIf: async () => true }).handleError(reset())).toThrow(TypeError);
  });

  it('uses the configured backoff for the delay', () => {
    const custom = new ErrorHandler({ initialDelay: 100, backoffBase: 10, maxDelay: 5000, maxRetries: 5 });
    expect([1, 2, 3, 4].map((attempt) => custom.handleError(reset(), { attempt }))).toEqual([
      { action: 'retry', delay: 100, category: 'transient' },
      { action: 'retry', delay: 1000, category: 'transient' },
      { action: 'retry', delay: 5000, category: 'transient' },
      { action: 'retry', delay: 5000, category: 'transient' },
    ]);
  });

  it('rejects an attempt number that is not a positive integer', () => {
    expect(() => handler.handleError(reset(), { attempt: 0 })).toThrow(RangeError);
    expect(() => handler.handleError(reset(), { attempt: 1.5 })).toThrow(/attempt/);
    expect(() => handler.handleError(reset(), { attempt: '2' as unknown as number })).toThrow(RangeError);
  });

  it('agrees with what executeWithRetry does for the same error', async () => {
    const registry = new RetryRegistry();
    const h = new ErrorHandler({ registry, initialDelay: 0, maxRetries: 2 });
    for (const make of [reset, () => new PermanentError('p'), () => throttled('1')]) {
      const decision = h.handleError(make());
      registry.clear();
      const clock = new ManualClock();
      const run = h.executeWithRetry(() => { throw make(); }, { operationName: 'same', clock });
      const settled = run.catch(() => undefined);
      await clock.runAll();
      await settled;
      const attempts = registry.getStatistics().attempts;
      expect(attempts > 1).toBe(decision.action === 'retry');
    }
  });

  // AWS SDK v3 throttling errors arrive with HTTP 400 and a throttling name: still retried.
  test('retries an AWS ThrottlingException (HTTP 400) as throttled', () => {
    const aws = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    expect(handler.handleError(aws)).toEqual({ action: 'retry', delay: 1000, category: 'throttled' });
  });
});

describe('ErrorHandler.executeWithRetry', () => {
  it('runs the function with retries through its manager, passing arguments', async () => {
    const registry = new RetryRegistry();
    const handler = new ErrorHandler({ registry, initialDelay: 0 });
    let calls = 0;
    const greet = (name: string, punct: string): string => {
      if (++calls < 2) throw reset();
      return `hi ${name}${punct}`;
    };
    await expect(handler.executeWithRetry(greet, { operationName: 'greet' }, 'ada', '!')).resolves.toBe('hi ada!');
    expect(handler.getRetryStatistics('greet')).toMatchObject({ calls: 1, attempts: 2, retries: 1, successes: 1 });
    expect(handler.getRetryHistory('greet').greet).toHaveLength(2);
    expect(handler.retryManager.getRetryStatistics()).toEqual(handler.getRetryStatistics());
  });
});

describe('ErrorHandler statistics read the shared registry', () => {
  beforeEach(() => defaultRegistry.clear());

  it('include calls made through withRetry and retry elsewhere in the program', async () => {
    const handler = new ErrorHandler({ initialDelay: 0 });
    let n = 0;
    const elsewhere = withRetry(async function loadConfig() {
      if (++n < 3) throw new TransientError('not yet');
      return 'cfg';
    });
    await elsewhere();
    await retry(() => 'x', { operationName: 'other.module' });
    await handler.executeWithRetry(() => 'mine', { operationName: 'handler.op' });
    const stats = handler.getRetryStatistics();
    expect(stats).toMatchObject({ totalOperations: 3, calls: 3, attempts: 5 });
    expect(stats.operations.loadConfig).toMatchObject({ calls: 1, attempts: 3, successesAfterRetry: 1 });
    expect(handler.getRetryStatistics('loadConfig')).toEqual(getRetryStatistics('loadConfig'));
    expect(Object.keys(handler.getRetryHistory()).sort()).toEqual(['handler.op', 'loadConfig', 'other.module']);
    expect(handler.getRetryHistory('loadConfig').loadConfig!.map((a) => a.success)).toEqual([false, false, true]);
  });

  it('read the configured registry instead when given one', async () => {
    const registry = new RetryRegistry();
    const handler = new ErrorHandler({ registry });
    await retry(() => 1, { operationName: 'in.default' });
    await handler.executeWithRetry(() => 1, { operationName: 'in.own' });
    expect(Object.keys(handler.getRetryStatistics().operations)).toEqual(['in.own']);
    expect(Object.keys(getRetryStatistics().operations)).toEqual(['in.default']);
  });
});
