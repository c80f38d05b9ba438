import fc from 'fast-check';
import { ManualClock, PermanentError, RetryRegistry, TransientError, retry, type AttemptContext } from 'maestro-retry';
import { drive } from '../helpers/drive';

/** One attempt's script: how long it runs, how it ends, whether it ignores its signal. */
interface Script { ms: number; kind: 'ok' | 'transient' | 'permanent'; deaf: boolean }

const script = fc.record({
  ms: fc.integer({ min: 0, max: 300 }),
  kind: fc.constantFrom<Script['kind']>('ok', 'ok', 'transient', 'permanent'),
  deaf: fc.boolean(),
});

describe('hedged calls, for any attempts (property)', () => {
  it('start at most 1 + maxRetries attempts, settle after every attempt settled, and let the first success win', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(script, { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 0, max: 200 }),
      fc.integer({ min: 1, max: 5 }).chain((maxRetries) => fc.tuple(fc.constant(maxRetries), fc.integer({ min: 1, max: maxRetries }))),
      async (scripts, delay, [maxRetries, maxHedges]) => {
        const clock = new ManualClock();
        const registry = new RetryRegistry();
        const seen: Array<{ start: number; end: number; natural: boolean; script: Script }> = [];
        const fn = async ({ attempt, signal }: AttemptContext): Promise<string> => {
          const s = scripts[(attempt - 1) % scripts.length]!;
          const record = { start: clock.now(), end: NaN, natural: false, script: s };
          seen.push(record);
          try {
            await clock.sleep(s.ms, s.deaf ? undefined : signal);
            record.natural = true;
          } finally {
            record.end = clock.now();
          }
          if (s.kind === 'transient') throw new TransientError('busy');
          if (s.kind === 'permanent') throw new PermanentError('bad');
          return `attempt ${seen.indexOf(record) + 1}`;
        };
        const out = await drive(clock, retry(fn, {
          clock, registry, operationName: 'op', maxRetries, initialDelay: 10, jitter: 'none', hedging: { delay, maxHedges },
        }), 100_000);

        expect(seen.length).toBeLessThanOrEqual(maxRetries + 1);
        for (const s of seen) expect(s.end).toBeLessThanOrEqual(out.at);
        expect(clock.pendingTimers).toBe(0);
        const stats = registry.getStatistics('op');
        expect(stats.attempts).toBe(seen.length);
        expect(stats.hedgesWon).toBeLessThanOrEqual(1);
        expect(stats.hedgesWon).toBeLessThanOrEqual(stats.hedges);
        if (out.ok) {
          const winner = seen[Number(/\d+$/.exec(out.value as string)![0]) - 1]!;
          expect(winner.script.kind).toBe('ok');
          // No other success finished before the winner did.
          for (const s of seen) if (s !== winner && s.natural && s.script.kind === 'ok') expect(s.end).toBeGreaterThanOrEqual(winner.end);
          expect(stats.successes).toBe(1);
        } else {
          expect(stats.failures).toBe(1);
        }
        // Every attempt still running when the call was decided was cancelled.
        expect(stats.cancelledAttempts).toBeLessThanOrEqual(seen.length - 1);
      },
    ), { numRuns: 150 });
  });
});
