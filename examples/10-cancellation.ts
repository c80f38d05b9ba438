/**
 * 10. Cancellation and deadlines: `signal`, `attemptTimeout`, `timeout`.
 *
 * - `signal`: the caller gives up (a user navigates away, a server shuts down). The pending
 *   delay is cleared at once, no further attempt starts, and the call rejects with the
 *   signal's reason.
 * - `attemptTimeout`: one attempt may take this long. Its `ctx.signal` aborts (pass it on to
 *   fetch & co.) and it fails with an `AttemptTimeoutError`, which is transient: retried.
 * - `timeout`: the whole call, delays included, settles within this many ms. A delay that
 *   would end past the deadline is not waited: the call rejects with a `RetryTimeoutError`
 *   at once.
 *
 *   npx tsx examples/10-cancellation.ts
 */
import { isRetryTimeoutError, retry, TransientError, type AttemptContext, type GiveUpReason } from 'maestro-retry';
import { describeError, runWhenExecuted, type Log } from './support.js';

/** Resolves after `ms`, or rejects as soon as `signal` aborts: how fetch & co. behave. */
function work<T>(ms: number, value: T, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(value), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

export async function main(log: Log = console.log): Promise<{
  signal: { attempts: number; reason: GiveUpReason | undefined; error: string; waitedMs: number };
  attemptTimeout: { attempts: number; result: string; errors: string[] };
  timeout: { attempts: number; reason: GiveUpReason | undefined; error: string; elapsedMs: number };
}> {
  // 1. signal: the next retry is 30 s away, but the caller cancels after 20 ms.
  log('signal');
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('shutting down')), 20);
  let attempts = 0;
  let reason: GiveUpReason | undefined;
  const started = Date.now();
  const error1 = await retry(() => {
    attempts++;
    throw new TransientError('queue unavailable');
  }, {
    operationName: 'queue.receive',
    initialDelay: 30_000,
    signal: controller.signal,
    onRetry: ({ delay }) => log(`  attempt ${attempts} failed; next one in ${delay / 1000} s`),
    onGiveUp: (e) => { reason = e.reason; },
  }).catch((error: unknown) => error);
  const waitedMs = Date.now() - started;
  log(`  ${reason} after ${waitedMs} ms, not 30 s: ${describeError(error1)}`);
  const signal = { attempts, reason, error: describeError(error1), waitedMs };

  // 2. attemptTimeout: the first two attempts hang (500 ms); each is cut at 50 ms and retried.
  log('attemptTimeout');
  const errors: string[] = [];
  const ask = ({ attempt, signal: attemptSignal }: AttemptContext) =>
    work(attempt <= 2 ? 500 : 5, `answer from attempt ${attempt}`, attemptSignal);
  const result = await retry(ask, {
    attemptTimeout: 50,
    initialDelay: 10,
    onRetry: ({ attempt, error, delay }) => {
      errors.push(describeError(error));
      log(`  attempt ${attempt}: ${(error as Error).message}; retry in ${delay} ms`);
    },
  });
  log(`  ${result}`);
  const attemptTimeout = { attempts: errors.length + 1, result, errors };

  // 3. timeout: 100 ms for the whole call. Attempt 1 fails, 40 ms wait, attempt 2 fails; the
  //    next wait (80 ms) would end past the deadline, so the call gives up right away.
  log('timeout');
  let attempts3 = 0;
  let reason3: GiveUpReason | undefined;
  const error3 = await retry(() => {
    attempts3++;
    throw new TransientError('replica lagging');
  }, { operationName: 'replica.read', timeout: 100, maxRetries: 10, initialDelay: 40, onGiveUp: (e) => { reason3 = e.reason; } })
    .catch((error: unknown) => error);
  const elapsedMs = isRetryTimeoutError(error3) ? error3.elapsedMs ?? NaN : NaN;
  log(`  ${describeError(error3)}`);
  log(`  gave up (${reason3}) after ${attempts3} attempts and ${Math.round(elapsedMs)} ms`);
  log(`  cause: ${describeError((error3 as Error).cause)}`);
  const timeout = { attempts: attempts3, reason: reason3, error: describeError(error3), elapsedMs };

  return { signal, attemptTimeout, timeout };
}

runWhenExecuted('10-cancellation', main);
