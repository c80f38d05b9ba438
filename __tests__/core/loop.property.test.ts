import fc from 'fast-check';
import { retry } from '../../src/api/retry.js';
import { baseDelay } from '../../src/decision/backoff.js';
import type { JitterStrategy } from '../../src/engine/types.js';
import { RetryRegistry } from '../../src/registry/retry-registry.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { drive } from '../helpers/drive.js';

class Fatal extends Error {}

type Step = 'ok' | 'transient' | 'fatal' | 'hang';

const options = fc.record({
  maxRetries: fc.integer({ min: 0, max: 6 }),
  initialDelay: fc.integer({ min: 0, max: 2000 }),
  backoffBase: fc.double({ min: 1, max: 4, noNaN: true }),
  extra: fc.integer({ min: 0, max: 20_000 }),
  jitter: fc.constantFrom<JitterStrategy>('none', 'full', 'equal', 'decorrelated'),
  timeout: fc.option(fc.integer({ min: 1, max: 30_000 }), { nil: undefined }),
  attemptTimeout: fc.option(fc.integer({ min: 1, max: 5_000 }), { nil: undefined }),
  seed: fc.integer(),
});

function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return (s % 1_000_000) / 1_000_000;
  };
}

describe('loop invariants over random options and failure sequences', () => {
  test('attempts <= maxRetries + 1, delays within bounds, fatal never retried, deadline never overrun', async () => {
    await fc.assert(
      fc.asyncProperty(options, fc.array(fc.constantFrom<Step>('ok', 'transient', 'transient', 'fatal', 'hang'), { minLength: 1, maxLength: 10 }), async (o, steps) => {
        const clock = new ManualClock();
        const maxDelay = o.initialDelay + o.extra;
        const delays: Array<[number, number]> = [];
        const starts: number[] = [];
        let i = 0;
        const hasHang = steps.includes('hang');
        const call = retry(() => {
          starts.push(clock.now());
          const step = steps[Math.min(i++, steps.length - 1)]!;
          if (step === 'ok') return Promise.resolve('ok');
          if (step === 'fatal') return Promise.reject(new Fatal('no'));
          if (step === 'transient') return Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
          return new Promise(() => undefined);
        }, {
          clock, registry: new RetryRegistry(), maxRetries: o.maxRetries, initialDelay: o.initialDelay, backoffBase: o.backoffBase,
          maxDelay, jitter: o.jitter, random: seeded(o.seed), timeout: o.timeout,
          // a hanging attempt needs some deadline, or the call would (rightly) never settle
          attemptTimeout: o.attemptTimeout ?? (hasHang && o.timeout === undefined ? 1000 : undefined),
          onRetry: (e) => { delays.push([e.attempt, e.delay]); },
        });
        const out = await drive(clock, call, 100_000);
        expect(starts.length).toBeLessThanOrEqual(o.maxRetries + 1);
        let previous: number | undefined;
        for (const [k, d] of delays) {
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(maxDelay);
          const base = baseDelay({ initialDelay: o.initialDelay, backoffBase: o.backoffBase, maxDelay, jitter: o.jitter, random: Math.random }, k);
          if (o.jitter === 'none') expect(d).toBe(base);
          if (o.jitter === 'full') expect(d).toBeLessThanOrEqual(base);
          if (o.jitter === 'equal') expect(d).toBeGreaterThanOrEqual(base / 2);
          if (o.jitter === 'decorrelated') {
            const prev = previous ?? o.initialDelay;
            expect(d).toBeLessThanOrEqual(Math.min(maxDelay, Math.max(o.initialDelay, 3 * prev)) + 1e-6);
          }
          previous = d;
        }
        // a fatal error is never retried: nothing starts after the attempt that failed with it
        const fatalAt = steps.slice(0, starts.length).indexOf('fatal');
        if (fatalAt >= 0) expect(starts.length).toBe(fatalAt + 1);
        if (o.timeout !== undefined) expect(out.at).toBeLessThanOrEqual(o.timeout);
        expect(clock.pendingTimers).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
