import { RatioRetryBudget } from '../../src/strategies/ratio-retry-budget';
import { RetryBudget } from '../../src/strategies/retry-budget.js';
import { TokenBucketRetryBudget } from '../../src/strategies/token-bucket-retry-budget';
import { ManualClock } from '../../src/testing/manual-clock';
import * as barrel from '../../src/strategies/index';

describe('RetryBudget factories', () => {
  it('RetryBudget.ratio builds a RatioRetryBudget with the given options', () => {
    const budget = RetryBudget.ratio({ ratio: 0.25, clock: new ManualClock() });
    expect(budget).toBeInstanceOf(RatioRetryBudget);
    expect(budget).toBeInstanceOf(RetryBudget);
    expect(budget.ratio).toBe(0.25);
  });

  it('RetryBudget.tokenBucket builds a TokenBucketRetryBudget with the given options', () => {
    const budget = RetryBudget.tokenBucket({ capacity: 50 });
    expect(budget).toBeInstanceOf(TokenBucketRetryBudget);
    expect(budget).toBeInstanceOf(RetryBudget);
    expect(budget.tokens).toBe(50);
  });

  it('the factories validate like the constructors', () => {
    expect(() => RetryBudget.ratio({ ratio: -1 })).toThrow(RangeError);
    expect(() => RetryBudget.tokenBucket({ capacity: 'big' as never })).toThrow(TypeError);
  });

  it('can be extended with a custom policy the loop can use', () => {
    class NoRetries extends RetryBudget {
      calls = 0;
      get available(): number {
        return 0;
      }
      onCall(): void {
        this.calls++;
      }
      tryRetry(): boolean {
        return false;
      }
      onSuccess(): void {}
    }
    const budget = new NoRetries();
    budget.onCall();
    expect(budget.tryRetry()).toBe(false);
    expect(budget.calls).toBe(1);
    expect(budget).toBeInstanceOf(RetryBudget);
  });
});

describe('the policies barrel', () => {
  it('exports RetryBudget with its factories attached', () => {
    expect(typeof barrel.RetryBudget.ratio).toBe('function');
    expect(barrel.RetryBudget.tokenBucket()).toBeInstanceOf(barrel.TokenBucketRetryBudget);
  });
});
