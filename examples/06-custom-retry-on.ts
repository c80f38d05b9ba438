/**
 * 6. Custom retryable errors with `retryOn`.
 *
 * Your own error classes are not transient by default: the library cannot know that a
 * `DatabaseLockedError` goes away on its own. List them in `retryOn` and they are retried
 * like network errors. `abortOn` is the opposite: classes that are never retried, even when
 * they would look transient. (For any other rule, `retryIf: (error, info) => boolean` decides
 * alone.)
 *
 *   npx tsx examples/06-custom-retry-on.ts
 */
import { withRetry, type GiveUpReason, type RetryOptions } from 'maestro-retry';
import { describeError, runWhenExecuted, type Log } from './support.js';

/** SQLite's SQLITE_BUSY: another connection holds the lock; it is released within ms. */
class DatabaseLockedError extends Error {
  override readonly name: string = 'DatabaseLockedError';
}

/** A subclass of a retried class is retried too (`retryOn` matches with instanceof). */
class TableLockedError extends DatabaseLockedError {
  override readonly name = 'TableLockedError';
}

/** An error whose message says "timeout" (transient), but which retrying would only repeat. */
class StatementTimeoutError extends Error {
  override readonly name = 'StatementTimeoutError';
}

export async function main(log: Log = console.log): Promise<Record<string, { attempts: number; outcome: string }>> {
  const results: Record<string, { attempts: number; outcome: string }> = {};

  async function run(label: string, errors: Error[], options: RetryOptions<number>): Promise<void> {
    let attempts = 0;
    let reason: GiveUpReason | undefined;
    // Fails with each of `errors` in turn, then succeeds.
    const insertRow = withRetry(async (row: { id: number }) => {
      const error = errors[attempts++];
      if (error !== undefined) throw error;
      return row.id;
    }, { initialDelay: 10, ...options, onGiveUp: (e) => { reason = e.reason; } });
    const outcome = await insertRow({ id: 1 }).then(
      (id) => `inserted row ${id}`,
      (error: unknown) => `${reason}: ${describeError(error)}`,
    );
    log(`${label}`);
    log(`  ${attempts} attempt(s) -> ${outcome}`);
    results[label] = { attempts, outcome };
  }

  const locked = () => [new DatabaseLockedError('database is locked'), new TableLockedError('table "orders" is locked')];

  await run('without retryOn', locked(), {});
  await run('retryOn: [DatabaseLockedError]', locked(), { retryOn: [DatabaseLockedError] });
  // Without abortOn this one would be retried: its message mentions a timeout.
  await run('abortOn: [StatementTimeoutError]', [new StatementTimeoutError('statement timeout: 30 s')], {
    abortOn: [StatementTimeoutError],
  });
  return results;
}

runWhenExecuted('06-custom-retry-on', main);
