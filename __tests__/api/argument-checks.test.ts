import { ErrorHandler, RetryManager, retryAfterMs } from '../../src/index.js';

describe('retryAfterMs(source) without `now`', () => {
  it('reads delay-seconds and retry-after-ms without a clock', () => {
    expect(retryAfterMs({ headers: { 'retry-after': '2' } })).toBe(2000);
    expect(retryAfterMs({ response: { headers: { 'retry-after-ms': '150' } } })).toBe(150);
    expect(retryAfterMs(new Error('no hint'))).toBeUndefined();
  });

  it('reads an HTTP date against the system clock (Date.now)', () => {
    const inAMinute = new Date(Math.ceil(Date.now() / 1000) * 1000 + 60_000).toUTCString();
    const ms = retryAfterMs({ headers: { 'retry-after': inAMinute } });
    expect(ms).toBeGreaterThan(58_000);
    expect(ms).toBeLessThanOrEqual(61_000);
  });

  it('still uses the `now` given, a number or a function', () => {
    const at = Date.UTC(2025, 0, 15, 12, 0, 0);
    const date = { headers: { 'retry-after': 'Wed, 15 Jan 2025 12:00:30 GMT' } };
    expect(retryAfterMs(date, at)).toBe(30_000);
    expect(retryAfterMs(date, () => at + 10_000)).toBe(20_000);
  });

  it('names `now` when it is neither a number nor a function', () => {
    const date = { headers: { 'retry-after': 'Wed, 15 Jan 2025 12:00:30 GMT' } };
    expect(() => retryAfterMs(date, new Date() as never)).toThrow(TypeError);
    expect(() => retryAfterMs(date, '0' as never)).toThrow(/retryAfterMs\(\) `now` must be .*got "0"/);
  });
});

describe('executeWithRetry(fn, "name"): a string where the context object goes', () => {
  // A string is not taken as the operation name: executeWithRetry(fn, context, ...args) would
  // then silently swallow a string meant as fn's first argument.
  it.each([
    ['RetryManager', (fn: () => number, context: unknown) => new RetryManager({ registry: false }).executeWithRetry(fn, context as never)],
    ['ErrorHandler', (fn: () => number, context: unknown) => new ErrorHandler({ registry: false }).executeWithRetry(fn, context as never)],
  ])('%s rejects with a TypeError that names `context` and shows the fix', async (_name, execute) => {
    let calls = 0;
    const error: unknown = await execute(() => ++calls, 'fetch_data').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    const message = (error as TypeError).message;
    expect(message).toContain('`context`');
    expect(message).not.toMatch(/\boptions\b/);
    expect(message).toContain('{ operationName: "fetch_data" }');
    expect(calls).toBe(0);
  });

  it('rejects a number and an array too, and accepts undefined and an object', async () => {
    const manager = new RetryManager({ registry: false });
    await expect(manager.executeWithRetry(() => 1, 3 as never)).rejects.toThrow(/`context`.*got 3/);
    await expect(manager.executeWithRetry(() => 1, [] as never)).rejects.toThrow(/`context`/);
    await expect(manager.executeWithRetry(() => 1, undefined)).resolves.toBe(1);
    await expect(manager.executeWithRetry((a: number) => a, { operationName: 'fetch_data' }, 2)).resolves.toBe(2);
  });
});

describe('ErrorHandler.handleError(error, "name")', () => {
  it('throws a TypeError naming `context` rather than deciding as if no context was given', () => {
    const handler = new ErrorHandler({ registry: false });
    expect(() => handler.handleError(new Error('ECONNRESET'), 'fetch_data' as never)).toThrow(TypeError);
    expect(() => handler.handleError(new Error('ECONNRESET'), 'fetch_data' as never)).toThrow(/handleError\(\) takes its `context`/);
    expect(handler.handleError(Object.assign(new Error('busy'), { status: 503 }), { attempt: 1 }).action).toBe('retry');
  });
});
