/**
 * Every example runs here, so none can rot: each is type-checked (with the compiler API: ts-jest
 * only transpiles under `isolatedModules`), executed through its `main()`, and its outcome
 * asserted. The demo runs twice: in-process, for its statistics, and as `tsx examples/demo.ts`,
 * the way `npm run demo` runs it (exit code, duration, 80 columns).
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { defaultRegistry } from 'maestro-retry';
import { examples } from '../examples/catalog';
import { main as success } from '../examples/01-success';
import { main as transientRecovery } from '../examples/02-transient-recovery';
import { main as maxRetriesExceeded } from '../examples/03-max-retries-exceeded';
import { main as permanentError } from '../examples/04-permanent-error';
import { main as exponentialBackoff } from '../examples/05-exponential-backoff';
import { main as customRetryOn } from '../examples/06-custom-retry-on';
import { main as statistics } from '../examples/07-statistics';
import { main as decorator } from '../examples/08-decorator';
import { main as errorHandler } from '../examples/09-error-handler';
import { main as cancellation } from '../examples/10-cancellation';
import { main as jitter } from '../examples/11-jitter';
import { main as circuitBreakerAndBudget } from '../examples/12-circuit-breaker-and-budget';
import { main as hedgedFetch } from '../examples/hedged-fetch';
import { main as hedgedDecorator } from '../examples/hedged-decorator';
import { main as demo } from '../examples/demo';
import { main as otelPrometheus } from '../examples/otel-prometheus';
import { main as dashboardHttp } from '../examples/dashboard-http';

const ROOT = join(__dirname, '..');
const EXAMPLES = join(ROOT, 'examples');
/** Files in examples/ that are not examples themselves. */
const SUPPORT_FILES = ['catalog', 'demo', 'run', 'support'];

/** Runs an example's main with a collecting log; fails the test if a line is wider than 80. */
async function run<R>(main: (log: (line: string) => void) => Promise<R>): Promise<{ result: R; lines: string[] }> {
  const lines: string[] = [];
  const result = await main((line) => lines.push(line));
  expect(lines.filter((line) => line.length > 80)).toEqual([]);
  return { result, lines };
}

