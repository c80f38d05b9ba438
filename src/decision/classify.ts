import { AttemptTimeoutError, isAttemptTimeoutError } from '../errors/attempt-timeout-error.js';
import { isOrMarked, markOf } from '../errors/brand.js';
import { isPermanentError, PermanentError } from '../errors/permanent-error.js';
import { TransientError } from '../errors/transient-error.js';
import { isErrorLike, safeGet } from '../observers/safe.js';

/** How many `cause` links are followed below the error itself. */
export const MAX_CAUSE_DEPTH = 10;

const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN',
  'ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH', 'EHOSTDOWN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

const TRANSIENT_MESSAGE = /timeout|timed out|connection refused|connection reset|network unreachable|temporary failure|rate limit|deadline exceeded/i;

/** Error names and codes that AWS services (and the SDK's adaptive mode) treat as throttling. */
export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottledException',
  'TooManyRequestsException', 'ProvisionedThroughputExceededException', 'TransactionInProgressException',
  'RequestLimitExceeded', 'BandwidthLimitExceeded', 'LimitExceededException', 'RequestThrottled',
  'SlowDown', 'PriorRequestNotComplete', 'EC2ThrottledException',
]);

const THROTTLING_MESSAGE = /rate.?limit|too many requests|throttl/i;

const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

/**
 * The HTTP status on `status`, `statusCode`, `response.status` (axios, ky, fetch wrappers),
 * `response.statusCode` (got, whose `HTTPError` carries no status of its own) or
 * `$metadata.httpStatusCode` (AWS SDK v3).
 */
export function httpStatusOf(error: unknown): number | undefined {
  for (const candidate of [
    safeGet(error, 'status'),
    safeGet(error, 'statusCode'),
    safeGet(safeGet(error, 'response'), 'status'),
    safeGet(safeGet(error, 'response'), 'statusCode'),
    safeGet(safeGet(error, '$metadata'), 'httpStatusCode'),
  ]) {
    if (typeof candidate === 'number' && Number.isInteger(candidate)) return candidate;
    if (typeof candidate === 'string' && /^\d{3}$/.test(candidate)) return Number(candidate);
  }
  return undefined;
}

/** The verdict one link of a cause chain gives: true/false ends the walk, undefined looks at `cause`. */
type Verdict = boolean | undefined;

function walk(error: unknown, judge: (link: object) => Verdict): boolean {
  let link = error;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH; depth++) {
    if (!isErrorLike(link)) return false;
    const verdict = judge(link);
    if (verdict !== undefined) return verdict;
    link = safeGet(link, 'cause');
  }
  return false;
}

function messageOf(link: object): string {
  const message = safeGet(link, 'message');
  return typeof message === 'string' ? message : '';
}

function judgeTransient(link: object): Verdict {
  // The brand is read once for the three classes asked about (each read of a symbol key an
  // error does not have walks its prototype chain through a megamorphic lookup).
  const mark = markOf(link);
  if (isOrMarked(link, PermanentError, mark, 'PermanentError')) return false;
  if (isOrMarked(link, TransientError, mark, 'TransientError')) return true;
  const name = safeGet(link, 'name');
  if (name === 'AbortError') return false;
  if (name === 'TimeoutError' || isOrMarked(link, AttemptTimeoutError, mark, 'AttemptTimeoutError')) return true;
  const code = safeGet(link, 'code');
  if (typeof code === 'string' && (TRANSIENT_CODES.has(code) || THROTTLING_CODES.has(code))) return true;
  // Throttling errors are transient whatever their status (AWS answers ThrottlingException with 400).
  if (typeof name === 'string' && THROTTLING_CODES.has(name)) return true;
  const status = httpStatusOf(link);
  if (status !== undefined && TRANSIENT_STATUSES.has(status)) return true;
  if (TRANSIENT_MESSAGE.test(messageOf(link))) return true;
  return undefined;
}

/**
 * Whether `error` is a temporary failure worth retrying: a network or timeout error code
 * (ECONNRESET, ETIMEDOUT, undici's UND_ERR_SOCKET, ...), a `TimeoutError` or
 * `AttemptTimeoutError`, an HTTP status of 408, 425, 429, 500, 502, 503 or 504, a message
 * mentioning a timeout, a refused or reset connection, a rate limit and the like, a
 * `TransientError`, or an error whose `cause` chain (up to 10 levels) holds one of these.
 * Never transient: a `PermanentError`, an `AbortError`, a non-error value (a thrown string).
 *
 * @example
 * isTransientError(await fetch('http://127.0.0.1:1').catch((e) => e)); // true: ECONNREFUSED in its cause
 */
export function isTransientError(error: unknown): boolean {
  return walk(error, judgeTransient);
}

function judgeThrottling(link: object): Verdict {
  if (isPermanentError(link)) return false;
  if (httpStatusOf(link) === 429) return true;
  const code = safeGet(link, 'code');
  if (typeof code === 'string' && THROTTLING_CODES.has(code)) return true;
  const name = safeGet(link, 'name');
  if (typeof name === 'string' && THROTTLING_CODES.has(name)) return true;
  if (THROTTLING_MESSAGE.test(messageOf(link))) return true;
  return undefined;
}

/**
 * Whether `error` says the caller is sending too fast: HTTP 429, an AWS throttling error name
 * or code (`ThrottlingException`, `SlowDown`, `TooManyRequestsException`, ...), or a message
 * about a rate limit, too many requests or throttling, here or in its `cause` chain. Throttling
 * errors are also transient; the `AdaptiveRateLimiter` slows down on them.
 *
 * @example
 * isThrottlingError(Object.assign(new Error('Too Many Requests'), { status: 429 })); // true
 */
export function isThrottlingError(error: unknown): boolean {
  return walk(error, judgeThrottling);
}

function judgeTimeout(link: object): Verdict {
  if (isAttemptTimeoutError(link) || safeGet(link, 'name') === 'TimeoutError') return true;
  const code = safeGet(link, 'code');
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return true;
  return undefined;
}

/**
 * Whether `error` is a timeout (an `AttemptTimeoutError`, a `TimeoutError`, ETIMEDOUT or an
 * undici timeout code), here or in its `cause` chain. A token-bucket budget charges more for
 * a retry after a timeout.
 *
 * @example
 * isTimeoutError(new AttemptTimeoutError(100, 1)); // true
 */
export function isTimeoutError(error: unknown): boolean {
  return walk(error, judgeTimeout);
}

/**
 * Whether `error` is a cancellation (an `AbortError`, as `fetch` and `AbortSignal` produce).
 *
 * @example
 * isAbortError(new DOMException('stop', 'AbortError')); // true
 */
export function isAbortError(error: unknown): boolean {
  return isErrorLike(error) && safeGet(error, 'name') === 'AbortError';
}
