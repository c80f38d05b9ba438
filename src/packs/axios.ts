/**
 * The axios error pack (`maestro-retry/packs/axios`): which `AxiosError`s are worth another
 * attempt. Reads error shapes only; imports nothing from axios.
 */
import type { ErrorClassifier } from '../decision/classifier.js';
import { safeGet } from '../observers/safe.js';
import { checkPackOptions, judgeHttp, networkFailure, type PackAnswer, type PackOptions } from './http.js';

export type { PackOptions } from './http.js';

/**
 * Options of {@link axiosErrors}. Left out, `idempotent` follows the request: its method
 * (`config.method`) and an `Idempotency-Key` header (`config.headers`).
 */
export type AxiosErrorsOptions = PackOptions;

/**
 * A classifier for axios errors (anything with `isAxiosError: true`), for the `classify` option:
 * - a response with status 429: `'throttling'`; 408, 425, 500, 502, 503, 504, 521, 522, 524
 *   (and 413 with a `Retry-After`): `'transient'`, with the server's `Retry-After` as
 *   `retryAfterMs`; any other status of 400 or more: `'permanent'`;
 * - no response: a refused connection or failed DNS lookup (`ECONNREFUSED`, `ENOTFOUND`, ...):
 *   `'transient'` for every method, since the server never saw the request; a reset, a
 *   timeout (`ECONNABORTED`, `ETIMEDOUT`) or `ERR_NETWORK`: `'transient'`;
 * - `ERR_CANCELED` (the caller aborted): `'permanent'`.
 *
 * A request that is not idempotent (POST, PATCH, unless it carries an `Idempotency-Key` or
 * `idempotent: true` is given) is retried only when it was never sent; any other failure of
 * it is `'permanent'`. Errors that are not axios's: `undefined`.
 *
 * @example
 * import { axiosErrors } from 'maestro-retry/packs/axios';
 * const res = await retry(() => axios.get(url, { timeout: 2_000 }), { classify: [axiosErrors()] });
 */
export function axiosErrors(options?: AxiosErrorsOptions): ErrorClassifier {
  const idempotent = checkPackOptions('axiosErrors', options)?.idempotent;
  return (error) => classifyAxiosError(error, idempotent);
}

function classifyAxiosError(error: unknown, idempotent: boolean | undefined): PackAnswer {
  if (safeGet(error, 'isAxiosError') !== true) return undefined;
  const code = safeGet(error, 'code');
  if (code === 'ERR_CANCELED') return 'permanent';
  const config = safeGet(error, 'config');
  const status = safeGet(safeGet(error, 'response'), 'status');
  return judgeHttp(error, {
    status: typeof status === 'number' ? status : undefined,
    // The browser and fetch adapters' ERR_NETWORK may carry no code of its own.
    network: networkFailure(error) ?? (code === 'ERR_NETWORK' ? 'sent' : undefined),
    method: safeGet(config, 'method'),
    headers: safeGet(config, 'headers'),
    idempotent,
  });
}
