/**
 * 12. Circuit breaker and retry budget: retrying without making an outage worse.
 *
 * Retries multiply load on a dependency that is already failing. Two policies, each meant to
 * be shared by every caller of a dependency (or of a client), keep that in check:
 *
 * - `CircuitBreaker`: after `failureThreshold` consecutive failed attempts the circuit
 *   opens, and attempts fail fast with a `CircuitOpenError` (give-up reason
 *   `'circuit-open'`) without touching the dependency. After `resetTimeout` one trial call
 *   is let through (half-open); its success closes the circuit.
 * - `RetryBudget`: a retry must be granted by the budget. `RetryBudget.tokenBucket()` is the
 *   AWS SDK's retry quota (each retry costs tokens, successes refund them);
 *   `RetryBudget.ratio()` allows retries up to a share of recent calls (Finagle, Google SRE).
 *   A refused retry ends the call with give-up reason `'budget'`.
 *
 * Both read time from a clock and start no timer. The example runs on a `ManualClock`, so
 * the 10 s `resetTimeout` passes instantly.
 *
 *   npx tsx examples/12-circuit-breaker-and-budget.ts
 */
import { CircuitBreaker, ManualClock, RetryBudget, TransientError, withRetry, type GiveUpReason } from 'maestro-retry';
import { describeError, runWhenExecuted, type Log } from './support.js';

interface CallOutcome {
  readonly outcome: string;
  readonly reason: GiveUpReason | undefined;
  readonly reached: number;
}

export async function main(log: Log = console.log): Promise<{ breaker: CallOutcome[]; budget: CallOutcome[] }> {
  const clock = new ManualClock();

  // The give-up reason of the latest call, told by the onGiveUp hook both wrappers share.
  let lastReason: GiveUpReason | undefined;
  const onGiveUp = (event: { readonly reason: GiveUpReason }): void => {
    lastReason = event.reason;
  };

  /** Starts a call, plays its delays out on the manual clock, and reports how it ended. */
  async function settle(label: string, call: () => Promise<unknown>, requests: () => number): Promise<CallOutcome> {
    const before = requests();
    lastReason = undefined;
    const pending = call().then((v) => `ok: ${String(v)}`, (e: unknown) => describeError(e));
    await clock.runAll();
    const outcome = await pending;
    const result = { outcome, reason: lastReason, reached: requests() - before };
    const ending = result.reason === undefined ? outcome : `gave up (${result.reason})`;
    log(`  ${label}: ${ending}; reached the service ${result.reached}x`);
    return result;
  }

  // --- Circuit breaker -----------------------------------------------------------------
  log('circuit breaker (failureThreshold 3, resetTimeout 10 s)');
  const breaker = new CircuitBreaker({ failureThreshold: 3, resetTimeout: 10_000, clock });
  breaker.onStateChange(({ from, to, at }) => log(`  [circuit ${from} -> ${to} at t=${at} ms]`));
  let quotesUp = false;
  let quoteRequests = 0;
  const getQuote = withRetry(async (symbol: string) => {
    quoteRequests++;
    if (!quotesUp) throw new TransientError('quotes service unavailable');
    return `${symbol} 101.5`;
  }, { maxRetries: 2, initialDelay: 100, circuitBreaker: breaker, clock, onGiveUp });

  const breakerCalls: CallOutcome[] = [];
  for (let i = 1; i <= 3; i++) breakerCalls.push(await settle(`call ${i}`, () => getQuote('ACME'), () => quoteRequests));
  log('  ...10 s later, the service is back');
  await clock.advance(10_000);
  quotesUp = true;
  breakerCalls.push(await settle('call 4', () => getQuote('ACME'), () => quoteRequests));
  log(`  circuit now: ${breaker.state}`);

  // --- Retry budget ----------------------------------------------------------------------
  log('');
  log('retry budget (token bucket: 15 tokens, 5 per retry = 3 retries)');
  const budget = RetryBudget.tokenBucket({ capacity: 15, retryCost: 5 });
  let emailRequests = 0;
  const sendEmail = withRetry(async (_to: string): Promise<void> => {
    emailRequests++;
    throw new TransientError('SMTP relay: temporary failure');
  }, { maxRetries: 3, initialDelay: 100, budget, clock, onGiveUp });

  const budgetCalls: CallOutcome[] = [];
  for (let i = 1; i <= 4; i++) budgetCalls.push(await settle(`call ${i}`, () => sendEmail('a@example.com'), () => emailRequests));
  log(`  ${emailRequests} requests in all; without the budget: ${4 * 4}`);
  return { breaker: breakerCalls, budget: budgetCalls };
}

runWhenExecuted('12-circuit-breaker-and-budget', main);
