/**
 * 2. Recovery from transient errors.
 *
 * A dependency that drops the connection twice, then answers. `ECONNRESET` is a transient
 * error (see `isTransientError`), so each failure is retried after an exponential delay:
 * 10 ms, then 20 ms. `onRetry` tells you about each retry before its delay.
 *
 *   npx tsx examples/02-transient-recovery.ts
 */
import { isTransientError, retry } from 'maestro-retry';
import { describeError, runWhenExecuted, type Log } from './support.js';

/** What Node's `net` module throws when the peer resets the connection. */
function connectionReset(): Error {
  return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
}

export async function main(log: Log = console.log): Promise<{ balance: number; attempts: number; delays: number[] }> {
  const delays: number[] = [];
  log(`isTransientError(ECONNRESET) = ${isTransientError(connectionReset())}`);

  // `retry` calls the function with a context: the attempt number, the retries left, and a
  // signal to pass on to fetch & co.
  const balance = await retry(
    async ({ attempt }) => {
      if (attempt <= 2) throw connectionReset();
      return 1250;
    },
    {
      operationName: 'accounts.balance',
      initialDelay: 10, // retry 1 after 10 ms, retry 2 after 20 ms, retry 3 after 40 ms
      onRetry: ({ attempt, error, delay }) => {
        delays.push(delay);
        log(`attempt ${attempt} failed (${describeError(error)}); retrying in ${delay} ms`);
      },
      onSuccess: ({ attempt, elapsedMs }) => log(`attempt ${attempt} succeeded, ${Math.round(elapsedMs)} ms after the call began`),
    },
  );

  log(`balance: ${balance}`);
  return { balance, attempts: delays.length + 1, delays };
}

runWhenExecuted('02-transient-recovery', main);
