/**
 * The seam through which knowledge of a client's errors (the error packs, or a user's own
 * function) joins the default classification. Types only.
 */

/**
 * What a classifier says of an error:
 * - `'transient'`: a failure that may pass; retry it;
 * - `'throttling'`: the server asks the client to slow down; retry it, and tell the rate
 *   limiter (as for HTTP 429);
 * - `'permanent'`: retrying cannot help; give up.
 */
export type ErrorVerdict = 'transient' | 'throttling' | 'permanent';

/** A verdict with the server's own pushback, where the protocol carries one. */
export interface ErrorClassification {
  /** What the classifier says of the error. */
  readonly verdict: ErrorVerdict;
  /**
   * The wait the server asked for, in ms (HTTP `Retry-After`, gRPC `grpc-retry-pushback-ms`).
   * Treated like a `Retry-After`: the next delay is at least this, and a wait past `maxDelay`
   * or the call's deadline ends the call with reason `'retry-after'`.
   */
  readonly retryAfterMs?: number;
}

/**
 * Classifies an error, or returns `undefined` when it does not know it (the next classifier,
 * and finally the default `isTransientError`, decide). Given in the `classify` option, alone
 * or in a list; the first answer that is not `undefined` wins.
 *
 * @example
 * import { pgErrors } from 'maestro-retry/packs/pg';
 * await retry(() => pool.query(sql), { classify: [pgErrors()] });
 */
export type ErrorClassifier = (error: unknown) => ErrorVerdict | ErrorClassification | undefined;
