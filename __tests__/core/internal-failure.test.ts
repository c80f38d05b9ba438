/**
 * `onGiveUp` is called once per call that fails (API.md), and that includes a call that fails
 * because one of its own internals did: a clock that throws. Such a call gives up with reason
 * `'non-retryable'` (as the registry counts it) and the internal failure as its `error`. An
 * observer (the registry included) that throws is reported and never fails the call.
 */
import { retry } from '../../src/api/retry.js';
import { withRetry } from '../../src/api/with-retry.js';
import type { RetryOptions } from '../../src/engine/options.js';
import type { Clock } from '../../src/engine/clock.js';
import type { GiveUpEvent } from '../../src/engine/types.js';
import { RetryRegistry } from '../../src/registry/retry-registry.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { drive, networkError } from '../helpers/drive.js';

const boom = new Error('the clock broke');

/** A ManualClock whose `failAt`-th read throws `boom`. */
class BreakingClock implements Clock {
  reads = 0;
  constructor(readonly manual: ManualClock, readonly failAt: number) {}
  now(): number {
    if (++this.reads === this.failAt) throw boom;
    return this.manual.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.manual.sleep(ms, signal);
  }
}

/** The give-up events of one call, the call's outcome, and its operation's statistics. */
async function giveUpsOf(call: (options: RetryOptions<string>) => Promise<string>, options: RetryOptions<string>, manual: ManualClock) {
  const registry = options.registry instanceof RetryRegistry ? options.registry : new RetryRegistry();
  const events: GiveUpEvent<string>[] = [];
  const onSuccess = jest.fn();
  const out = await drive(manual, call({ operationName: 'op', initialDelay: 10, ...options, registry, onSuccess, onGiveUp: (e) => { events.push(e); } }));
  const stats = registry.getStatistics('op');
  return { out, events, onSuccess, stats };
}

/** The event an internal failure gives (`elapsedMs` left out: it depends on where the clock broke). */
function internal(attempt: number, error: unknown, retriesLeft: number) {
  return expect.objectContaining({ operationName: 'op', attempt, error, delay: 0, retriesLeft, reason: 'non-retryable' });
}

function failTwice(): () => Promise<string> {
  let n = 0;
  return async () => {
    if (++n < 3) throw networkError();
    return 'ok';
  };
}

const succeedAtOnce = (): (() => Promise<string>) => async () => 'ok';

describe('onGiveUp hears of a call that fails on a clock that throws', () => {
  test.each([
    ['withRetry (lean)', {}],
    ['withRetry with a signal (full path)', { signal: new AbortController().signal }],
  ])('at the start, %s: attempt 0, no attempt made, counted once as non-retryable', async (_label, extra) => {
    const manual = new ManualClock();
    let calls = 0;
    const { out, events, stats } = await giveUpsOf((o) => withRetry(async () => { calls++; return 'ok'; }, o)(), { clock: new BreakingClock(manual, 1), ...extra }, manual);
    expect(out).toEqual({ ok: false, error: boom, at: 0 });
    expect(calls).toBe(0);
    expect(events).toEqual([internal(0, boom, 4)]); // maxRetries + 1 - attempt, as every event
    expect(stats).toMatchObject({ calls: 1, inFlight: 0, failures: 1, giveUpReasons: { 'non-retryable': 1 } });
  });

  test('at the start, retry(): likewise', async () => {
    const manual = new ManualClock();
    const { out, events } = await giveUpsOf((o) => retry(async () => 'ok', o), { clock: new BreakingClock(manual, 1) }, manual);
    expect(out).toEqual({ ok: false, error: boom, at: 0 });
    expect(events).toEqual([internal(0, boom, 4)]); // maxRetries + 1 - attempt, as every event
  });

  test('while timing a first attempt that succeeded: onSuccess is not called, onGiveUp is', async () => {
    const manual = new ManualClock();
    const { out, events, onSuccess, stats } = await giveUpsOf((o) => withRetry(async () => 'ok', o)(), { clock: new BreakingClock(manual, 2) }, manual);
    expect(out).toEqual({ ok: false, error: boom, at: 0 });
    expect(onSuccess).not.toHaveBeenCalled();
    expect(events).toEqual([internal(1, boom, 3)]);
    expect(stats).toMatchObject({ calls: 1, inFlight: 0, failures: 1 });
  });

  test.each([
    ['without a signal', {}],
    ['with a signal', { signal: new AbortController().signal }],
  ])('a clock that breaks after the first delay, %s: the call ends once, with the clock\'s error', async (_label, extra) => {
    const manual = new ManualClock();
    const clock: Clock = { now: () => { if (manual.now() >= 10) throw boom; return manual.now(); }, sleep: (ms, signal) => manual.sleep(ms, signal) };
    const { out, events, stats } = await giveUpsOf((o) => withRetry(failTwice(), o)(), { clock, ...extra }, manual);
    expect(out).toEqual({ ok: false, error: boom, at: 10 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ operationName: 'op', error: boom, reason: 'non-retryable' });
    expect(stats).toMatchObject({ calls: 1, inFlight: 0, failures: 1, giveUpReasons: { 'non-retryable': 1 } });
  });
});

