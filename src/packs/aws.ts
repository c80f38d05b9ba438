/**
 * The AWS SDK v3 error pack (`maestro-retry/packs/aws`): the SDK's own knowledge of which
 * service and network errors are throttling or transient (`@smithy/service-error-classification`),
 * for retries the SDK does not do itself. Reads error shapes only; imports nothing from the SDK.
 */
import type { ErrorClassifier, ErrorVerdict } from '../decision/classifier.js';
import { MAX_CAUSE_DEPTH, THROTTLING_CODES } from '../decision/classify.js';
import { header, retryAfterMs } from '../decision/retry-after.js';
import { isErrorLike, safeGet } from '../observers/safe.js';
import { checkPackOptions, networkFailure, type PackAnswer, type PackOptions } from './http.js';

export type { PackOptions } from './http.js';

/**
 * Options of {@link awsErrors}. `idempotent` defaults to `true`, as the SDK's own retry
 * strategy retries every operation alike; give `false` for a call that must not run twice
 * (an SQS `SendMessage` without deduplication, say).
 */
export type AwsErrorsOptions = PackOptions;

/** Error names the SDK retries as transient (its TRANSIENT_ERROR_CODES). */
const TRANSIENT_NAMES: ReadonlySet<string> = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

/** Statuses the SDK retries as transient (its TRANSIENT_ERROR_STATUS_CODES); other 5xx it does not. */
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

function statusOf(error: unknown): unknown {
  return safeGet(safeGet(error, '$metadata'), 'httpStatusCode');
}

/** The SDK's isThrottlingError: status 429, a throttling error name, or a `$retryable` trait that says throttling. */
function isThrottling(error: unknown): boolean {
  const name = safeGet(error, 'name');
  return statusOf(error) === 429 || (typeof name === 'string' && THROTTLING_CODES.has(name)) || safeGet(safeGet(error, '$retryable'), 'throttling') === true;
}

/** An HTTP/2 stream the server refused: it did not process the request (RFC 9113 8.7). */
function isRefusedStream(error: unknown): boolean {
  const message = safeGet(error, 'message');
  return safeGet(error, 'code') === 'ERR_HTTP2_STREAM_ERROR' && typeof message === 'string' && message.includes('NGHTTP2_REFUSED_STREAM');
}

/** The SDK's isTransientError for one link of the cause chain (the network codes are {@link networkFailure}'s). */
function isTransientLink(error: object): boolean {
  const name = safeGet(error, 'name');
  const message = safeGet(error, 'message');
  const status = statusOf(error);
  return safeGet(error, '$retryable') !== undefined
    || safeGet(safeGet(error, '$metadata'), 'clockSkewCorrected') === true
    || (name === 'InvalidSignatureException' && typeof message === 'string' && message.includes('Signature expired'))
    || (typeof name === 'string' && TRANSIENT_NAMES.has(name))
    || (typeof status === 'number' && TRANSIENT_STATUSES.has(status))
    || isRefusedStream(error);
}

function isTransient(error: unknown): boolean {
  let link = error;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH && isErrorLike(link); depth++) {
    if (safeGet(link, 'name') === 'AbortError') return false;
    if (isTransientLink(link)) return true;
    link = safeGet(link, 'cause');
  }
  return networkFailure(error) !== undefined;
}

/** The server's wait: `x-amz-retry-after` (ms), else `Retry-After`, on the raw response the SDK keeps in `$response`. */
function pushbackOf(error: unknown): number | undefined {
  const response = safeGet(error, '$response');
  const amz = header(safeGet(response, 'headers'), 'x-amz-retry-after');
  const ms = typeof amz === 'string' && /^\d+$/.test(amz.trim()) ? Number(amz) : undefined;
  return ms ?? retryAfterMs(response, Date.now);
}

/**
 * A classifier for AWS SDK v3 errors (anything with the SDK's `$metadata`), for the
 * `classify` option, by the SDK's own rules (`@smithy/service-error-classification`):
 * - `'throttling'`: HTTP 429, a throttling error name (`ThrottlingException`, `Throttling`,
 *   `TooManyRequestsException`, `ProvisionedThroughputExceededException`,
 *   `RequestLimitExceeded`, `SlowDown`, ... the SDK's 14 names), or a `$retryable` trait
 *   with `throttling: true`;
 * - `'transient'`: any `$retryable` trait, HTTP 500, 502, 503 or 504, `TimeoutError`,
 *   `RequestTimeout`, `RequestTimeoutException`, a network code (`ECONNRESET`,
 *   `ECONNREFUSED`, `EPIPE`, `ETIMEDOUT`, `ENOTFOUND`, ...), a corrected clock skew, an
 *   expired signature, an HTTP/2 stream the server refused, here or along the `cause` chain;
 * - `'permanent'`: every other SDK error: `ValidationException`, `AccessDeniedException`,
 *   `ResourceNotFoundException`, `ConditionalCheckFailedException`, a 501, an `AbortError`.
 *
 * A retryable verdict carries the server's `x-amz-retry-after` (ms) or `Retry-After` as
 * `retryAfterMs`. With `idempotent: false`, only throttling and failures that prove the
 * request was never sent (refused connection, DNS, refused stream) are retried. Give the
 * client `maxAttempts: 1` so its own retries and these do not multiply. Errors that are not
 * the SDK's: `undefined`.
 *
 * @example
 * import { awsErrors } from 'maestro-retry/packs/aws';
 * const client = new DynamoDBClient({ maxAttempts: 1 });
 * const item = await retry(() => client.send(new GetItemCommand(input)), { classify: [awsErrors()] });
 */
export function awsErrors(options?: AwsErrorsOptions): ErrorClassifier {
  const idempotent = checkPackOptions('awsErrors', options)?.idempotent ?? true;
  return (error) => classifyAwsError(error, idempotent);
}

function classifyAwsError(error: unknown, idempotent: boolean): PackAnswer {
  const metadata = safeGet(error, '$metadata');
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  let verdict: ErrorVerdict = 'permanent';
  if (isThrottling(error)) verdict = 'throttling';
  else if (isTransient(error)) {
    verdict = idempotent || networkFailure(error) === 'unsent' || isRefusedStream(error) ? 'transient' : 'permanent';
  }
  if (verdict === 'permanent') return verdict;
  const hint = pushbackOf(error);
  return hint === undefined ? verdict : { verdict, retryAfterMs: hint };
}
