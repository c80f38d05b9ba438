import {
  LatencyStore, ManualClock, PermanentError, RetryRegistry, RetryTimeoutError, TransientError, retry,
  type AttemptContext, type RetryOptions,
} from 'maestro-retry';
import type { AttemptReport, Strategy, StrategyContext } from '../../src/strategies/strategy';
import { collect } from '../helpers/collect';
import { drive } from '../helpers/drive';

/** How attempt k behaves: it settles after `ms` with `value` or `error`; `deaf` ignores its signal. */
interface Script { ms: number; value?: string; error?: Error; deaf?: boolean }

/** What each attempt saw: when it started and ended, and its signal. */
interface Seen { attempt: number; start: number; end?: number; signal: AbortSignal }

/** An operation whose k-th attempt follows `scripts[k - 1]`, on `clock`. */
function operation(clock: ManualClock, scripts: readonly Script[]) {
  const seen: Seen[] = [];
  const fn = async ({ attempt, signal }: AttemptContext): Promise<string> => {
    const script = scripts[attempt - 1]!;
    const record: Seen = { attempt, start: clock.now(), signal };
    seen.push(record);
    try {
      await clock.sleep(script.ms, script.deaf === true ? undefined : signal);
    } finally {
      record.end = clock.now();
    }
    if (script.error !== undefined) throw script.error;
    return script.value ?? `attempt ${attempt}`;
  };
  return { fn, seen };
}

function options(clock: ManualClock, extra: RetryOptions<string>): RetryOptions<string> {
  return { clock, registry: false, jitter: 'none', initialDelay: 100, random: () => 0.5, operationName: 'op', ...extra };
}

