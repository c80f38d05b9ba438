/**
 * 3. Max retries exceeded.
 *
 * A service that keeps answering 503. With `maxRetries: 2` there are 3 attempts in all, then
 * the call gives up. By default it rejects with the last error, unchanged, so your existing
 * `catch` blocks and `instanceof` checks keep working. With `wrapError: true` it rejects with
 * a `RetryExhaustedError` instead, which carries every attempt.
 *
 *   npx tsx examples/03-max-retries-exceeded.ts
 */
import { isRetryExhaustedError, withRetry } from 'maestro-retry';
import { describeError, runWhenExecuted, type Log } from './support.js';

/** An error shaped like those of HTTP clients: the status makes it transient (503). */
class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
  readonly status = 503;
}

export async function main(log: Log = console.log): Promise<{
  plain: { error: unknown; attempts: number };
  wrapped: { reason: string; errors: number; attempts: number[] };
}> {
  let calls = 0;
  async function chargeCard(amount: number): Promise<string> {
    calls++;
    throw new ServiceUnavailableError(`gateway down, ${amount} EUR not charged`);
  }

  // Default: the last error comes back as it was thrown.
  const charge = withRetry(chargeCard, {
    maxRetries: 2,
    initialDelay: 10,
    onGiveUp: ({ attempt, reason }) => log(`gave up after attempt ${attempt}: ${reason}`),
  });
  let plainError: unknown;
  try {
    await charge(100);
  } catch (error) {
    plainError = error;
    log(`caught ${describeError(error)}`);
    log(`instanceof ServiceUnavailableError: ${error instanceof ServiceUnavailableError}`);
  }
  const plain = { error: plainError, attempts: calls };

  // wrapError: one error that tells the whole story.
  const chargeWrapped = withRetry(chargeCard, { maxRetries: 2, initialDelay: 10, wrapError: true });
  let wrapped = { reason: '', errors: 0, attempts: [] as number[] };
  try {
    await chargeWrapped(100);
  } catch (error) {
    if (!isRetryExhaustedError(error)) throw error;
    log(`caught ${error.name}: ${error.message}`);
    log(`  reason: ${error.reason}, errors: ${error.errors.length}`);
    log(`  cause: ${describeError(error.cause)}`);
    for (const a of error.attempts) {
      log(`  attempt ${a.attemptNumber}: waited ${a.delay} ms, failed with ${a.error?.name}`);
    }
    wrapped = { reason: error.reason, errors: error.errors.length, attempts: error.attempts.map((a) => a.attemptNumber) };
  }
  return { plain, wrapped };
}

runWhenExecuted('03-max-retries-exceeded', main);
