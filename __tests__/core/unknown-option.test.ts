import { KNOWN_OPTIONS } from '../../src/engine/options.js';
import { unknownOptionError } from '../../src/engine/unknown-option.js';

const known = [...KNOWN_OPTIONS];
const message = (key: string, list: readonly string[] = known): string => unknownOptionError(key, list).message;

/** The option a message suggests, or undefined. */
const suggested = (key: string, list: readonly string[] = known): string | undefined =>
  /did you mean `([^`]+)`\?/.exec(message(key, list))?.[1];

describe('unknownOptionError', () => {
  it('is a TypeError naming the key', () => {
    const error = unknownOptionError('retries', known);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/^maestro-retry: unknown option `retries`/);
  });

  // Option names of p-retry and async-retry (and the retry package under them), cockatiel,
  // opossum, exponential-backoff, ts-retry-promise and typescript-retry-decorator.
  it.each([
    ['retries', 'maxRetries'], // p-retry, async-retry, ts-retry-promise
    ['maxAttempts', 'maxRetries'], // cockatiel, typescript-retry-decorator
    ['numOfAttempts', 'maxRetries'], // exponential-backoff
    ['forever', 'maxRetries'], // retry
    ['minTimeout', 'initialDelay'], // retry, p-retry, async-retry
    ['delay', 'initialDelay'], // ts-retry-promise
    ['startingDelay', 'initialDelay'], // exponential-backoff
    ['backOff', 'initialDelay'], // typescript-retry-decorator
    ['factor', 'backoffBase'], // retry, p-retry, async-retry
    ['timeMultiple', 'backoffBase'], // exponential-backoff
    ['exponent', 'backoffBase'], // cockatiel ExponentialBackoff
    ['multiplier', 'backoffBase'], // typescript-retry-decorator
    ['maxTimeout', 'maxDelay'], // retry, p-retry, async-retry
    ['maxBackOff', 'maxDelay'], // ts-retry-promise
    ['maxInterval', 'maxDelay'], // typescript-retry-decorator
    ['randomize', 'jitter'], // retry, async-retry
    ['onFailedAttempt', 'onRetry'], // p-retry
    ['logger', 'onRetry'], // ts-retry-promise
    ['shouldRetry', 'retryIf'], // p-retry
    ['retry', 'retryIf'], // exponential-backoff
    ['doRetry', 'retryIf'], // typescript-retry-decorator
    ['until', 'retryOnResult'], // ts-retry-promise
    ['value', 'retryOn'], // typescript-retry-decorator
    ['maxRetryTime', 'timeout'], // retry, p-retry
    ['abortController', 'signal'], // opossum
    ['name', 'operationName'], // opossum
    ['backoff', 'delayFn'], // ts-retry-promise, cockatiel
    ['halfOpenAfter', 'circuitBreaker'], // cockatiel
    ['resetTimeout', 'circuitBreaker'], // opossum
    ['errorThresholdPercentage', 'circuitBreaker'], // opossum
    ['limit', 'maxRetries'], // got, ky
    ['backoffLimit', 'maxDelay'], // got, ky
    ['calculateDelay', 'delayFn'], // got
    ['noise', 'jitter'], // got
    ['retryCondition', 'retryIf'], // axios-retry
    ['retryDelay', 'delayFn'], // axios-retry
  ])('suggests the option for %s: %s', (key, option) => {
    expect(suggested(key)).toBe(option);
  });

  it('says how a count of attempts and an `until` predicate differ from the options they map to', () => {
    expect(message('maxAttempts')).toContain('where `maxAttempts` counts every attempt (the AWS SDK), maxRetries is one less');
    expect(message('until')).toMatch(/true to retry/);
    expect(message('resetTimeout')).toContain('CircuitBreaker');
  });

  it.each([
    ['maxRetry', 'maxRetries'],
    ['intialDelay', 'initialDelay'],
    ['initalDelay', 'initialDelay'],
    ['maxretries', 'maxRetries'],
    ['max_retries', 'maxRetries'],
    ['initial-delay', 'initialDelay'],
    ['retryOnError', 'retryOn'],
    ['onGiveup', 'onGiveUp'],
    ['attemptTimout', 'attemptTimeout'],
    ['abortOnn', 'abortOn'],
    ['jiter', 'jitter'],
    ['clok', 'clock'],
    ['rateLimit', 'rateLimiter'],
    ['circuitbreaker', 'circuitBreaker'],
    ['timeoutMs', 'timeout'],
    ['maxDelayMs', 'maxDelay'],
    ['maxRetriesPerRequest', 'maxRetries'],
    ['onRetryCallback', 'onRetry'],
    ['MaxRetries', 'maxRetries'],
  ])('suggests the near option for the typo %s: %s', (key, option) => {
    expect(suggested(key)).toBe(option);
  });

  it.each(['foo', 'x', 'banana', 'concurrency', 'cache', 'unref', '__proto__', 'constructor', 'toString'])(
    'suggests nothing for %s, and lists the options instead',
    (key) => {
      expect(suggested(key)).toBeUndefined();
      expect(message(key)).toContain('known options: maxRetries, initialDelay');
    },
  );

  it('suggests only options in the list it is given', () => {
    expect(suggested('retries', ['initialDelay', 'maxDelay'])).toBeUndefined();
    expect(suggested('maxRetry', ['initialDelay', 'maxDelay'])).toBeUndefined();
    expect(suggested('delay', ['initialDelay'])).toBe('initialDelay');
  });

  it('cuts a very long key and shows an odd one as it is', () => {
    const long = 'x'.repeat(500);
    expect(message(long).length).toBeLessThan(700);
    expect(message(long)).toContain(`\`${'x'.repeat(57)}...\``);
    expect(message('')).toMatch(/^maestro-retry: unknown option ``/);
  });
});
