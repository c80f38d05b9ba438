/**
 * The error for an option key the library does not know, with the option it most likely
 * means: the name another retry library gives it (p-retry and async-retry, cockatiel, opossum,
 * exponential-backoff, ts-retry-promise, typescript-retry-decorator), or a near spelling.
 */

/** An option another library's users type, and what to say beyond the name when it differs. */
interface Alias {
  readonly option: string;
  readonly note?: string;
}

const ATTEMPTS = 'it counts the retries after the first attempt: cockatiel and typescript-retry-decorator count `maxAttempts` the same way; where `maxAttempts` counts every attempt (the AWS SDK), maxRetries is one less';
const ON_BREAKER = 'set it on the CircuitBreaker given as `circuitBreaker`';

/** Other libraries' option names (exact spelling; looked up case- and separator-blind next). */
const ALIASES: ReadonlyMap<string, Alias> = new Map<string, Alias>([
  ['retries', { option: 'maxRetries' }],
  ['maxAttempts', { option: 'maxRetries', note: ATTEMPTS }],
  ['numOfAttempts', { option: 'maxRetries', note: ATTEMPTS }],
  ['attempts', { option: 'maxRetries', note: ATTEMPTS }],
  ['tries', { option: 'maxRetries', note: ATTEMPTS }],
  ['forever', { option: 'maxRetries', note: 'retry without end with maxRetries: Infinity and a `timeout`' }],
  ['minTimeout', { option: 'initialDelay' }],
  ['delay', { option: 'initialDelay' }],
  ['startingDelay', { option: 'initialDelay' }],
  ['backOff', { option: 'initialDelay' }],
  ['minDelay', { option: 'initialDelay' }],
  ['baseDelay', { option: 'initialDelay' }],
  ['interval', { option: 'initialDelay' }],
  ['factor', { option: 'backoffBase' }],
  ['timeMultiple', { option: 'backoffBase' }],
  ['exponent', { option: 'backoffBase' }],
  ['multiplier', { option: 'backoffBase' }],
  ['maxTimeout', { option: 'maxDelay' }],
  ['maxBackOff', { option: 'maxDelay' }],
  ['maxInterval', { option: 'maxDelay' }],
  ['randomize', { option: 'jitter', note: "one of 'full', 'equal', 'decorrelated' or 'none'" }],
  ['onFailedAttempt', { option: 'onRetry' }],
  ['onFailure', { option: 'onRetry' }],
  ['logger', { option: 'onRetry', note: 'it is told of every retry' }],
  ['shouldRetry', { option: 'retryIf' }],
  ['retry', { option: 'retryIf' }],
  ['doRetry', { option: 'retryIf' }],
  ['retryCondition', { option: 'retryIf' }],
  ['until', { option: 'retryOnResult', note: 'its predicate returns true to retry, the opposite of until' }],
  ['value', { option: 'retryOn', note: 'the error classes to retry' }],
  ['maxRetryTime', { option: 'timeout', note: 'it bounds the whole call, in ms' }],
  ['abortController', { option: 'signal', note: 'give the controller\'s signal' }],
  ['abortSignal', { option: 'signal' }],
  ['name', { option: 'operationName' }],
  ['backoff', { option: 'delayFn', note: 'for a delay of your own; the exponential backoff is initialDelay, backoffBase and maxDelay' }],
  ['breaker', { option: 'circuitBreaker' }],
  ['halfOpenAfter', { option: 'circuitBreaker', note: ON_BREAKER }],
  ['resetTimeout', { option: 'circuitBreaker', note: ON_BREAKER }],
  ['errorThresholdPercentage', { option: 'circuitBreaker', note: ON_BREAKER }],
  ['volumeThreshold', { option: 'circuitBreaker', note: ON_BREAKER }],
  ['retryBudget', { option: 'budget' }],
  // got and ky (`retry: { limit, backoffLimit, noise, calculateDelay }`), axios-retry, ioredis
  ['limit', { option: 'maxRetries' }],
  ['maxRetriesPerRequest', { option: 'maxRetries' }],
  ['backoffLimit', { option: 'maxDelay' }],
  ['noise', { option: 'jitter', note: "one of 'full', 'equal', 'decorrelated' or 'none'" }],
  ['calculateDelay', { option: 'delayFn' }],
  ['retryDelay', { option: 'delayFn', note: 'or initialDelay for a number of ms' }],
  // common spellings of the same ideas
  ['backoffFactor', { option: 'backoffBase' }],
  ['backoffMultiplier', { option: 'backoffBase' }],
  ['exponentialBase', { option: 'backoffBase' }],
  ['minRetryDelay', { option: 'initialDelay' }],
  ['retryInterval', { option: 'initialDelay' }],
  ['timeoutPerAttempt', { option: 'attemptTimeout' }],
  ['perAttemptTimeout', { option: 'attemptTimeout' }],
  ['maxElapsedTime', { option: 'timeout', note: 'it bounds the whole call, in ms' }],
  ['deadline', { option: 'timeout', note: 'it bounds the whole call, in ms' }],
]);

