/**
 * The one retry decision, as a pure function: the same inputs give the same verdict, in the
 * documented order (abortOn, retryIf, retryOn, classifiers, default), then attempts left, the
 * server's Retry-After against maxDelay and the deadline, and the delay against the deadline.
 */
import { normalizeBackoff } from '../../src/decision/backoff.js';
import type { ErrorClassifier } from '../../src/decision/classifier.js';
import { classifyFailure, decide, type DecisionInput, type DecisionRules } from '../../src/decision/decide.js';
import { PermanentError } from '../../src/errors/permanent-error.js';
import { TransientError } from '../../src/errors/transient-error.js';

class LockError extends Error {}

function rules(over: Partial<DecisionRules> = {}): DecisionRules {
  return {
    maxRetries: 3, backoff: normalizeBackoff({ initialDelay: 100 }), abortOn: [], retryOn: [], classify: [],
    timeout: undefined, delayFn: undefined, ...over,
  };
}

function input(over: Partial<DecisionInput> = {}): DecisionInput {
  return { operationName: 'op', attempt: 1, kind: 'error', error: new TransientError('x'), previousDelay: undefined, elapsed: () => 0, now: () => 0, ...over };
}

describe('decide: what kind of failure', () => {
  test.each<[string, Partial<DecisionRules>, unknown, boolean | undefined, string]>([
    ['a transient error by default', {}, new TransientError('x'), undefined, 'transient'],
    ['an unknown error by default', {}, new Error('bad input'), undefined, 'permanent'],
    ['HTTP 429 is throttling', {}, Object.assign(new Error('slow'), { status: 429 }), undefined, 'throttling'],
    ['abortOn beats retryIf', { abortOn: [TransientError] }, new TransientError('x'), true, 'permanent'],
    ['retryIf true retries a permanent error', {}, new PermanentError('x'), true, 'transient'],
    ['retryIf false refuses a transient error', {}, new TransientError('x'), false, 'permanent'],
    ['retryOn retries its class', { retryOn: [LockError] }, new LockError('locked'), undefined, 'transient'],
    ['retryOn beats a classifier', { retryOn: [LockError], classify: [() => 'permanent'] }, new LockError('l'), undefined, 'transient'],
    ['a classifier beats the default', { classify: [() => 'permanent'] }, new TransientError('x'), undefined, 'permanent'],
    ['the first answering classifier wins', { classify: [() => undefined, () => 'throttling', () => 'permanent'] }, new Error('x'), undefined, 'throttling'],
    ['classifiers that do not know fall back to the default', { classify: [() => undefined] }, new TransientError('x'), undefined, 'transient'],
  ])('%s', (_label, r, error, retryIfAnswer, verdict) => {
    expect(classifyFailure(rules(r), error, retryIfAnswer).verdict).toBe(verdict);
  });

  test('a classifier\'s pushback comes with its verdict', () => {
    const grpc: ErrorClassifier = () => ({ verdict: 'throttling', retryAfterMs: 750 });
    expect(classifyFailure(rules({ classify: [grpc] }), new Error('x'), undefined)).toEqual({ verdict: 'throttling', pushback: 750 });
  });
});

describe('decide: retry or give up', () => {
  test('the backoff delay for each retry, then exhausted past maxRetries', () => {
    expect([1, 2, 3].map((attempt) => decide(rules(), input({ attempt })))).toEqual([
      { retry: true, delay: 100, verdict: 'transient' }, { retry: true, delay: 200, verdict: 'transient' }, { retry: true, delay: 400, verdict: 'transient' },
    ]);
    expect(decide(rules(), input({ attempt: 4 }))).toEqual({ retry: false, reason: 'exhausted', verdict: 'transient' });
  });

  test('a non-retryable error gives up at once, whatever the attempts left', () => {
    expect(decide(rules(), input({ error: new PermanentError('no') }))).toEqual({ retry: false, reason: 'non-retryable', verdict: 'permanent' });
  });

  test('a result rejected by retryOnResult is retried like a transient failure', () => {
    expect(decide(rules(), input({ kind: 'result', error: undefined, result: 'pending' }))).toEqual({ retry: true, delay: 100, verdict: 'transient' });
  });

  test('Retry-After raises the delay; above maxDelay or past the deadline it ends the call', () => {
    const after = (s: string): unknown => Object.assign(new Error('busy'), { status: 503, headers: { 'retry-after': s } });
    expect(decide(rules(), input({ error: after('2') }))).toEqual({ retry: true, delay: 2000, verdict: 'transient' });
    expect(decide(rules(), input({ error: after('31') }))).toEqual({ retry: false, reason: 'retry-after', verdict: 'transient', retryAfterMs: 31_000 });
    expect(decide(rules({ timeout: 5000 }), input({ error: after('2'), elapsed: () => 3500 }))).toMatchObject({ retry: false, reason: 'retry-after' });
    expect(decide(rules({ timeout: 5000 }), input({ error: after('2'), elapsed: () => 2000 }))).toMatchObject({ retry: true, delay: 2000 });
  });

  test('a classifier\'s pushback is a Retry-After', () => {
    const pushback: ErrorClassifier = () => ({ verdict: 'transient', retryAfterMs: 40_000 });
    expect(decide(rules({ classify: [pushback] }), input())).toMatchObject({ retry: false, reason: 'retry-after', retryAfterMs: 40_000 });
  });

  test('a delay that would end past the deadline gives up with reason timeout', () => {
    expect(decide(rules({ timeout: 1000 }), input({ elapsed: () => 950 }))).toEqual({ retry: false, reason: 'timeout', verdict: 'transient' });
    expect(decide(rules({ timeout: 1000 }), input({ elapsed: () => 800 }))).toEqual({ retry: true, delay: 100, verdict: 'transient' });
  });

  test('delayFn gives the delay from the error, capped by maxDelay; undefined keeps the backoff', () => {
    const hinted = Object.assign(new TransientError('x'), { body: { waitMs: 700 } });
    const delayFn = (info: { error?: unknown; backoffDelay: number }): number | undefined =>
      (info.error as { body?: { waitMs: number } }).body?.waitMs;
    expect(decide(rules({ delayFn }), input({ error: hinted }))).toMatchObject({ retry: true, delay: 700 });
    expect(decide(rules({ delayFn }), input())).toMatchObject({ retry: true, delay: 100 });
    expect(decide(rules({ delayFn: () => 10 ** 9 }), input())).toMatchObject({ retry: true, delay: 30_000 });
    expect(() => decide(rules({ delayFn: () => -1 }), input())).toThrow(/option `delayFn` must return a non-negative number of ms or undefined, returned -1/);
  });

  test('the same inputs give the same decision (no hidden state)', () => {
    const r = rules({ backoff: normalizeBackoff({ initialDelay: 100, jitter: 'full', random: () => 0.25 }) });
    expect(decide(r, input({ attempt: 2 }))).toEqual(decide(r, input({ attempt: 2 })));
    expect(decide(r, input({ attempt: 2 }))).toMatchObject({ delay: 50 });
  });
});
