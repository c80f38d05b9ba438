/**
 * 9. `ErrorHandler` and its recovery decisions.
 *
 * Sometimes you run the loop yourself (a job queue, a saga step, a message consumer) and only
 * want to be told what to do about a failure. `handleError(error, { attempt })` answers with
 * a `RecoveryDecision`: `{ action: 'retry', delay, category }` or
 * `{ action: 'fail', reason, message, category }`, using the same classification, backoff and
 * Retry-After rules as the retry loop. It also runs functions with retries itself.
 *
 *   npx tsx examples/09-error-handler.ts
 */
import { ErrorHandler, PermanentError, type RecoveryDecision } from 'maestro-retry';
import { formatTable, runWhenExecuted, type Log } from './support.js';

const httpError = (status: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${status}`), { status, headers });

export async function main(log: Log = console.log): Promise<{ decisions: Array<{ failure: string; decision: RecoveryDecision }>; jobResult: string }> {
  const handler = new ErrorHandler({ maxRetries: 3, initialDelay: 100, maxDelay: 5000 });

  const cases: Array<[string, unknown, number]> = [
    ['ECONNRESET, attempt 1', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 1],
    ['HTTP 503, attempt 2', httpError(503), 2],
    ['HTTP 429 Retry-After: 2', httpError(429, { 'retry-after': '2' }), 1],
    ['HTTP 503 Retry-After: 60', httpError(503, { 'retry-after': '60' }), 1],
    ['ETIMEDOUT, attempt 4', Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }), 4],
    ['HTTP 404', httpError(404), 1],
    ['PermanentError', new PermanentError('invalid API key'), 1],
    ['AbortError', new DOMException('The user aborted a request.', 'AbortError'), 1],
  ];

  const decisions = cases.map(([failure, error, attempt]) => ({ failure, decision: handler.handleError(error, { attempt }) }));
  const rows = decisions.map(({ failure, decision: d }) => [
    failure, d.category, d.action === 'retry' ? `retry in ${d.delay} ms` : `fail: ${d.reason}`,
  ]);
  formatTable(['failure', 'category', 'decision'], rows).forEach((line) => log(line));
  log('');

  // A hand-written loop driven by the decisions: a job that fails twice, then succeeds.
  let runs = 0;
  const job = async (): Promise<string> => {
    if (++runs < 3) throw Object.assign(new Error('worker busy'), { status: 503 });
    return 'report.pdf';
  };
  let jobResult = '';
  for (let attempt = 1; ; attempt++) {
    try {
      jobResult = await job();
      log(`job: attempt ${attempt} succeeded -> ${jobResult}`);
      break;
    } catch (error) {
      const decision = handler.handleError(error, { operationName: 'reports.render', attempt });
      if (decision.action === 'fail') throw error;
      log(`job: attempt ${attempt} failed (${decision.category}), retrying in ${decision.delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, decision.delay));
    }
  }

  // Or let the handler run the loop: same options, recorded in the registry.
  const stock = await handler.executeWithRetry(async (sku: string) => ({ sku, count: 12 }), { operationName: 'stock.get' }, 'A-100');
  log(`executeWithRetry -> ${JSON.stringify(stock)}`);
  log(`stock.get calls recorded: ${handler.getRetryStatistics('stock.get').calls}`);
  return { decisions, jobResult };
}

runWhenExecuted('09-error-handler', main);