describe('the examples', () => {
  it('type-check under the project tsconfig, as a user would compile them', () => {
    const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    const files = ts.sys.readDirectory(EXAMPLES, ['.ts']);
    const program = ts.createProgram(files, { ...options, noEmit: true });
    const problems = ts.getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || d.file.fileName.startsWith(EXAMPLES))
      .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).toEqual([]);
  }, 30_000);

  it('are all in the catalog that examples/run.ts runs, each file once', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
    const listed = examples.map((e) => e.name);
    expect([...listed].sort()).toEqual(files.filter((f) => !SUPPORT_FILES.includes(f)).sort());
  });

  it('01: a first attempt that succeeds is the only attempt', async () => {
    const { result } = await run(success);
    expect(result).toEqual({ user: { id: '42', name: 'Ada Lovelace' }, attempts: 1 });
  });

  it('02: transient errors are retried with growing delays until the call succeeds', async () => {
    const { result } = await run(transientRecovery);
    expect(result).toEqual({ balance: 1250, attempts: 3, delays: [10, 20] });
  });

  it('03: after maxRetries the last error comes back unchanged, or wrapped with every attempt', async () => {
    const { result } = await run(maxRetriesExceeded);
    expect(result.plain.attempts).toBe(3);
    expect((result.plain.error as Error).name).toBe('ServiceUnavailableError');
    expect(result.wrapped).toEqual({ reason: 'exhausted', errors: 3, attempts: [1, 2, 3] });
  });

  it('04: permanent errors end the call after one attempt', async () => {
    const { result } = await run(permanentError);
    expect(result).toEqual([
      { error: 'Error', transient: false, attempts: 1, reason: 'non-retryable' },
      { error: 'RangeError', transient: false, attempts: 1, reason: 'non-retryable' },
      { error: 'PermanentError', transient: false, attempts: 1, reason: 'non-retryable' },
    ]);
  });

  it('05: the default schedule is 1000, 2000, 4000 ms, capped at 30 s, and the loop keeps it', async () => {
    const { result, lines } = await run(exponentialBackoff);
    expect(result).toEqual({ schedule: [1000, 2000, 4000], capped: 30_000, attemptStarts: [0, 1000, 3000, 7000] });
    expect(lines).toContain('      4            7000         4000');
  });

  it('06: retryOn makes a custom error (and its subclasses) retryable; abortOn stops one', async () => {
    const { result } = await run(customRetryOn);
    expect(result['without retryOn']).toEqual({ attempts: 1, outcome: 'non-retryable: DatabaseLockedError: database is locked' });
    expect(result['retryOn: [DatabaseLockedError]']).toEqual({ attempts: 3, outcome: 'inserted row 1' });
    expect(result['abortOn: [StatementTimeoutError]']?.attempts).toBe(1);
  });

  it('07: statistics add up per operation and in total', async () => {
    const { result, lines } = await run(statistics);
    expect(result).toMatchObject({ totalOperations: 3, calls: 6, attempts: 10, retries: 4, successes: 5, failures: 1 });
    expect(result.operations['search.query']).toMatchObject({ calls: 2, attempts: 4, successesAfterRetry: 2, totalDelayMs: 20 });
    expect(result.operations['email.send']?.giveUpReasons).toEqual({ exhausted: 1 });
    expect(lines[0]).toMatch(/^operation\s+calls\s+attempts\s+retries\s+success\s+gave up$/);
  });

  it('08: @Retryable methods retry with `this` kept, each recorded as ClassName.methodName', async () => {
    const { result } = await run(decorator);
    expect(result.order).toEqual({ path: '/orders/A-17', attempt: 3 });
    expect(result.cancelError).toBe('TransientError: 503 from /orders/A-17/cancel');
    expect(result.health).toBe('ok');
    expect(result.operations).toEqual({
      'OrderService.getOrder': { calls: 1, attempts: 3 },
      'OrderService.cancelOrder': { calls: 1, attempts: 2 },
    });
  });

  it('09: ErrorHandler decides retry, with which delay, or fail, and why', async () => {
    const { result } = await run(errorHandler);
    const decisions = Object.fromEntries(result.decisions.map(({ failure, decision }) => [failure, decision]));
    expect(decisions['ECONNRESET, attempt 1']).toEqual({ action: 'retry', delay: 100, category: 'transient' });
    expect(decisions['HTTP 503, attempt 2']).toEqual({ action: 'retry', delay: 200, category: 'transient' });
    expect(decisions['HTTP 429 Retry-After: 2']).toEqual({ action: 'retry', delay: 2000, category: 'throttled' });
    expect(decisions['HTTP 503 Retry-After: 60']).toMatchObject({ action: 'fail', reason: 'retry-after' });
    expect(decisions['ETIMEDOUT, attempt 4']).toMatchObject({ action: 'fail', reason: 'exhausted' });
    expect(decisions['HTTP 404']).toMatchObject({ action: 'fail', reason: 'non-retryable', category: 'permanent' });
    expect(decisions['PermanentError']).toMatchObject({ action: 'fail', category: 'permanent' });
    expect(decisions['AbortError']).toMatchObject({ action: 'fail', reason: 'aborted', category: 'cancelled' });
    expect(result.jobResult).toBe('report.pdf');
  });

  it('10: a signal cancels a pending delay, attemptTimeout cuts hung attempts, timeout bounds the call', async () => {
    const { result } = await run(cancellation);
    expect(result.signal).toMatchObject({ attempts: 1, reason: 'aborted', error: 'Error: shutting down' });
    expect(result.signal.waitedMs).toBeLessThan(5_000); // not the 30 s delay
    expect(result.attemptTimeout).toMatchObject({ attempts: 3, result: 'answer from attempt 3' });
    expect(result.attemptTimeout.errors).toEqual([
      'AttemptTimeoutError: Attempt 1 timed out after 50 ms',
      'AttemptTimeoutError: Attempt 2 timed out after 50 ms',
    ]);
    expect(result.timeout).toMatchObject({ attempts: 2, reason: 'timeout' });
    expect(result.timeout.error).toMatch(/^RetryTimeoutError: /);
    expect(result.timeout.elapsedMs).toBeLessThanOrEqual(100);
  });

  it('11: jitter strategies stay within their bounds and spread simultaneous clients', async () => {
    const { result } = await run(jitter);
    const base = [100, 200, 400, 800, 1600, 3200];
    expect(result.schedules.none).toEqual(base);
    result.schedules.full.forEach((d, i) => expect(d).toBeLessThanOrEqual(base[i]!));
    result.schedules.equal.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(base[i]! / 2);
      expect(d).toBeLessThanOrEqual(base[i]!);
    });
    result.schedules.decorrelated.forEach((d) => expect(d).toBeGreaterThanOrEqual(100));
    expect(result.spread.none).toEqual({ min: 700, max: 700, distinct: 1 });
    expect(result.spread.full.distinct).toBeGreaterThan(30);
  });

  it('12: an open circuit fails fast without reaching the service; an empty budget refuses retries', async () => {
    const { result } = await run(circuitBreakerAndBudget);
    expect(result.breaker.map((c) => [c.reason, c.reached])).toEqual([
      ['exhausted', 3], ['circuit-open', 0], ['circuit-open', 0], [undefined, 1],
    ]);
    expect(result.budget.map((c) => [c.reason, c.reached])).toEqual([
      ['exhausted', 4], ['budget', 1], ['budget', 1], ['budget', 1],
    ]);
  });

  it('hedged-fetch: a hedge answers for each slow first attempt, and the server sees the loser aborted', async () => {
    const { result } = await run(hedgedFetch);
    // Calls 1 and 3 have a 2 s first attempt; their hedge (after 100 ms) answers long before.
    expect(result.calls.filter((c) => c.call % 2 === 1).map((c) => c.wonBy)).toEqual([2, 2]);
    result.calls.forEach((c) => expect(c.ms).toBeLessThan(1500));
    expect(result.stats.hedgesWon).toBeGreaterThanOrEqual(2);
    expect(result.stats.cancelledAttempts).toBe(result.stats.hedges);
    expect(result.abortedOnServer).toBe(result.stats.cancelledAttempts);
  }, 20_000);

  it('hedged-decorator: @Retryable learns a p90 delay and its hedge answers for the hung attempt', async () => {
    const { result } = await run(hedgedDecorator);
    expect(result.delayMs).toBeGreaterThanOrEqual(20);
    expect(result.slow.attempt).toBe(2);
    expect(result.slow.ms).toBeLessThan(1500);
    expect(result.hedgesWon).toBeGreaterThanOrEqual(1);
  }, 20_000);
});

