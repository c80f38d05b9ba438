/**
 * The error pack for mysql2, against MySQL and MariaDB: which of its errors a retry can cure.
 * Reads error shapes only (the server's `errno` and `sqlState`, the client's `code` and
 * messages); imports nothing from `mysql2`.
 *
 * Entry point: `maestro-retry/packs/mysql2`.
 */
import type { ErrorClassifier, ErrorVerdict } from '../decision/classifier.js';
import { classifierOf, readFlags, socketAnswer, stringOf } from './pack.js';
import { safeGet } from '../observers/safe.js';

/** Options of {@link mysqlErrors}. */
export interface MysqlErrorsOptions {
  /**
   * Retry 1317 ER_QUERY_INTERRUPTED. MySQL answers with it both a `KILL QUERY` and a `KILL`
   * of the connection while a statement runs (a failover tool closing the old primary's
   * sessions); MariaDB only a `KILL QUERY` (a killed connection is 1927 there). Set `false` when
   * a killed statement must stay killed (a DBA stopping a runaway query).
   * @default true
   */
  readonly retryQueryInterrupted?: boolean;
}

/**
 * Server error numbers after which running the transaction again can succeed, and how. The
 * numbers are looked up by `errno`, not by mysql2's `code`: mysql2 names numbers after MySQL's
 * list, so a MariaDB-only error (1927, 1969) has no `code`. Numbers that MySQL and MariaDB give
 * different meanings (4031) are left out.
 */
const SERVER_ERRORS: ReadonlyMap<number, ErrorVerdict> = new Map<number, ErrorVerdict>([
  [1205, 'transient'], // ER_LOCK_WAIT_TIMEOUT (InnoDB rolls back the statement, not the transaction)
  [1213, 'transient'], // ER_LOCK_DEADLOCK (the transaction is rolled back; also Galera's certification failure)
  [1614, 'transient'], // ER_XA_RBDEADLOCK
  [3572, 'transient'], // ER_LOCK_NOWAIT (MySQL; MariaDB answers NOWAIT with 1205)
  [1053, 'transient'], // ER_SERVER_SHUTDOWN
  [1927, 'transient'], // ER_CONNECTION_KILLED (MariaDB)
  [1969, 'transient'], // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
  [3024, 'transient'], // ER_QUERY_TIMEOUT (MySQL max_execution_time)
  [1158, 'transient'], // ER_NET_READ_ERROR
  [1159, 'transient'], // ER_NET_READ_INTERRUPTED
  [1160, 'transient'], // ER_NET_ERROR_ON_WRITE
  [1161, 'transient'], // ER_NET_WRITE_INTERRUPTED
  [2006, 'transient'], // CR_SERVER_GONE_ERROR (client library number; proxies pass it on)
  [2013, 'transient'], // CR_SERVER_LOST
  [1040, 'throttling'], // ER_CON_COUNT_ERROR: max_connections
  [1203, 'throttling'], // ER_TOO_MANY_USER_CONNECTIONS: the global max_user_connections
  [1637, 'throttling'], // ER_TOO_MANY_CONCURRENT_TRXS
]);

/** Errors mysql2 makes itself, by `code` (they have no `errno` from a server). */
const CLIENT_CODES: ReadonlyMap<string, ErrorVerdict> = new Map<string, ErrorVerdict>([
  ['PROTOCOL_CONNECTION_LOST', 'transient'],
  ['PROTOCOL_SEQUENCE_TIMEOUT', 'transient'],
]);

/** Errors mysql2 makes itself with a message only. */
const CLIENT_MESSAGES: ReadonlyMap<string, ErrorVerdict> = new Map<string, ErrorVerdict>([
  ["Can't add new command when connection is in closed state", 'transient'],
  ['Queue limit reached.', 'throttling'],
  ['Pool is closed.', 'permanent'],
]);

function judgeServerError(errno: number, message: string, retryQueryInterrupted: boolean): ErrorVerdict {
  if (errno === 1317) return retryQueryInterrupted ? 'transient' : 'permanent';
  // ER_USER_LIMIT_REACHED names the resource: an account's max_user_connections frees up as its
  // connections close; its hourly limits (max_queries_per_hour, ...) outlast any retry.
  if (errno === 1226) return /max_user_connections/.test(message) ? 'throttling' : 'permanent';
  return SERVER_ERRORS.get(errno) ?? 'permanent';
}

/**
 * A classifier for the errors of mysql2 (MySQL and MariaDB), to give in the `classify` option.
 *
 * - `'transient'`: deadlock 1213 and lock wait timeout 1205 (and 1614, 3572); 1317 query
 *   interrupted (unless `retryQueryInterrupted: false`), 1927 connection killed (MariaDB);
 *   statement timeouts 1969 (MariaDB) and 3024 (MySQL); 1053 server shutdown; network errors
 *   1158-1161, 2006 and 2013; mysql2's PROTOCOL_CONNECTION_LOST, PROTOCOL_SEQUENCE_TIMEOUT and
 *   "Can't add new command when connection is in closed state"; ECONNREFUSED, ECONNRESET and
 *   the other socket errors the default classification retries.
 * - `'throttling'`: 1040 too many connections, 1203 and 1226 (max_user_connections), 1637; a
 *   pool's "Queue limit reached.".
 * - `'permanent'`: every other server error (duplicate key 1062, syntax 1064, read-only 1290
 *   and 1836, access denied 1045, ...), and a pool the program has closed.
 * - `undefined` for any other error: the next classifier, or the default, decides.
 *
 * The error's `cause` chain is read too. A deadlock rolls back the whole transaction, and a
 * lock wait timeout the statement: the function given to `retry()` must run the whole
 * transaction and roll back on any error. Retrying one statement after a deadlock would run it
 * outside the transaction that was rolled back.
 *
 * @example
 * import { retry } from 'maestro-retry';
 * import { mysqlErrors } from 'maestro-retry/packs/mysql2';
 *
 * await retry(async () => {
 *   const conn = await pool.getConnection();
 *   try {
 *     await conn.beginTransaction();
 *     await conn.query('UPDATE stock SET quantity = quantity - 1 WHERE sku = ?', [sku]);
 *     await conn.query('INSERT INTO orders (sku) VALUES (?)', [sku]);
 *     await conn.commit();
 *     conn.release();
 *   } catch (error) {
 *     await conn.rollback().then(() => conn.release(), () => conn.destroy());
 *     throw error;
 *   }
 * }, { classify: [mysqlErrors()] });
 */
export function mysqlErrors(options?: MysqlErrorsOptions): ErrorClassifier {
  const { retryQueryInterrupted } = readFlags('mysqlErrors', options, { retryQueryInterrupted: true });
  return classifierOf((error) => {
    const errno = safeGet(error, 'errno');
    const message = stringOf(error, 'message') ?? '';
    if (typeof errno === 'number' && typeof safeGet(error, 'sqlState') === 'string') {
      return judgeServerError(errno, message, retryQueryInterrupted);
    }
    // A number without a SQLSTATE: a client library's (2006, 2013), passed on by a proxy or a wrapper.
    if (typeof errno === 'number' && SERVER_ERRORS.has(errno)) return SERVER_ERRORS.get(errno);
    const code = stringOf(error, 'code');
    return (code === undefined ? undefined : CLIENT_CODES.get(code)) ?? CLIENT_MESSAGES.get(message) ?? socketAnswer(error);
  });
}