describe('onGiveUp for an internal failure is a hook like any other', () => {
  test('an onGiveUp that throws goes to onHookError, named, and the call rejects with the internal failure', async () => {
    const manual = new ManualClock();
    const hookError = new Error('the hook broke');
    const reported: Array<[unknown, string]> = [];
    const out = await drive(manual, withRetry(async () => 'ok', {
      clock: new BreakingClock(manual, 1), operationName: 'op',
      onGiveUp: () => { throw hookError; }, onHookError: (error, hook) => { reported.push([error, hook]); },
    })());
    expect(out).toEqual({ ok: false, error: boom, at: 0 });
    expect(reported).toEqual([[hookError, 'onGiveUp']]);
  });

  test('without onGiveUp nothing is reported: no hook error for a hook that is not there', async () => {
    const manual = new ManualClock();
    const onHookError = jest.fn();
    const out = await drive(manual, withRetry(async () => 'ok', { clock: new BreakingClock(manual, 1), operationName: 'op', onHookError })());
    expect(out).toEqual({ ok: false, error: boom, at: 0 });
    expect(onHookError).not.toHaveBeenCalled();
  });
});

describe('an observer that throws never fails the call', () => {
  const broke = new Error('the observer broke');

  test.each(['callStarted', 'attemptEnded', 'retryScheduled', 'callEnded'] as const)('one whose %s throws: the call succeeds, the failure is reported once per call', async (method) => {
    const manual = new ManualClock();
    const reported: Array<[unknown, string]> = [];
    const observer = { [method]: () => { throw broke; } };
    const registry = new RetryRegistry();
    const { out, events, stats } = await giveUpsOf((o) => withRetry(failTwice(), o)(), {
      clock: manual, registry, observers: [observer], onHookError: (error, hook) => { reported.push([error, hook]); },
    }, manual);
    expect(out).toEqual({ ok: true, value: 'ok', at: 30 });
    expect(events).toEqual([]);
    const times = method === 'attemptEnded' ? 3 : method === 'retryScheduled' ? 2 : 1;
    expect(reported).toEqual(Array(times).fill([broke, 'observer']));
    expect(stats).toMatchObject({ calls: 1, inFlight: 0, successes: 1, attempts: 3 });
    expect(stats.operations.op.hookErrors).toBe(times);
  });

  test('a call that gives up normally is told once, with its own reason', async () => {
    const manual = new ManualClock();
    const { events } = await giveUpsOf((o) => withRetry(async () => { throw networkError(); }, o)(), { clock: manual, maxRetries: 1 }, manual);
    expect(events).toEqual([expect.objectContaining({ reason: 'exhausted', attempt: 2 })]);
  });
});
