/**
 * 4. A permanent error is not retried.
 *
 * Retrying only helps when the next attempt can turn out differently. A 404, a validation
 * error or a bug will not, so they fail at once: one attempt, give-up reason
 * `'non-retryable'`. Throw a `PermanentError` to say so explicitly, even for an error that
 * would otherwise look transient.
 *
 *   npx tsx examples/04-permanent-error.ts
 */
import { isTransientError, PermanentError, retry, type GiveUpReason } from 'maestro-retry';
import { describeError, runWhenExecuted, type Log } from './support.js';

export async function main(log: Log = console.log): Promise<Array<{ error: string; transient: boolean; attempts: number; reason: GiveUpReason | undefined }>> {
  const notFound = Object.assign(new Error('GET /users/7: 404 Not Found'), { status: 404 });
  const invalid = new RangeError('quantity must be positive, got -3');
  // Its message mentions a timeout, which would make it transient, but PermanentError wins:
  const permanent = new PermanentError('quota exceeded for this month', { cause: new Error('upstream timeout') });

  const outcomes = [];
  for (const error of [notFound, invalid, permanent]) {
    let attempts = 0;
    let reason: GiveUpReason | undefined;
    await retry(
      () => {
        attempts++;
        throw error;
      },
      { initialDelay: 10, onGiveUp: (event) => { reason = event.reason; } },
    ).catch(() => undefined);
    const transient = isTransientError(error);
    log(`${describeError(error)}`);
    log(`  transient: ${transient}, attempts: ${attempts}, gave up: ${reason}`);
    outcomes.push({ error: error.name, transient, attempts, reason });
  }
  return outcomes;
}

runWhenExecuted('04-permanent-error', main);