/** Lower case, without `_`, `-` or spaces: `max_retries` and `MaxRetries` read as `maxretries`. */
function bare(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

/** {@link bare}, and singular: `maxRetries` and `maxRetry` read alike. */
function stem(key: string): string {
  return bare(key).replace(/ies$/, 'y').replace(/s$/, '');
}

/** Edit distance with adjacent transpositions (optimal string alignment). */
function distance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

function aliasOf(key: string): Alias | undefined {
  const exact = ALIASES.get(key);
  if (exact !== undefined) return exact;
  const wanted = bare(key);
  for (const [name, alias] of ALIASES) if (bare(name) === wanted) return alias;
  return undefined;
}

/**
 * The known option nearest `key`'s spelling: the fewest edits (at most 1 for a key of up to 4
 * letters, 2 up to 9, else 3), else one that the key starts with or that starts with the key
 * (`timeoutMs`, `retryOnError`, `rateLimit`), for a key of 5 letters or more.
 */
function nearest(key: string, known: readonly string[]): string | undefined {
  const k = stem(key);
  const limit = k.length <= 4 ? 1 : k.length <= 9 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const option of known) {
    const d = distance(k, stem(option));
    if (d < bestDistance) [best, bestDistance] = [option, d];
  }
  if (best !== undefined || k.length < 5) return best;
  const b = bare(key);
  let longest = 0;
  for (const option of known) {
    const o = bare(option);
    const s = stem(option);
    const related = b.startsWith(o) || b.startsWith(s) || o.startsWith(b) || o.startsWith(k);
    if (s.length >= 5 && related && s.length > longest) [best, longest] = [option, s.length];
  }
  return best;
}

function shown(key: string): string {
  return key.length > 60 ? `${key.slice(0, 57)}...` : key;
}

/**
 * A `TypeError` naming the unknown option `key`. It suggests the option of `known` the key
 * most likely means: the one another retry library's option of that name maps to (with what
 * differs, where something does), else the nearest spelling; with no suggestion, it lists
 * `known`.
 *
 * @example
 * unknownOptionError('retries', [...KNOWN_OPTIONS]).message;
 * // "maestro-retry: unknown option `retries`: did you mean `maxRetries`?"
 */
export function unknownOptionError(key: string, known: readonly string[]): TypeError {
  const alias = aliasOf(key);
  const suggestion = alias !== undefined && known.includes(alias.option) ? alias : undefined;
  const option = suggestion?.option ?? nearest(key, known);
  const head = `maestro-retry: unknown option \`${shown(key)}\``;
  if (option === undefined) return new TypeError(`${head} (known options: ${known.join(', ')})`);
  const note = suggestion?.note === undefined ? '' : ` (${suggestion.note})`;
  return new TypeError(`${head}: did you mean \`${option}\`?${note}`);
}
