/**
 * What the network packs share: which HTTP statuses and network error codes are worth another
 * attempt, which failures prove a request never left the client, which requests may be sent
 * twice, and the options every pack takes. The axios, got and fetch packs judge their errors
 * with {@link judgeHttp}; the AWS pack borrows {@link networkFailure}.
 */
import type { ErrorClassification, ErrorVerdict } from '../decision/classifier.js';
import { MAX_CAUSE_DEPTH } from '../decision/classify.js';
import { header, retryAfterMs } from '../decision/retry-after.js';
import { isAttemptTimeoutError } from '../errors/attempt-timeout-error.js';
import { typeFail } from '../engine/validate.js';
import { isErrorLike, safeGet } from '../observers/safe.js';

/** What a pack answers: a verdict, with the server's wait when it sent one, or `undefined` (not mine). */
export type PackAnswer = ErrorVerdict | ErrorClassification | undefined;

/** The options every pack takes. */
export interface PackOptions {
  /**
   * Whether the calls judged by this classifier are safe to run twice (a second run leaves
   * things as one run would). `true`: every call is; `false`: none is, and only failures that
   * prove the server never saw the call are retried. Left out, each pack decides: the HTTP
   * packs by the request's method and an `Idempotency-Key` header, the AWS and gRPC packs
   * treat every call as idempotent, as the AWS SDK's own retries do.
   */
  readonly idempotent?: boolean;
}

/**
 * Methods RFC 9110 (9.2.2) defines as idempotent. got's and undici's retry defaults use the
 * same six; axios-retry uses five of them (not TRACE).
 */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** Error codes of a connection that was never made: the server cannot have seen the request. */
const UNSENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH', 'EHOSTDOWN',
  'EADDRINUSE', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT',
]);

/** Error codes of a connection that broke or stalled: the server may have seen the request. */
const SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

/** System calls that fail before a request is written: name resolution and connecting. */
const UNSENT_SYSCALLS: ReadonlySet<string> = new Set(['getaddrinfo', 'connect']);

/**
 * Statuses worth another attempt: 408, 425, 500, 502, 503, 504 and Cloudflare's 521, 522 and
 * 524 (got retries these; undici retries 500, 502, 503, 504). 429 is throttling.
 */
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 425, 500, 502, 503, 504, 521, 522, 524]);

/**
 * The verdict for an HTTP status: `undefined` below 400 (not a failure), `'throttling'` for
 * 429, `'transient'` for the statuses above and for 413 when the server sent a `Retry-After`
 * (RFC 9110 15.5.14: the condition is temporary; got's rule too), else `'permanent'`.
 */
export function statusVerdict(status: number, retryAfter: number | undefined): ErrorVerdict | undefined {
  if (status < 400) return undefined;
  if (status === 429) return 'throttling';
  if (TRANSIENT_STATUSES.has(status) || (status === 413 && retryAfter !== undefined)) return 'transient';
  return 'permanent';
}

/**
 * How a network failure ended, looked for along the `cause` chain: `'unsent'` when the
 * connection was never made (refused, DNS, unreachable, connect timeout: the server never saw
 * the request), `'sent'` when a made connection broke or stalled (reset, timeout, an
 * `AttemptTimeoutError` or `TimeoutError`), `undefined` when `error` is no network failure.
 */
export function networkFailure(error: unknown): 'unsent' | 'sent' | undefined {
  let link = error;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH && isErrorLike(link); depth++) {
    const code = safeGet(link, 'code');
    const syscall = safeGet(link, 'syscall');
    if (typeof code === 'string') {
      if (UNSENT_CODES.has(code)) return 'unsent';
      // An ETIMEDOUT or ECONNRESET while connecting also means nothing was sent.
      if (SENT_CODES.has(code)) return typeof syscall === 'string' && UNSENT_SYSCALLS.has(syscall) ? 'unsent' : 'sent';
    }
    if (isAttemptTimeoutError(link) || safeGet(link, 'name') === 'TimeoutError') return 'sent';
    link = safeGet(link, 'cause');
  }
  return undefined;
}

/** Whether `headers` (a `Headers`, `AxiosHeaders` or plain object) hold a non-empty `Idempotency-Key`. */
export function hasIdempotencyKey(headers: unknown): boolean {
  const key = header(headers, 'idempotency-key');
  return (typeof key === 'string' && key.trim() !== '') || typeof key === 'number';
}

/**
 * Whether a request may be sent twice: `idempotent` when the user said so; else when it
 * carries an `Idempotency-Key` header, or its method is GET, HEAD, OPTIONS, TRACE, PUT or
 * DELETE (any case). A request whose method is unknown is not.
 */
export function isIdempotentRequest(method: unknown, headers: unknown, idempotent: boolean | undefined): boolean {
  if (idempotent !== undefined) return idempotent;
  if (hasIdempotencyKey(headers)) return true;
  return typeof method === 'string' && IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/** What a pack read from a failure of its client, for {@link judgeHttp}. */
export interface HttpFacts {
  /** The response's status, when a response came back. */
  readonly status?: number | undefined;
  /** What the pack knows of a network failure no error code tells (got's connect timeout, axios's ERR_NETWORK). */
  readonly network?: 'unsent' | 'sent' | undefined;
  /** The request's method, as the client holds it (any case). */
  readonly method: unknown;
  /** The request's headers: a `Headers`, `AxiosHeaders` or plain object. */
  readonly headers: unknown;
  /** The pack's `idempotent` option. */
  readonly idempotent: boolean | undefined;
}

/**
 * Judges a failure a pack recognised as its client's: by its HTTP status when a response came
 * back, else as a network failure. A retryable verdict on a request that is not idempotent
 * becomes `'permanent'` unless the failure proves the request was never sent. A failure
 * judged neither way is left to the next classifier when the request may be sent twice, and
 * is `'permanent'` when it may not (so no later rule retries a POST blindly). The server's
 * `Retry-After` (or `retry-after-ms`) rides along with a retryable verdict.
 */
export function judgeHttp(error: unknown, facts: HttpFacts): PackAnswer {
  const safeTwice = isIdempotentRequest(facts.method, facts.headers, facts.idempotent);
  let verdict: ErrorVerdict | undefined;
  let sent = true;
  let hint: number | undefined;
  if (facts.status !== undefined && facts.status >= 400) {
    hint = retryAfterMs(error, Date.now);
    verdict = statusVerdict(facts.status, hint);
  } else {
    const failure = facts.network ?? networkFailure(error);
    if (failure !== undefined) verdict = 'transient';
    sent = failure !== 'unsent';
  }
  if (verdict === undefined) return safeTwice ? undefined : 'permanent';
  if (verdict === 'permanent' || (sent && !safeTwice)) return 'permanent';
  return hint === undefined ? verdict : { verdict, retryAfterMs: hint };
}

/**
 * Validates a pack's options object: `undefined` or an object whose `idempotent` is a boolean
 * or `undefined`. Throws a `TypeError` naming the pack's option and the value.
 */
export function checkPackOptions<O extends PackOptions>(pack: string, options: O | undefined): O | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) typeFail(pack, 'an options object or undefined', options);
  const idempotent = safeGet(options, 'idempotent');
  if (idempotent !== undefined && typeof idempotent !== 'boolean') typeFail(`${pack}.idempotent`, 'a boolean or undefined', idempotent);
  return options;
}
