/**
 * The error pack for node-postgres (`pg` and its pool, `pg-pool`): which of their errors a
 * retry can cure. Reads error shapes only (the server's SQLSTATE in `code`, the client's own
 * messages); imports nothing from `pg`.
 *
 * Entry point: `maestro-retry/packs/pg`.
 */
import type { ErrorClassifier, ErrorVerdict } from '../decision/classifier.js';
import { classifierOf, readFlags, socketAnswer, stringOf } from './pack.js';

/** Options of {@link pgErrors}. */
export interface PgErrorsOptions {
  /**
   * Retry `08007` (transaction_resolution_unknown) and `40003` (statement_completion_unknown,
   * CockroachDB's "result is ambiguous"). The server cannot say whether the transaction
   * committed, so a retry may apply it twice: turn this on only for transactions that are
   * safe to run twice (idempotent writes, or a unique key that makes the second run fail).
   * @default false (both are permanent)
   */
  readonly retryUnknownOutcome?: boolean;
}

/**
 * SQLSTATEs after which running the transaction again can succeed. The classes follow
 * PostgreSQL's Appendix A (errcodes.txt); the codes of a class not listed here are permanent.
 */
const TRANSIENT_STATES: ReadonlySet<string> = new Set([
  // Class 08, connection exception (not 08007, outcome unknown, nor 08P01, protocol violation).
  '08000', '08001', '08003', '08004', '08006',
  // Class 40, transaction rollback: the server rolled the transaction back (not 40002, an
  // integrity violation at commit, nor 40003, outcome unknown).
  '40000', '40001', '40P01',
  // Class 53, insufficient resources (53300 is throttling; 53400, a configured limit, is permanent).
  '53000', '53100', '53200',
  // 55P03 lock_not_available: NOWAIT, or lock_timeout ran out.
  '55P03',
  // Class 57: admin_shutdown (also pg_terminate_backend), crash_shutdown, cannot_connect_now
  // (starting up, shutting down, in recovery), idle_session_timeout. Not 57P04 database_dropped.
  '57P01', '57P02', '57P03', '57P05',
  // Sessions ended by idle_in_transaction_session_timeout and transaction_timeout.
  '25P03', '25P04',
  // snapshot_too_old: a new transaction takes a new snapshot.
  '72000',
]);

/** What a DatabaseError from a PostgreSQL server carries in `code`: five digits or capitals. */
const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * The messages of errors that `pg` and `pg-pool` make themselves (they carry no code). The
 * client closed by the program stays closed: permanent.
 */
const CLIENT_MESSAGES: ReadonlyMap<string, ErrorVerdict> = new Map<string, ErrorVerdict>([
  ['Connection terminated unexpectedly', 'transient'],
  ['Client has encountered a connection error and is not queryable', 'transient'],
  ['Connection terminated due to connection timeout', 'transient'],
  ['timeout expired', 'transient'],
  ['timeout exceeded when trying to connect', 'transient'],
  ['Query read timeout', 'transient'],
  ['Connection terminated', 'permanent'],
  ['Client was closed and is not queryable', 'permanent'],
  ['Cannot use a pool after calling end on the pool', 'permanent'],
]);

function judgeServerError(state: string, message: string, retryUnknownOutcome: boolean): ErrorVerdict {
  if (state === '08007' || state === '40003') return retryUnknownOutcome ? 'transient' : 'permanent';
  if (state === '53300') return 'throttling';
  // query_canceled: a statement_timeout is worth another try, a cancel request (pg_cancel_backend,
  // client.cancel) asked for the statement to stop. The server's message is the only difference.
  if (state === '57014') return /statement timeout/.test(message) ? 'transient' : 'permanent';
  return TRANSIENT_STATES.has(state) ? 'transient' : 'permanent';
}

/**
 * A classifier for the errors of node-postgres, to give in the `classify` option.
 *
 * - `'transient'`: serialization failure (`40001`) and deadlock (`40P01`), the rest of class 40
 *   but `40002`/`40003`; connection exceptions (`08000`, `08001`, `08003`, `08004`, `08006`);
 *   `53000`/`53100`/`53200` insufficient resources; `55P03` lock not available; `57P01`
 *   admin shutdown (also `pg_terminate_backend`), `57P02`, `57P03` cannot connect now, `57P05`;
 *   `25P03`/`25P04` session timeouts; `72000`; `57014` after a `statement_timeout`; the client's
 *   "Connection terminated unexpectedly", "... not queryable" after a connection error, its
 *   connect and read timeouts; ECONNREFUSED, ECONNRESET and the other socket errors the default
 *   classification retries.
 * - `'throttling'`: `53300` too_many_connections.
 * - `'permanent'`: every other SQLSTATE (integrity `23xxx`, syntax and access `42xxx`, data
 *   `22xxx`, ...), `57014` after a cancel request, `08007`/`40003` (outcome unknown) unless
 *   `retryUnknownOutcome`, and a client or pool the program has closed.
 * - `undefined` for any other error: the next classifier, or the default, decides.
 *
 * The error's `cause` chain is read too. A deadlock or a serialization failure rolls the whole
 * transaction back: the function given to `retry()` must run the whole transaction (BEGIN to
 * COMMIT, on a client it takes from the pool), never one statement of it.
 *
 * @example
 * import { retry } from 'maestro-retry';
 * import { pgErrors } from 'maestro-retry/packs/pg';
 *
 * await retry(async () => {
 *   const client = await pool.connect();
 *   try {
 *     await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
 *     await client.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [10, from]);
 *     await client.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [10, to]);
 *     await client.query('COMMIT');
 *     client.release();
 *   } catch (error) {
 *     await client.query('ROLLBACK').then(() => client.release(), () => client.release(true));
 *     throw error;
 *   }
 * }, { classify: [pgErrors()] });
 */
export function pgErrors(options?: PgErrorsOptions): ErrorClassifier {
  const { retryUnknownOutcome } = readFlags('pgErrors', options, { retryUnknownOutcome: false });
  return classifierOf((error) => {
    const state = stringOf(error, 'code');
    const message = stringOf(error, 'message') ?? '';
    if (state !== undefined && SQLSTATE.test(state) && stringOf(error, 'severity') !== undefined) {
      return judgeServerError(state, message, retryUnknownOutcome);
    }
    return CLIENT_MESSAGES.get(message) ?? socketAnswer(error);
  });
}
