/**
 * 5. Exponential backoff timing.
 *
 * With the defaults (initialDelay 1000, backoffBase 2, maxDelay 30000, no jitter) the first
 * attempt runs at once and retry k waits initialDelay * 2^(k-1): 1 s, 2 s, 4 s. The example
 * prints that schedule with `calculateDelay`, then runs a failing call on a `ManualClock` to
 * show the attempts really start at 0, 1000, 3000 and 7000 ms, without waiting 7 seconds.
 *
 *   npx tsx examples/05-exponential-backoff.ts
 */
import { calculateDelay, ManualClock, retry, TransientError } from 'maestro-retry';
import { formatTable, runWhenExecuted, type Log } from './support.js';

export async function main(log: Log = console.log): Promise<{ schedule: number[]; capped: number; attemptStarts: number[] }> {
  // The formula, retry by retry. Past maxDelay (30 s) every delay is capped.
  const schedule = [1, 2, 3].map((k) => calculateDelay(k));
  const capped = calculateDelay(10);
  const formula = [1, 2, 3, 4, 5, 6, 10].map((k) => [String(k), String(calculateDelay(k))]);
  formatTable(['retry', 'delay before it (ms)'], formula).forEach((line) => log(line));
  log('');

  // The same schedule, played out. A ManualClock only moves when told to, so the 7 s of
  // backoff take no real time: handy in tests and simulations.
  const clock = new ManualClock();
  const attemptStarts: number[] = [];
  const call = retry(
    () => {
      attemptStarts.push(clock.now());
      throw new TransientError('still warming up');
    },
    { clock, registry: false }, // maxRetries 3 (default): 4 attempts
  );
  const outcome = call.catch((error: unknown) => error); // observe the rejection before time moves
  await clock.runAll(); // fire every pending delay in order
  await outcome;

  const rows = attemptStarts.map((t, i) => [String(i + 1), String(t), String(i === 0 ? 0 : t - attemptStarts[i - 1]!)]);
  formatTable(['attempt', 'starts at (ms)', 'waited (ms)'], rows).forEach((line) => log(line));
  return { schedule, capped, attemptStarts };
}

runWhenExecuted('05-exponential-backoff', main);
