/**
 * The gRPC error pack (`maestro-retry/packs/grpc`): which gRPC statuses are worth another
 * attempt, and the server's pushback (`grpc-retry-pushback-ms`). Reads error shapes only;
 * imports nothing from @grpc/grpc-js.
 */
import type { ErrorClassifier, ErrorVerdict } from '../decision/classifier.js';
import { header } from '../decision/retry-after.js';
import { safeGet } from '../observers/safe.js';
import { checkPackOptions, type PackAnswer, type PackOptions } from './http.js';

export type { PackOptions } from './http.js';

/**
 * Options of {@link grpcErrors}. `idempotent` defaults to `true`: gRPC has no method verb to
 * read it from; give `false` for calls that must not run twice.
 */
export type GrpcErrorsOptions = PackOptions;

/** The gRPC status codes this pack tells apart (the `code` of a grpc-js `ServiceError`). */
const DEADLINE_EXCEEDED = 4;
const RESOURCE_EXHAUSTED = 8;
const ABORTED = 10;
const UNAVAILABLE = 14;
/** The highest status code (UNAUTHENTICATED). */
const MAX_CODE = 16;

/** The metadata key of the server's pushback (gRPC retry design A6). */
const PUSHBACK_KEY = 'grpc-retry-pushback-ms';

/** A6: "an ASCII encoded signed 32-bit integer with no unnecessary leading zeros". */
const PUSHBACK_VALUE = /^-?(?:0|[1-9]\d{0,9})$/;

/**
 * The server's pushback in `metadata`: `undefined` when there is none, a wait in ms, or
 * `'stop'` when the value is negative or unparseable (A6: the server asks not to retry).
 */
export function grpcPushback(metadata: unknown): number | 'stop' | undefined {
  let value = header(metadata, PUSHBACK_KEY);
  if (Array.isArray(value)) value = value[0];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !PUSHBACK_VALUE.test(value)) return 'stop';
  const ms = Number(value);
  return ms < 0 || ms > 2 ** 31 - 1 ? 'stop' : ms;
}

/** The verdict for a status code, before pushback. */
function codeVerdict(code: number, idempotent: boolean): ErrorVerdict {
  switch (code) {
    case UNAVAILABLE:
      return 'transient';
    case RESOURCE_EXHAUSTED:
      return 'throttling';
    case DEADLINE_EXCEEDED:
    case ABORTED:
      return idempotent ? 'transient' : 'permanent';
    default:
      return 'permanent';
  }
}

/**
 * A classifier for gRPC errors (an integer `code` from 1 to 16 with a string `details`:
 * grpc-js's `ServiceError`, nice-grpc's `ClientError`), for the `classify` option:
 * - `UNAVAILABLE` (14): `'transient'`, for every call. The status docs call it "most likely a
 *   transient condition"; grpc-js reports a refused or dropped connection with it.
 * - `RESOURCE_EXHAUSTED` (8): `'throttling'`, for every call (a quota or rate limit refused
 *   it); but `'permanent'` when grpc-js raised it itself for a message over the size limit
 *   (its details say "larger than"): the same message fails again.
 * - `DEADLINE_EXCEEDED` (4): `'transient'` for idempotent calls: the next attempt gets a new
 *   deadline if each attempt sets its own (from `ctx.signal` or `attemptTimeout`) rather
 *   than one deadline for the whole call. The server may have done the work: with
 *   `idempotent: false` it is `'permanent'`.
 * - `ABORTED` (10): `'transient'` for idempotent calls (a concurrency conflict such as a
 *   failed transaction or test-and-set); the status docs ask to retry "at a higher level",
 *   so retry the function that does the whole read-modify-write. `'permanent'` with
 *   `idempotent: false`.
 * - every other code (`CANCELLED`, `UNKNOWN`, `INVALID_ARGUMENT`, `NOT_FOUND`,
 *   `ALREADY_EXISTS`, `PERMISSION_DENIED`, `FAILED_PRECONDITION`, `OUT_OF_RANGE`,
 *   `UNIMPLEMENTED`, `INTERNAL`, `DATA_LOSS`, `UNAUTHENTICATED`): `'permanent'`.
 *
 * Pushback: a `grpc-retry-pushback-ms` in the error's `metadata` that is a non-negative
 * integer comes back as `retryAfterMs` on a retryable verdict; a negative or unparseable one
 * means "do not retry" (gRPC retry design A6) and makes any code `'permanent'`. (grpc-js
 * retries by itself only when a service config sets a retry policy.) Errors that are not
 * gRPC's: `undefined`.
 *
 * @example
 * import { grpcErrors } from 'maestro-retry/packs/grpc';
 * const reply = await retry(() => new Promise((resolve, reject) =>
 *   client.getUser(request, { deadline: Date.now() + 500 }, (e, r) => (e ? reject(e) : resolve(r)))),
 * { classify: [grpcErrors()] });
 */
export function grpcErrors(options?: GrpcErrorsOptions): ErrorClassifier {
  const idempotent = checkPackOptions('grpcErrors', options)?.idempotent ?? true;
  return (error) => classifyGrpcError(error, idempotent);
}

function classifyGrpcError(error: unknown, idempotent: boolean): PackAnswer {
  const code = safeGet(error, 'code');
  const details = safeGet(error, 'details');
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 1 || code > MAX_CODE || typeof details !== 'string') return undefined;
  let verdict = codeVerdict(code, idempotent);
  if (code === RESOURCE_EXHAUSTED && details.includes('larger than')) verdict = 'permanent';
  if (verdict === 'permanent') return verdict;
  const pushback = grpcPushback(safeGet(error, 'metadata'));
  if (pushback === 'stop') return 'permanent';
  return pushback === undefined ? verdict : { verdict, retryAfterMs: pushback };
}