describe('the telemetry examples', () => {
  it('otel-prometheus: the scraped /metrics text counts every call and attempt', async () => {
    const { result, lines } = await run(otelPrometheus);
    expect(result.text).toMatch(/^maestro_retry_calls_total\{maestro_retry_operation_name="stock.get",maestro_retry_outcome="success",otel_scope_name="maestro-retry"\} 3$/m);
    expect(lines).toContain('  attempts_total{outcome="error",attempt_hedge="false",error_type="Error"} 3');
    expect(lines).toContain('  call_retries_sum{} 3');
  });

  it("dashboard-http: the page's feed shows the registry's counts", async () => {
    const { result, lines } = await run(dashboardHttp);
    const stats = result.registry.getStatistics();
    expect(result.snapshot.totals).toMatchObject({ calls: 14, retries: stats.retries, failures: 2 });
    expect(result.snapshot.operations.map((o) => [o.name, o.calls, o.retries, o.successRate, o.giveUpReasons])).toEqual([
      ['quotes.get', 12, 6, 1, {}], ['legacy.get', 2, 2, 0, { exhausted: 1, 'circuit-open': 1 }],
    ]);
    expect(result.snapshot.breakers.map((b) => [b.name, b.state, b.transitions])).toEqual([['legacy', 'open', 1]]);
    expect(lines).toContain('breaker legacy: open (1 transition)');
    expect(lines.at(-1)).toBe(`14 calls, ${stats.retries} retries, 2 gave up`);
    expect(lines[0]).toMatch(/^The statistics page: http:\/\/127\.0\.0\.1:\d+\/$/);
  });
});

describe('the demo', () => {
  it('narrates every call and ends with the statistics of each operation', async () => {
    defaultRegistry.clear(); // the other examples above recorded into it too
    const { result, lines } = await run(demo);
    const ops = result.statistics.operations;
    const row = (name: string) => {
      const op = ops[name]!;
      return [op.calls, op.attempts, op.successes, op.giveUpReasons];
    };
    expect(row('getInventory')).toEqual([1, 3, 1, {}]); // two connection resets, then 200
    expect(row('getPrices')).toEqual([1, 2, 1, {}]); // 503 with Retry-After: 1, then 200
    expect(row('getReport')).toEqual([1, 2, 1, {}]); // attemptTimeout, then 200
    expect(row('CatalogClient.search')).toEqual([1, 3, 1, {}]); // 429 twice, then 200
    expect(row('CatalogClient.getUser')).toEqual([1, 1, 0, { 'non-retryable': 1 }]); // 404
    expect(row('CatalogClient.getLegacy')).toEqual([1, 3, 0, { exhausted: 1 }]); // 502 every time
    expect(row('CatalogClient.getStatus')).toEqual([1, 1, 0, { 'retry-after': 1 }]); // Retry-After: 3600
    expect(ops['getPrices']!.totalDelayMs).toBe(1000); // the server's Retry-After, not 100 ms
    expect(lines).toContain('  attempt 1: no response within 300 ms; retry in 100 ms');
    expect(lines.at(-1)).toMatch(/^7 calls, 15 attempts, 8 retries: 4 succeeded .*, 3 gave up$/);
  }, 15_000);

  it('runs as `tsx examples/demo.ts`: exits 0 within 15 s, in 80 columns', async () => {
    const tsx = require.resolve('tsx/cli');
    const started = Date.now();
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [tsx, 'examples/demo.ts'], { cwd: ROOT, timeout: 15_000 }, (_error, out, err) =>
        resolve({ code: child.exitCode, stdout: out, stderr: err }));
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(Date.now() - started).toBeLessThan(15_000);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.filter((line) => line.length > 80)).toEqual([]);
    expect(lines[0]).toMatch(/^maestro-retry demo: a misbehaving HTTP service on http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines.at(-1)).toMatch(/^7 calls, 15 attempts, 8 retries/);
  }, 20_000);
});
