import { CircuitOpenError, ManualClock, PermanentError, RetryRegistry, RetryTimeoutError, TransientError, retry, withRetry, type RetryOptions } from 'maestro-retry';
import type { Strategy } from '../../src/strategies/strategy';
import { collect } from '../helpers/collect';
import { drive } from '../helpers/drive';

const busy = new TransientError('busy');
const failing = async (): Promise<string> => {
  throw busy;
};

function options(clock: ManualClock, extra: RetryOptions<string>): RetryOptions<string> {
  return { clock, registry: false, maxRetries: 1, initialDelay: 10, jitter: 'none', operationName: 'op', ...extra };
}

describe('fallback', () => {
  it('fulfils a call that gives up with the value; the give-up is still seen and counted', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const seen = collect();
    const out = await drive(clock, retry(failing, options(clock, { fallback: { value: 'cached' }, registry, observers: [seen.observer] })));
    expect(out).toEqual({ ok: true, value: 'cached', at: 10 });
    expect(seen.ended.map((e) => [e.reason, e.error])).toEqual([['exhausted', busy]]);
    expect(seen.policies.map((e) => [e.policy, e.type, e['reason'], e['failure']])).toEqual([['fallback', 'used', 'exhausted', busy]]);
    const stats = registry.getStatistics('op');
    expect([stats.calls, stats.failures, stats.fallbacks, stats.giveUpReasons.exhausted]).toEqual([1, 1, 1, 1]);
  });

  it('hands the handler the give-up: reason, attempts, the last error and what the call would reject with', async () => {
    const clock = new ManualClock();
    const given: unknown[] = [];
    const out = await drive(clock, retry(failing, options(clock, {
      wrapError: true,
      fallback: {
        handler: async (event) => {
          given.push(event);
          await clock.sleep(5);
          return `fallback after ${event.attempt} attempts (${event.reason})`;
        },
      },
    })));
    expect(out).toEqual({ ok: true, value: 'fallback after 2 attempts (exhausted)', at: 15 });
    const event = given[0] as { reason: string; attempt: number; error: unknown; failure: Error; retriesLeft: number };
    expect([event.reason, event.attempt, event.error, event.retriesLeft, event.failure.name]).toEqual(['exhausted', 2, busy, 0, 'RetryExhaustedError']);
    expect(Object.isFrozen(event)).toBe(true);
  });

  it('covers only the reasons in `on`: a breaker refusal falls back, an exhausted call rejects', async () => {
    const clock = new ManualClock();
    const open: Strategy = { beforeAttempt: () => ({ reason: 'circuit-open', error: new CircuitOpenError('open') }) };
    const fallback = { value: 'stale', on: ['circuit-open'] as const };
    const refused = await drive(clock, retry(failing, options(clock, { fallback, circuitBreaker: open })));
    expect(refused).toEqual({ ok: true, value: 'stale', at: 0 });
    const exhausted = await drive(clock, retry(failing, options(clock, { fallback })));
    expect(exhausted).toEqual({ ok: false, error: busy, at: 10 });
  });

  it('leaves the caller\'s abort alone by default, and covers the timeout', async () => {
    const clock = new ManualClock();
    const slow = async (): Promise<string> => {
      await clock.sleep(1000);
      return 'late';
    };
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const aborted = retry(slow, options(clock, { fallback: { value: 'v' }, signal: controller.signal }));
    void clock.sleep(30).then(() => controller.abort(reason));
    expect(await drive(clock, aborted)).toEqual({ ok: false, error: reason, at: 30 });
    const timedOut = await drive(clock, retry(slow, options(clock, { fallback: { value: 'v' }, timeout: 100 })));
    expect(timedOut).toEqual({ ok: true, value: 'v', at: 30 + 100 });
  });

  it('never hides the original error: a failing handler is reported, and the call rejects with the failure', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const seen = collect();
    const reported: unknown[] = [];
    const broken = new Error('cache down');
    const out = await drive(clock, retry(failing, options(clock, {
      registry,
      observers: [seen.observer],
      onHookError: (error, hook) => reported.push(hook, error),
      fallback: { handler: () => Promise.reject(broken) },
    })));
    expect(out).toEqual({ ok: false, error: busy, at: 10 });
    expect(reported).toEqual(['fallback', broken]);
    expect(seen.policies.map((e) => [e.type, e['error'], e['failure']])).toEqual([['failed', broken, busy]]);
    expect(registry.getStatistics('op').fallbacks).toBe(0);
  });

  it('is not used when the call succeeds, nor for a non-retryable error it does not cover', async () => {
    const clock = new ManualClock();
    let asked = 0;
    const handler = (): string => String(++asked);
    expect(await drive(clock, retry(async () => 'fine', options(clock, { fallback: { handler } })))).toEqual({ ok: true, value: 'fine', at: 0 });
    const bad = new PermanentError('bad input');
    const out = await drive(clock, retry(async () => {
      throw bad;
    }, options(clock, { fallback: { handler, on: ['exhausted', 'timeout'] } })));
    expect(out).toEqual({ ok: false, error: bad, at: 0 });
    expect(asked).toBe(0);
  });

  it('is not used for an internal failure (a strategy that throws): that is a bug to see', async () => {
    const clock = new ManualClock();
    const broken: Strategy = { name: 'broken', beforeAttempt: () => { throw new Error('oops'); } };
    const out = await drive(clock, retry(failing, options(clock, { fallback: { value: 'v' }, strategies: [broken] })));
    expect(out.ok).toBe(false);
    expect((out as { error: Error }).error.name).toBe('StrategyError');
  });

  it('works with withRetry and a value of undefined', async () => {
    const clock = new ManualClock();
    const wrapped = withRetry(failing as () => Promise<string | undefined>, { clock, registry: false, maxRetries: 0, fallback: { value: undefined } });
    expect(await drive(clock, wrapped())).toEqual({ ok: true, value: undefined, at: 0 });
  });

  it('hands the handler the RetryTimeoutError when the timeout ends the call', async () => {
    const clock = new ManualClock();
    const out = await drive(clock, retry(async () => {
      await clock.sleep(500);
      return 'late';
    }, options(clock, { timeout: 50, fallback: { handler: (e) => (e.failure instanceof RetryTimeoutError ? 'timed out' : 'other') } })));
    expect(out).toEqual({ ok: true, value: 'timed out', at: 50 });
  });
});

describe('fallback option validation', () => {
  const bad: Array<[unknown, RegExp]> = [
    ['x', /`fallback` must be an object with `value` or `handler`, got "x"/],
    [{}, /`fallback` must be an object with exactly one of `value` and `handler`/],
    [{ value: 1, handler: () => 2 }, /exactly one of `value` and `handler`/],
    [{ handler: 'x' }, /`fallback\.handler` must be a function, got "x"/],
    [{ value: 1, on: 'timeout' }, /`fallback\.on` must be an array of give-up reasons/],
    [{ value: 1, on: ['timeout', 'slow'] }, /`fallback\.on\[1\]` must be one of exhausted, .*got "slow"/],
  ];
  it.each(bad)('rejects %p with an error naming the option and the value', async (fallback, message) => {
    await expect(retry(async () => 'x', { fallback: fallback as never })).rejects.toThrow(message);
  });
});
