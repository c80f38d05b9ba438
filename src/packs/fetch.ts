/**
 * The fetch and undici error pack (`maestro-retry/packs/fetch`): which failures of the global
 * `fetch` (Node's is undici) and of undici's own API are worth another attempt, and which
 * responses (fetch does not throw on a status) are. Reads error shapes only; imports nothing
 * from undici.
 */
import type { ErrorClassifier } from '../decision/classifier.js';
import { retryAfterMs } from '../decision/retry-after.js';
import { typeFail } from '../engine/validate.js';
import { isErrorLike, safeGet } from '../observers/safe.js';
import { checkPackOptions, isIdempotentRequest, judgeHttp, networkFailure, statusVerdict, type PackAnswer, type PackOptions } from './http.js';

export type { PackOptions } from './http.js';

/** Request headers as fetch takes them: a `Headers`, a plain object, or a list of name/value pairs. */
export type FetchHeaders =
  | {
    /** The value of header `name`, or `null` when it is absent (as `Headers.get`). */
    get(name: string): string | null;
  }
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | readonly (readonly [string, string])[];

/**
 * The request the classifier judges failures of. fetch's errors do not carry their request,
 * so the method and headers are told here; a `RequestInit` (the second argument of `fetch`)
 * fits, and its other members are ignored. Left out, `idempotent` follows `method`
 * (default `'GET'`, as fetch's) and an `Idempotency-Key` in `headers`.
 */
export interface FetchErrorsOptions extends PackOptions {
  /** The request's method. @default 'GET' */
  readonly method?: string;
  /** The request's headers, looked at for an `Idempotency-Key`. */
  readonly headers?: FetchHeaders;
}

/** undici errors that carry a response's status (`statusCode`) and `headers`. */
const STATUS_CODES: ReadonlySet<string> = new Set(['UND_ERR_RESPONSE_STATUS_CODE', 'UND_ERR_RESPONSE', 'UND_ERR_REQ_RETRY']);

/** The request facts of `options`, validated; a list of header pairs becomes an object. */
function requestOf(label: string, options: FetchErrorsOptions | undefined): { method: string; headers: unknown; idempotent: boolean | undefined } {
  const checked = checkPackOptions(label, options);
  const method = safeGet(checked, 'method') ?? 'GET';
  if (typeof method !== 'string') typeFail(`${label}.method`, 'a string or undefined', method);
  let headers = safeGet(checked, 'headers');
  if (headers !== undefined && (typeof headers !== 'object' || headers === null)) typeFail(`${label}.headers`, 'a Headers, an object or an array of pairs', headers);
  if (Array.isArray(headers)) headers = Object.fromEntries(headers as [string, string][]);
  return { method, headers, idempotent: checked?.idempotent };
}

/**
 * A classifier for the failures of `fetch` and undici, for the `classify` option:
 * - `TypeError: fetch failed` (and undici's own errors), by the code in its `cause`: a refused
 *   connection, a failed DNS lookup or a connect timeout (`ECONNREFUSED`, `ENOTFOUND`,
 *   `UND_ERR_CONNECT_TIMEOUT`, ...) is `'transient'` for every method, since the server never
 *   saw the request; a reset socket or a stalled response (`ECONNRESET`, `UND_ERR_SOCKET`,
 *   `UND_ERR_HEADERS_TIMEOUT`, `UND_ERR_BODY_TIMEOUT`) is `'transient'`;
 * - a `TimeoutError` (from `AbortSignal.timeout`): `'transient'`; an `AbortError`: `'permanent'`;
 * - undici's status errors (`ResponseStatusCodeError`, `ResponseError`, `RequestRetryError`):
 *   status 429 `'throttling'`, 408, 425, 500, 502, 503, 504, 521, 522, 524 (and 413 with a
 *   `Retry-After`) `'transient'` with the server's `Retry-After`, any other `'permanent'`;
 * - any other undici error (`UND_ERR_INVALID_ARG`, `UND_ERR_DESTROYED`, ...): `'permanent'`.
 *
 * A request that is not idempotent (POST, PATCH, unless `options.headers` has an
 * `Idempotency-Key` or `idempotent: true` is given) is retried only when it was never sent.
 * Other errors: `undefined`. fetch resolves on an HTTP error status: pair this with
 * {@link isRetryableResponse} as `retryOnResult`.
 *
 * @param options the request's method and headers; pass the same `RequestInit` as to `fetch`.
 * @example
 * import { fetchErrors, isRetryableResponse } from 'maestro-retry/packs/fetch';
 * const init = { method: 'PUT', body };
 * const res = await retry(() => fetch(url, init), {
 *   classify: [fetchErrors(init)],
 *   retryOnResult: (r) => isRetryableResponse(r, init),
 * });
 */
export function fetchErrors(options?: FetchErrorsOptions): ErrorClassifier {
  const request = requestOf('fetchErrors', options);
  return (error) => classifyFetchError(error, request);
}

function classifyFetchError(error: unknown, request: ReturnType<typeof requestOf>): PackAnswer {
  if (!isErrorLike(error)) return undefined;
  if (safeGet(error, 'name') === 'AbortError') return 'permanent';
  const code = safeGet(error, 'code');
  const undici = typeof code === 'string' && code.startsWith('UND_ERR_');
  if (undici && STATUS_CODES.has(code)) {
    const status = safeGet(error, 'statusCode');
    return judgeHttp(error, { ...request, status: typeof status === 'number' ? status : undefined });
  }
  const network = networkFailure(error);
  if (network === undefined) {
    if (undici) return 'permanent';
    // By name, not instanceof: under Jest or in a vm the global fetch's TypeError is another realm's.
    if (safeGet(error, 'name') !== 'TypeError' || safeGet(error, 'message') !== 'fetch failed') return undefined;
  }
  return judgeHttp(error, { ...request, network });
}

/**
 * Whether a fetch `Response` (anything with a numeric `status` and `headers`) should be tried
 * again: its status is 429, 408, 425, 500, 502, 503, 504, 521, 522 or 524 (or 413 with a
 * `Retry-After`), and the request may be sent twice (by `request`, as for
 * {@link fetchErrors}). For the `retryOnResult` option: the engine then waits at least the
 * response's `Retry-After`, like for an error. A call whose retries run out rejects with a
 * `RetryExhaustedError` whose `lastResult` is the last response. Read or cancel each body you do not use (`res.body?.cancel()`), or its
 * connection stays busy until the response is collected.
 *
 * @example
 * const res = await retry(() => fetch(url), { retryOnResult: (r) => isRetryableResponse(r) });
 */
export function isRetryableResponse(response: { readonly status: number; readonly headers?: unknown }, request?: FetchErrorsOptions): boolean {
  const { method, headers, idempotent } = requestOf('isRetryableResponse(request)', request);
  const status = safeGet(response, 'status');
  if (typeof status !== 'number') typeFail('isRetryableResponse(response)', 'a Response (an object with a numeric `status`)', response);
  const verdict = statusVerdict(status, retryAfterMs(response, Date.now));
  return verdict !== undefined && verdict !== 'permanent' && isIdempotentRequest(method, headers, idempotent);
}
