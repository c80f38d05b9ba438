/**
 * `onGiveUp` is called once per call that fails (API.md), and that includes a call that fails
 * because one of its own internals did: a clock that throws, or a registry that throws while
 * recording. Such a call gives up with reason `'non-retryable'` (as the registry counts it) and
 * the internal failure as its `error`, on the lean path, in the lean loop and on the full path.
 */
import { retry } from '../../src/api/retry.js';
import { withRetry } from '../../src/api/with-retry.js';
import type { RetryOptions } from '../../src/engine/options.js';
import type { Clock, OperationRecorder } from '../../src/engine/seams.js';
import type { GiveUpEvent } from '../../src/engine/types.js';
import { RetryRegistry } from '../../src/registry/retry-registry.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { drive, networkError } from '../helpers/drive.js';
import { FaultyRegistry } from '../helpers/faulty-registry.js';

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
    // Reads: 1 the start, 2 attempt 1's end, 3 attempt 2's start.
    ['the lean loop', 3, {}],
    // Reads: 1 the start, 2 attempt 1's start, 3 its end, 4 attempt 2's start.
    ['the full path', 4, { signal: new AbortController().signal }],
  ])('as attempt 2 starts, in %s: once, with the clock\'s error', async (_label, failAt, extra) => {
    const manual = new ManualClock();
    const { out, events, stats } = await giveUpsOf((o) => withRetry(failTwice(), o)(), { clock: new BreakingClock(manual, failAt), ...extra }, manual);
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

describe('onGiveUp hears of a call that fails on a registry that throws', () => {
  const broke = new Error('the registry broke');

  const cases: Array<[string, keyof OperationRecorder, (args: unknown[]) => boolean, () => () => Promise<string>, number]> = [
    ['recording a first attempt\'s success', 'firstAttemptSucceeded', () => true, succeedAtOnce, 0],
    ['recording a success after retries', 'callEnded', (args) => args[2] === undefined, failTwice, 30],
    ['recording attempt 2\'s failure', 'attemptEnded', (args) => args[0] === 2, failTwice, 10],
  ];
  test.each(cases)('while %s: once, with the registry\'s error, and onSuccess is not called', async (_label, method, when, make, at) => {
    const manual = new ManualClock();
    const registry = new FaultyRegistry(method, when, broke);
    const { out, events, onSuccess } = await giveUpsOf((o) => withRetry(make(), o)(), { clock: manual, registry }, manual);
    expect(out).toEqual({ ok: false, error: broke, at });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ operationName: 'op', error: broke, reason: 'non-retryable' });
    expect(onSuccess).not.toHaveBeenCalled();
  });

  test('while recording a give-up: once, with the registry\'s error instead of the give-up it interrupted', async () => {
    const manual = new ManualClock();
    const registry = new FaultyRegistry('callEnded', (args) => args[2] === 'exhausted', broke);
    const { out, events, stats } = await giveUpsOf((o) => withRetry(async () => { throw networkError(); }, o)(), { clock: manual, registry, maxRetries: 1 }, manual);
    expect(out).toEqual({ ok: false, error: broke, at: 10 });
    expect(events).toEqual([internal(2, broke, 0)]);
    expect(stats).toMatchObject({ calls: 1, inFlight: 0, failures: 1, giveUpReasons: { exhausted: 1 } });
  });

  test('a call that gives up normally is told once, with its own reason', async () => {
    const manual = new ManualClock();
    const { events } = await giveUpsOf((o) => withRetry(async () => { throw networkError(); }, o)(), { clock: manual, maxRetries: 1 }, manual);
    expect(events).toEqual([expect.objectContaining({ reason: 'exhausted', attempt: 2 })]);
  });
});
