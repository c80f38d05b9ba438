/**
 * An observer may sit a call out: its `callStarted` answers `false` and it hears nothing more
 * of that call (what lets the OpenTelemetry bridge cost nothing while no SDK is registered).
 */
import { retry } from '../../src/api/retry.js';
import type { CallObserver } from '../../src/observers/observer.js';
import { RetryRegistry } from '../../src/registry/retry-registry.js';
import { networkError } from '../helpers/drive.js';

/** An observer that logs what it hears, and sits out the calls whose operation is in `skip`. */
function listener(skip: ReadonlySet<string>): { heard: string[]; observer: CallObserver } {
  const heard: string[] = [];
  const observer: CallObserver = {
    callStarted: (e) => (heard.push(`started ${e.operationName}`), skip.has(e.operationName) ? false : undefined),
    attemptEnded: (e) => void heard.push(`attempt ${e.operationName} ${e.attempt}`),
    retryScheduled: (e) => void heard.push(`retry ${e.operationName} ${e.attempt}`),
    callEnded: (e) => void heard.push(`ended ${e.operationName}`),
    policyEvent: (e) => void heard.push(`policy ${e.type}`),
  };
  return { heard, observer };
}

/** Fails once, then answers. */
const flaky = () => {
  let n = 0;
  return async () => {
    if (n++ === 0) throw networkError();
    return 'ok';
  };
};

describe('an observer sitting a call out', () => {
  it('hears nothing more of a call whose start it answered with false, and all of the next one', async () => {
    const quiet = listener(new Set(['skipped']));
    const other = listener(new Set());
    const options = { maxRetries: 2, initialDelay: 0, registry: false as const, observers: [quiet.observer, other.observer] };
    await expect(retry(flaky(), { ...options, operationName: 'skipped' })).resolves.toBe('ok');
    await expect(retry(flaky(), { ...options, operationName: 'heard' })).resolves.toBe('ok');
    expect(quiet.heard).toEqual(['started skipped', 'started heard', 'attempt heard 1', 'retry heard 1', 'attempt heard 2', 'ended heard']);
    expect(other.heard).toEqual([
      'started skipped', 'attempt skipped 1', 'retry skipped 1', 'attempt skipped 2', 'ended skipped',
      'started heard', 'attempt heard 1', 'retry heard 1', 'attempt heard 2', 'ended heard',
    ]);
  });

  it("misses the call's own policy events too (a hedge, a fallback)", async () => {
    const quiet = listener(new Set(['op']));
    const other = listener(new Set());
    const value = await retry(async () => { throw new TypeError('bad'); }, {
      operationName: 'op', registry: false, fallback: { value: 'spare' }, observers: [quiet.observer, other.observer],
    });
    expect(value).toBe('spare');
    expect(quiet.heard).toEqual(['started op']);
    expect(other.heard.filter((h) => h.startsWith('policy'))).toHaveLength(1);
  });

  it('does not sit out when its callStarted throws (reported) or returns anything but false', async () => {
    const reported: string[] = [];
    const heard: string[] = [];
    const throwing: CallObserver = { callStarted: () => { throw new Error('boom'); }, callEnded: () => void heard.push('throwing') };
    const falsy: CallObserver = { callStarted: () => 0 as unknown as undefined, callEnded: () => void heard.push('falsy') };
    await retry(async () => 1, { registry: false, observers: [throwing, falsy], onHookError: (e) => void reported.push((e as Error).message) });
    expect(heard).toEqual(['throwing', 'falsy']);
    expect(reported).toEqual(['boom']);
  });

  it('the first 31 observers of a call can sit it out; later ones hear every event', async () => {
    const ended: number[] = [];
    const observers: CallObserver[] = Array.from({ length: 33 }, (_, i) => ({ callStarted: () => false, callEnded: () => void ended.push(i) }));
    await retry(async () => 1, { registry: false, observers });
    expect(ended).toEqual([31, 32]);
  });

  it("a registry's subscribers hear every event whatever they answer", async () => {
    const registry = new RetryRegistry();
    const quiet = listener(new Set(['op']));
    registry.subscribe(quiet.observer);
    await retry(flaky(), { operationName: 'op', maxRetries: 1, initialDelay: 0, registry });
    expect(quiet.heard).toEqual(['started op', 'attempt op 1', 'retry op 1', 'attempt op 2', 'ended op']);
  });
});