describe('hedging: who wins, and what happens to the others', () => {
  it('is off unless asked for: a slow attempt stays alone', async () => {
    const clock = new ManualClock();
    const { fn, seen } = operation(clock, [{ ms: 500 }]);
    const out = await drive(clock, retry(fn, options(clock, {})));
    expect(out).toEqual({ ok: true, value: 'attempt 1', at: 500 });
    expect(seen).toHaveLength(1);
  });

  it('starts a hedge after the delay; the first success wins and the loser is aborted', async () => {
    const clock = new ManualClock();
    const { fn, seen } = operation(clock, [{ ms: 500 }, { ms: 20 }]);
    const events = collect();
    const out = await drive(clock, retry(fn, options(clock, { hedging: { delay: 50 }, observers: [events.observer] })));
    expect(out).toEqual({ ok: true, value: 'attempt 2', at: 70 });
    expect(seen.map((s) => [s.attempt, s.start, s.end])).toEqual([[1, 0, 70], [2, 50, 70]]);
    expect(seen[0]!.signal.aborted).toBe(true);
    expect((seen[0]!.signal.reason as DOMException).name).toBe('AbortError');
    expect(seen[1]!.signal.aborted).toBe(false);
    expect(events.attempts.map((e) => [e.attempt, e.outcome, e.hedge ?? false, e.cancelled ?? false])).toEqual([
      [2, 'success', true, false],
      [1, 'error', false, true],
    ]);
    expect(events.policies.map((e) => [e.policy, e.type, e['hedge']])).toEqual([['hedging', 'hedge', 1]]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('settles only after every loser has settled, even one that ignores its signal', async () => {
    const clock = new ManualClock();
    const { fn, seen } = operation(clock, [{ ms: 500, deaf: true }, { ms: 20 }]);
    const out = await drive(clock, retry(fn, options(clock, { hedging: { delay: 50 } })));
    expect(out).toEqual({ ok: true, value: 'attempt 2', at: 500 });
    expect(seen[0]!.signal.aborted).toBe(true);
    expect(seen[0]!.end).toBe(500);
  });

  it('keeps the first attempt when it wins: the hedge is the one aborted', async () => {
    const clock = new ManualClock();
    const { fn, seen } = operation(clock, [{ ms: 80 }, { ms: 200 }]);
    const registry = new RetryRegistry();
    const out = await drive(clock, retry(fn, options(clock, { hedging: { delay: 50 }, registry })));
    expect(out).toEqual({ ok: true, value: 'attempt 1', at: 80 });
    expect(seen[1]!.signal.aborted).toBe(true);
    const stats = registry.getStatistics('op');
    expect([stats.attempts, stats.retries, stats.hedges, stats.hedgesWon, stats.cancelledAttempts]).toEqual([2, 1, 1, 0, 1]);
  });

  it('counts hedges sent, hedges won and cancelled attempts in the registry', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    for (const scripts of [[{ ms: 500 }, { ms: 20 }], [{ ms: 10 }], [{ ms: 90 }, { ms: 100 }]]) {
      const { fn } = operation(clock, scripts);
      await drive(clock, retry(fn, options(clock, { hedging: { delay: 50 }, registry })));
    }
    const stats = registry.getStatistics('op');
    expect([stats.calls, stats.successes, stats.attempts, stats.hedges, stats.hedgesWon, stats.cancelledAttempts]).toEqual([3, 3, 5, 2, 1, 2]);
  });

  it('sends the next hedge at once after a retryable failure, not after the delay or a backoff', async () => {
    const clock = new ManualClock();
    const { fn, seen } = operation(clock, [{ ms: 10, error: new TransientError('busy') }, { ms: 20 }]);
    const events = collect();
    const out = await drive(clock, retry(fn, options(clock, { hedging: { delay: 50 }, observers: [events.observer] })));
    expect(out).toEqual({ ok: true, value: 'attempt 2', at: 30 });
    expect(seen.map((s) => s.start)).toEqual([0, 10]);
    expect(events.policies.map((e) => [e.type, e['afterFailure']])).toEqual([['hedge', true]]);
  });

  it('ends the call on a non-retryable failure, aborting the others first', async () => {
    const clock = new ManualClock();
    const fatal = new PermanentError('bad request');
    const { fn, seen } = operation(clock, [{ ms: 500 }, { ms: 20, error: fatal }]);
    const events = collect();
    const out = await drive(clock, retry(fn, options(clock, { hedging: { delay: 50 }, observers: [events.observer] })));
    expect(out).toEqual({ ok: false, error: fatal, at: 70 });
    expect(seen[0]!.signal.aborted).toBe(true);
    expect(events.attempts.map((e) => [e.attempt, e.cancelled ?? false])).toEqual([[2, false], [1, true]]);
  });

  it('waits for the others when a retryable failure leaves no hedge to send', async () => {
    const clock = new ManualClock();
    const { fn, seen } = operation(clock, [{ ms: 300 }, { ms: 20, error: new TransientError('busy') }]);
    const out = await drive(clock, retry(fn, options(clock, { hedging: { delay: 50 } })));
    expect(out).toEqual({ ok: true, value: 'attempt 1', at: 300 });
    expect(seen).toHaveLength(2);
  });

  it('sends up to maxHedges, each after the delay from the previous start', async () => {
    const clock = new ManualClock();
    const { fn, seen } = operation(clock, [{ ms: 500 }, { ms: 500 }, { ms: 30 }]);
    const out = await drive(clock, retry(fn, options(clock, { hedging: { delay: 40, maxHedges: 2 } })));
    expect(out).toEqual({ ok: true, value: 'attempt 3', at: 110 });
    expect(seen.map((s) => [s.start, s.end, s.signal.aborted])).toEqual([[0, 110, true], [40, 110, true], [80, 110, false]]);
  });

  it('shares the call timeout: every attempt is aborted with the RetryTimeoutError', async () => {
    const clock = new ManualClock();
    const { fn, seen } = operation(clock, [{ ms: 1000 }, { ms: 1000 }]);
    const out = await drive(clock, retry(fn, options(clock, { hedging: { delay: 50 }, timeout: 120 })));
    expect(out.ok).toBe(false);
    expect(out.at).toBe(120);
    expect((out as { error: unknown }).error).toBeInstanceOf(RetryTimeoutError);
    expect(seen.map((s) => [s.start, s.signal.reason instanceof RetryTimeoutError])).toEqual([[0, true], [50, true]]);
  });
});

describe('hedging and maxRetries', () => {
  it('counts every hedge as a retry: maxRetries 1 allows one hedge and nothing after it', async () => {
    const clock = new ManualClock();
    const busy = new TransientError('busy');
    const { fn, seen } = operation(clock, [{ ms: 10, error: busy }, { ms: 10, error: busy }, { ms: 10 }]);
    const out = await drive(clock, retry(fn, options(clock, { hedging: { delay: 50 }, maxRetries: 1 })));
    expect(out).toEqual({ ok: false, error: busy, at: 20 });
    expect(seen).toHaveLength(2);
  });

  it('retries a failed round after the backoff, with a new round that may hedge again', async () => {
    const clock = new ManualClock();
    const busy = new TransientError('busy');
    const { fn, seen } = operation(clock, [{ ms: 10, error: busy }, { ms: 10, error: busy }, { ms: 500 }, { ms: 5 }]);
    const out = await drive(clock, retry(fn, options(clock, { hedging: { delay: 50 }, maxRetries: 3 })));
    // Round 1: attempts 1 and 2 fail by t = 20; backoff 100 * 2^(2-1) = 200 (the decision of
    // attempt 2); round 2: attempt 3 at 220, its hedge (attempt 4) at 270, done at 275.
    expect(seen.map((s) => s.start)).toEqual([0, 10, 220, 270]);
    expect(out).toEqual({ ok: true, value: 'attempt 4', at: 275 });
  });

  it('refuses maxHedges above maxRetries, naming both', async () => {
    await expect(retry(async () => 'x', { hedging: { delay: 10, maxHedges: 2 }, maxRetries: 1 })).rejects.toThrow(/hedging\.maxHedges.*\(2\).*maxRetries.*\(1\)/);
  });
});

/** A strategy that logs what it is asked and answers `allowRetry` from `grants`. */
function spy(grants: boolean[] = []) {
  const log: string[] = [];
  const strategy: Strategy = {
    name: 'spy',
    beforeAttempt: (ctx: StrategyContext) => {
      log.push(`before ${ctx.attempt}`);
      return true;
    },
    afterAttempt: (ctx: StrategyContext, report: AttemptReport) => {
      log.push(`after ${ctx.attempt} ${report.verdict}`);
    },
    allowRetry: (ctx: StrategyContext) => {
      const granted = grants.shift() ?? true;
      log.push(`allow ${granted}`);
      return granted ? true : { reason: 'budget', error: new Error(`no retry after ${ctx.attempt}`) };
    },
  };
  return { strategy, log };
}

describe('hedging asks the strategies', () => {
  it('asks the budget before every hedge, and every attempt passes the breaker and the limiter', async () => {
    const clock = new ManualClock();
    const { fn } = operation(clock, [{ ms: 500 }, { ms: 20 }]);
    const { strategy, log } = spy();
    await drive(clock, retry(fn, options(clock, { hedging: { delay: 50 }, strategies: [strategy] })));
    expect(log).toEqual(['before 1', 'allow true', 'before 2', 'after 2 success', 'after 1 ignored']);
  });

  it('sends no hedge the budget refuses, and tells the observers; the first attempt goes on', async () => {
    const clock = new ManualClock();
    const { fn, seen } = operation(clock, [{ ms: 500 }, { ms: 20 }]);
    const { strategy, log } = spy([false]);
    const events = collect();
    const out = await drive(clock, retry(fn, options(clock, { hedging: { delay: 50, maxHedges: 2 }, strategies: [strategy], observers: [events.observer] })));
    expect(out).toEqual({ ok: true, value: 'attempt 1', at: 500 });
    expect(seen).toHaveLength(1);
    expect(log).toEqual(['before 1', 'allow false', 'after 1 success']);
    expect(events.policies.map((e) => [e.type, e['hedge']])).toEqual([['refused', 1]]);
  });

  it('a hedge the breaker refuses is not sent; the first attempt still wins', async () => {
    const clock = new ManualClock();
    const { fn, seen } = operation(clock, [{ ms: 300 }, { ms: 20 }]);
    let asked = 0;
    const breaker: Strategy = {
      beforeAttempt: () => (++asked === 1 ? true : { reason: 'circuit-open', error: new Error('open') }),
    };
    const out = await drive(clock, retry(fn, options(clock, { hedging: { delay: 50 }, circuitBreaker: breaker })));
    expect(out).toEqual({ ok: true, value: 'attempt 1', at: 300 });
    expect([asked, seen.length]).toEqual([2, 1]);
  });

  it('withdraws a hedge still waiting on the limiter when the first attempt wins', async () => {
    const clock = new ManualClock();
    const { fn, seen } = operation(clock, [{ ms: 100 }, { ms: 20 }]);
    let asked = 0;
    const log: string[] = [];
    const limiter: Strategy = {
      beforeAttempt: () => (++asked === 1 ? true : { waitMs: 1000 }),
      afterAttempt: (ctx, report) => void log.push(`after ${ctx.attempt} ${report.verdict}`),
    };
    const events = collect();
    const out = await drive(clock, retry(fn, options(clock, { hedging: { delay: 50 }, rateLimiter: limiter, observers: [events.observer] })));
    // The hedge would wait from 50 to 1050; the first attempt wins at 100 and the wait ends then.
    expect(out).toEqual({ ok: true, value: 'attempt 1', at: 100 });
    expect(seen).toHaveLength(1);
    expect(events.attempts.map((e) => e.attempt)).toEqual([1]);
    expect(log).toEqual(['after 1 success']);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('hedging delays', () => {
  it('asks a delay function for each hedge, with what it knows', async () => {
    const clock = new ManualClock();
    const { fn, seen } = operation(clock, [{ ms: 500 }, { ms: 500 }, { ms: 10 }]);
    const infos: unknown[] = [];
    const delay = (info: { hedge: number }): number => {
      infos.push(info);
      return info.hedge * 30;
    };
    await drive(clock, retry(fn, options(clock, { hedging: { delay, maxHedges: 2 } })));
    expect(seen.map((s) => s.start)).toEqual([0, 30, 90]);
    expect(infos).toEqual([
      { operationName: 'op', hedge: 1, attempts: 1, elapsedMs: 0 },
      { operationName: 'op', hedge: 2, attempts: 2, elapsedMs: 30 },
    ]);
  });

  it('with a percentile, hedges only once enough latencies are known, then at that percentile', async () => {
    const clock = new ManualClock();
    const latencies = new LatencyStore();
    const hedging = { delay: 'p75' as const, minSamples: 10, latencies };
    const run = async (scripts: Script[]): Promise<Seen[]> => {
      const op = operation(clock, scripts);
      await drive(clock, retry(op.fn, options(clock, { hedging })));
      return op.seen;
    };
    // 9 latencies known: a slow call is not hedged.
    for (let i = 0; i < 9; i++) await run([{ ms: 10 + i }]);
    expect(await run([{ ms: 400 }])).toHaveLength(1);
    // 10 latencies (10..18 and 400) are known now; p75 is the 8th, 17 ms, within 2%.
    const seen = await run([{ ms: 400 }, { ms: 5 }]);
    expect(seen).toHaveLength(2);
    expect(Math.abs(seen[1]!.start - seen[0]!.start - 17) / 17).toBeLessThanOrEqual(0.02);
    // The first attempt is recorded (cut short when the hedge won), the hedge is not.
    expect(latencies.estimate('op').count).toBe(11);
  });

  it('records the first attempt, a loser at the time it was cancelled (a lower bound of its latency), and no hedge', async () => {
    const clock = new ManualClock();
    const latencies = new LatencyStore();
    latencies.estimate('op').record(50);
    const { fn, seen } = operation(clock, [{ ms: 500 }, { ms: 20 }]);
    await drive(clock, retry(fn, options(clock, { hedging: { delay: 'p50', minSamples: 1, latencies } })));
    // The hedge started after about 50 ms (the estimate's median, within 2%) and won 20 ms later.
    const cancelledAt = seen[1]!.start + 20;
    expect(Math.abs(seen[1]!.start - 50) / 50).toBeLessThanOrEqual(0.02);
    const estimate = latencies.estimate('op');
    // The 50 ms known before, and the first attempt cut short at about 70 ms; not the hedge's 20 ms.
    expect(estimate.count).toBe(2);
    expect(Math.abs(estimate.quantile(0)! - 50) / 50).toBeLessThanOrEqual(0.02);
    expect(Math.abs(estimate.quantile(1)! - cancelledAt) / cancelledAt).toBeLessThanOrEqual(0.02);
    // A round won by its first attempt records it: 3 latencies now, the smallest 10 ms.
    const quick = operation(clock, [{ ms: 10 }]);
    await drive(clock, retry(quick.fn, options(clock, { hedging: { delay: 'p50', minSamples: 1, latencies } })));
    expect(estimate.count).toBe(3);
    expect(Math.abs(estimate.quantile(0)! - 10) / 10).toBeLessThanOrEqual(0.02);
  });

  it('does not record failures other than timeouts (a fast failure says nothing of a success)', async () => {
    const clock = new ManualClock();
    const latencies = new LatencyStore();
    const { fn } = operation(clock, [{ ms: 1, error: new TransientError('busy') }, { ms: 30 }]);
    await drive(clock, retry(fn, options(clock, { hedging: { delay: 'p50', latencies } })));
    expect(latencies.estimate('op').count).toBe(1);
  });
});
