/**
 * The got error pack (`maestro-retry/packs/got`): which of got's errors are worth another
 * attempt. Reads error shapes only; imports nothing from got.
 */
import type { ErrorClassifier } from '../decision/classifier.js';
import { safeGet } from '../observers/safe.js';
import { checkPackOptions, judgeHttp, type PackAnswer, type PackOptions } from './http.js';

export type { PackOptions } from './http.js';

/**
 * Options of {@link gotErrors}. Left out, `idempotent` follows the request: its method
 * (`error.options.method`) and an `Idempotency-Key` header (`error.options.headers`).
 */
export type GotErrorsOptions = PackOptions;

/** The `name`s of got's error classes (got 12 to 14). */
const GOT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'RequestError', 'HTTPError', 'TimeoutError', 'ReadError', 'UploadError', 'CacheError',
  'MaxRedirectsError', 'ParseError', 'RetryError', 'AbortError',
]);

/** Errors no retry can mend: the caller aborted, a redirect loop, a body that does not parse. */
const PERMANENT_NAMES: ReadonlySet<string> = new Set(['AbortError', 'MaxRedirectsError', 'ParseError']);

/** got's timeout events before the request is written: the server never saw it. */
const UNSENT_EVENTS: ReadonlySet<string> = new Set(['lookup', 'connect', 'secureConnect']);

/**
 * A classifier for got's errors (a got error `name` with its `options`), for the `classify`
 * option:
 * - `HTTPError`: status 429 `'throttling'`; 408, 425, 500, 502, 503, 504, 521, 522, 524 (and
 *   413 with a `Retry-After`) `'transient'`, with the server's `Retry-After` as
 *   `retryAfterMs`; any other status `'permanent'`;
 * - `TimeoutError`: `'transient'`; a timeout in the `lookup`, `connect` or `secureConnect`
 *   phase proves the request was never sent;
 * - `RequestError` and `ReadError` with a network code: a refused connection or failed DNS
 *   lookup (`ECONNREFUSED`, `ENOTFOUND`, ...) proves the request was never sent; a reset
 *   (`ECONNRESET`, `EPIPE`) is `'transient'`;
 * - `AbortError`, `MaxRedirectsError`, `ParseError`: `'permanent'`.
 *
 * A request that is not idempotent (POST, PATCH, unless it carries an `Idempotency-Key` or
 * `idempotent: true` is given) is retried only when it was never sent; any other failure of
 * it is `'permanent'`. Turn got's own retries off (`retry: { limit: 0 }`) so the two do not
 * multiply. Errors that are not got's: `undefined`.
 *
 * @example
 * import { gotErrors } from 'maestro-retry/packs/got';
 * const body = await retry(() => got(url, { retry: { limit: 0 } }).json(), { classify: [gotErrors()] });
 */
export function gotErrors(options?: GotErrorsOptions): ErrorClassifier {
  const idempotent = checkPackOptions('gotErrors', options)?.idempotent;
  return (error) => classifyGotError(error, idempotent);
}

function classifyGotError(error: unknown, idempotent: boolean | undefined): PackAnswer {
  const name = safeGet(error, 'name');
  const options = safeGet(error, 'options');
  if (typeof name !== 'string' || !GOT_ERROR_NAMES.has(name) || typeof options !== 'object' || options === null) return undefined;
  if (PERMANENT_NAMES.has(name)) return 'permanent';
  // Other errors may carry the response too (a ReadError after the headers came): only an
  // HTTPError is judged by its status.
  const status = name === 'HTTPError' ? safeGet(safeGet(error, 'response'), 'statusCode') : undefined;
  const event = safeGet(error, 'event');
  return judgeHttp(error, {
    status: typeof status === 'number' ? status : undefined,
    network: name === 'TimeoutError' ? (typeof event === 'string' && UNSENT_EVENTS.has(event) ? 'unsent' : 'sent') : undefined,
    method: safeGet(options, 'method'),
    headers: safeGet(options, 'headers'),
    idempotent,
  });
}
