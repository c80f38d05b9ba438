/**
 * Contention: many clients, on separate connections and in separate processes, hammering one
 * breaker and one budget. Never more half-open trials than configured, never more retries
 * than the budget allows, and no lost increments (exact counts after N reported outcomes).
 * The store's bound is raised here: exactness holds while Redis answers within it (past it,
 * a process answers from its own fallback state, which the fault tests cover).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import type Redis from 'ioredis';
import { redisStore, type RedisStore } from '../../src/redis/index';
import { CircuitBreaker } from '../../src/strategies/circuit-breaker';
import { RetryBudget } from '../../src/strategies/retry-budget';
import { connect, deleteKeys, disconnectAll, uniquePrefix } from '../helpers/redis';
import { describeWithService, redis, redisUrl } from '../helpers/services';

const ctx = { operationName: 'op', attempt: 1 };
const failed = { verdict: 'failure' as const, throttled: false, timedOut: false, durationMs: 1 };
const succeeded = { ...failed, verdict: 'success' as const };
const CLIENTS = 16;
const granted = (answers: unknown[]) => answers.filter((a) => a === true).length;
const until = async (check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describeWithService(redis, 'the Redis store under contention', () => {
  let admin: Redis;
  let prefix: string;
  const stores: RedisStore[] = [];
  const many = (): RedisStore[] =>
    Array.from({ length: CLIENTS }, () => {
      const s = redisStore(connect(), { prefix, timeoutMs: 10_000, flushIntervalMs: 5 });
      stores.push(s);
      return s;
    });
  /** The state Redis holds for a policy. */
  const stored = async (name: string, kind: string) => JSON.parse((await admin.hget(`${prefix}:{${name}}:${kind}`, 's')) ?? 'null');

  beforeEach(() => {
    admin = connect();
    prefix = uniquePrefix('contention');
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await deleteKeys(admin, prefix);
    await disconnectAll();
  });

  it(`${CLIENTS} connections: exact counts, exact grants, exactly halfOpenMaxCalls trials`, async () => {
    const connections = many();
    const breakers = connections.map((store) => new CircuitBreaker({ name: 'b', failureRateThreshold: 1, minimumCalls: 10_000, resetTimeout: 1, halfOpenMaxCalls: 3, windowMs: 600_000, store }));
    const ratios = connections.map((store) => RetryBudget.ratio({ name: 'r', ratio: 0.1, minRetriesPerSecond: 0, windowMs: 600_000, store }));
    const buckets = connections.map((store) => RetryBudget.tokenBucket({ name: 't', capacity: 77, retryCost: 1, store }));
    // 50 outcomes and 40 calls from each connection, all at once.
    breakers.forEach((b, i) => {
      for (let k = 0; k < 50; k++) b.afterAttempt(ctx, k % 5 === i % 5 ? failed : succeeded);
    });
    for (const r of ratios) for (let k = 0; k < 40; k++) r.callStarted();
    await until(async () => (await stored('r', 'ratio-retry-budget'))?.window.counts.reduce((a: number, n: number, i: number) => (i % 2 === 0 ? a + n : a), 0) === CLIENTS * 40);
    await until(() => breakers[0]!.stats.windowCalls === CLIENTS * 50);
    // Each connection decides on its own view of the fleet's calls: wait until every view has them
    // all (a stale view only grants less, never more).
    await until(() => ratios.every((r) => r.stats.windowCalls === CLIENTS * 40));
    expect(breakers[7]!.stats).toMatchObject({ windowCalls: 800, windowFailures: 160 });
    // 30 retries asked from each connection at once: 64 fit the ratio, 77 the bucket.
    const [retries, tokens] = await Promise.all([
      Promise.all(ratios.flatMap((r) => Array.from({ length: 30 }, () => r.allowRetry(ctx, failed)))),
      Promise.all(buckets.flatMap((t) => Array.from({ length: 30 }, () => t.allowRetry(ctx, failed)))),
    ]);
    expect([granted(retries), granted(tokens)]).toEqual([64, 77]);
    expect((await stored('t', 'token-bucket-retry-budget')).tokens).toBe(0);
    // A breaker of each connection opens; once half-open, every connection asks for 3 trial slots at once.
    const probers = connections.map((store) => new CircuitBreaker({ name: 'p', failureThreshold: 1, resetTimeout: 1, halfOpenMaxCalls: 3, store }));
    probers[1]!.afterAttempt(ctx, failed);
    await until(() => probers.every((b) => b.state !== 'closed'));
    const probes = await Promise.all(probers.flatMap((b) => [b.beforeAttempt(ctx), b.beforeAttempt(ctx), b.beforeAttempt(ctx)]));
    expect(granted(probes)).toBe(3);
    expect((await stored('p', 'circuit-breaker')).probes).toHaveLength(3);
  });

  it('3 processes: exact deposits, exact grants, exactly halfOpenMaxCalls trials', async () => {
    const opener = new CircuitBreaker({ name: 'breaker', failureThreshold: 1, resetTimeout: 1, halfOpenMaxCalls: 3, store: many()[0]! });
    opener.afterAttempt(ctx, failed);
    await until(async () => (await stored('breaker', 'circuit-breaker'))?.phase === 'open');
    const script = resolve(__dirname, 'fixtures/contender.ts');
    const children: ChildProcessWithoutNullStreams[] = [];
    const said = (child: ChildProcessWithoutNullStreams, word: string) =>
      new Promise<string>((done, fail) => {
        let out = '';
        const onData = (d: Buffer) => {
          out += d.toString();
          const line = out.split('\n').find((l) => l.startsWith(word));
          if (line !== undefined) {
            child.stdout.off('data', onData);
            done(line);
          }
        };
        child.stdout.on('data', onData);
        child.once('exit', (code) => fail(new Error(`contender exited with ${code} before "${word}"`)));
      });
    for (let i = 0; i < 3; i++) children.push(spawn(process.execPath, ['--import', 'tsx', script, redisUrl, prefix, String(25 * (i + 1)), '40'], { stdio: 'pipe' }));
    try {
      await Promise.all(children.map((c) => said(c, 'ready')));
      const deposited = children.map((c) => said(c, 'deposited'));
      for (const c of children) c.stdin.write('deposit\n');
      await Promise.all(deposited);
      const state = await stored('ratio', 'ratio-retry-budget');
      expect(state.window.counts.reduce((a: number, n: number, i: number) => (i % 2 === 0 ? a + n : a), 0)).toBe(150); // 25 + 50 + 75
      const results = children.map((c) => said(c, '{'));
      for (const c of children) c.stdin.write('ask\n');
      const granted = (await Promise.all(results)).map((line) => JSON.parse(line) as Record<string, number>);
      const total = (k: string) => granted.reduce((a, g) => a + g[k]!, 0);
      expect({ retries: total('retries'), tokens: total('tokens'), probes: total('probes'), fallbacks: total('fallbacks') }).toEqual({ retries: 15, tokens: 50, probes: 3, fallbacks: 0 });
    } finally {
      for (const c of children) c.kill();
    }
  }, 60_000);
});
