/**
 * 7. Statistics aggregated across operations.
 *
 * Every call is recorded under its operation name: calls, attempts, retries, success rate,
 * why calls gave up, errors by name. A `RetryManager` (the class of the original design)
 * records into a registry: the shared `defaultRegistry` unless you give it one. Here it gets
 * its own, so the figures below cover this example alone.
 *
 *   npx tsx examples/07-statistics.ts
 */
import { RetryManager, RetryRegistry, TransientError, type RetryStatistics } from 'maestro-retry';
import { formatStatistics, runWhenExecuted, type Log } from './support.js';

export async function main(log: Log = console.log): Promise<RetryStatistics> {
  const registry = new RetryRegistry({ maxHistoryPerOperation: 50 });
  const manager = new RetryManager({ maxRetries: 2, initialDelay: 10, registry });

  // Three operations with different health. `executeWithRetry(fn, context, ...args)`.
  let cacheHits = 0;
  const readCache = async (key: string) => `value of ${key} (#${++cacheHits})`;
  let searches = 0;
  const searchIndex = async (q: string) => {
    if (++searches % 2 === 1) throw new TransientError('search shard restarting');
    return [`result for ${q}`];
  };
  const sendEmail = async (_to: string): Promise<void> => {
    throw new TransientError('SMTP server: temporary failure');
  };

  for (const key of ['a', 'b', 'c']) await manager.executeWithRetry(readCache, { operationName: 'cache.get' }, key);
  for (const q of ['retry', 'backoff']) await manager.executeWithRetry(searchIndex, { operationName: 'search.query' }, q);
  await manager.executeWithRetry(sendEmail, { operationName: 'email.send' }, 'ops@example.com').catch(() => undefined);

  const stats = manager.getRetryStatistics();
  formatStatistics(stats).forEach((line) => log(line));
  log('');

  // One operation in detail, and its recorded attempts.
  const search = manager.getRetryStatistics('search.query').operations['search.query']!;
  log(`search.query: ${search.successesAfterRetry} of ${search.calls} calls succeeded on a retry,`);
  log(`  ${search.averageAttempts} attempts per call, ${search.totalDelayMs} ms spent waiting`);
  log('email.send, attempt by attempt:');
  for (const a of manager.getRetryHistory('email.send')['email.send'] ?? []) {
    log(`  #${a.attemptNumber} after ${a.delay} ms: ${a.success ? 'ok' : `${a.error?.name}: ${a.error?.message}`}`);
  }
  return stats;
}

runWhenExecuted('07-statistics', main);
