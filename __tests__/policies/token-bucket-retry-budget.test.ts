import fc from 'fast-check';
import { TokenBucketRetryBudget } from '../../src/strategies/token-bucket-retry-budget';

describe('TokenBucketRetryBudget', () => {
  it('uses the AWS SDK standard quota as defaults and starts full', () => {
    const b = new TokenBucketRetryBudget();
    expect([b.capacity, b.retryCost, b.timeoutCost, b.successRefund]).toEqual([500, 5, 10, 1]);
    expect(b.stats).toEqual({ tokens: 500, capacity: 500, available: 100 });
  });

  it('a retry costs retryCost, a retry after a timeout timeoutCost', () => {
    const b = new TokenBucketRetryBudget();
    expect(b.tryRetry(false)).toBe(true);
    expect(b.tokens).toBe(495);
    expect(b.tryRetry(true)).toBe(true);
    expect(b.tokens).toBe(485);
  });

  it('grants 100 retries from a full default bucket, then refuses', () => {
    const b = new TokenBucketRetryBudget();
    let granted = 0;
    while (b.tryRetry(false)) granted++;
    expect(granted).toBe(100);
    expect(b.tokens).toBe(0);
    expect(b.available).toBe(0);
  });

  it('refuses a retry it cannot pay for in full and keeps the tokens', () => {
    const b = new TokenBucketRetryBudget({ capacity: 14 });
    expect(b.tryRetry(true)).toBe(true);
    expect(b.tryRetry(true)).toBe(false);
    expect(b.tokens).toBe(4);
    expect(b.tryRetry(false)).toBe(false);
  });

  it('a first-try success refunds successRefund, never above capacity', () => {
    const b = new TokenBucketRetryBudget();
    b.onSuccess(false, false);
    expect(b.tokens).toBe(500);
    b.tryRetry(false);
    b.onSuccess(false, false);
    expect(b.tokens).toBe(496);
  });

  it('a successful retry refunds what it cost', () => {
    const b = new TokenBucketRetryBudget();
    b.tryRetry(false);
    b.tryRetry(true);
    b.tryRetry(true);
    expect(b.tokens).toBe(475);
    b.onSuccess(true, true);
    expect(b.tokens).toBe(485);
    b.onSuccess(true, false);
    expect(b.tokens).toBe(490);
  });

  it('calls cost nothing', () => {
    const b = new TokenBucketRetryBudget();
    b.onCall();
    expect(b.tokens).toBe(500);
  });

  it('reports Infinity available when retries are free', () => {
    expect(new TokenBucketRetryBudget({ retryCost: 0 }).available).toBe(Infinity);
  });

  it('keeps its tokens in [0, capacity] whatever happens (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('retry' as const), timeout: fc.boolean() }),
      fc.record({ kind: fc.constant('success' as const), retried: fc.boolean(), timeout: fc.boolean() }),
      fc.constant({ kind: 'call' as const }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        fc.array(op, { maxLength: 300, size: 'max' }),
        (capacity, retryCost, timeoutCost, successRefund, ops) => {
          const b = new TokenBucketRetryBudget({ capacity, retryCost, timeoutCost, successRefund });
          for (const o of ops) {
            const before = b.tokens;
            if (o.kind === 'retry') {
              const cost = o.timeout ? timeoutCost : retryCost;
              const granted = b.tryRetry(o.timeout);
              if (granted !== before >= cost) return false;
              if (b.tokens !== (granted ? before - cost : before)) return false;
            } else if (o.kind === 'success') b.onSuccess(o.retried, o.timeout);
            else b.onCall();
            if (!(b.tokens >= 0 && b.tokens <= capacity)) return false;
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    [{ capacity: 0 }, RangeError, 'RetryBudget.tokenBucket option `capacity` must be a positive finite number, got 0'],
    [{ retryCost: -5 }, RangeError, '`retryCost` must be a non-negative finite number, got -5'],
    [{ timeoutCost: null }, TypeError, '`timeoutCost` must be a non-negative finite number, got null'],
    [{ successRefund: Infinity }, RangeError, '`successRefund` must be a non-negative finite number, got Infinity'],
  ])('rejects %p', (options, Kind, message) => {
    expect(() => new TokenBucketRetryBudget(options as never)).toThrow(Kind);
    expect(() => new TokenBucketRetryBudget(options as never)).toThrow(message);
  });
});
