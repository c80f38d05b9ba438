/**
 * mysqlErrors: the verdict for each error mysql2 raises, produced with the real client against
 * the real MariaDB (127.0.0.1:3306, root, empty password, database test), and `retry()`
 * recovering once the fault clears. Errors the server cannot be made to raise on demand are
 * checked on errors shaped like mysql2's.
 */
import { createConnection, createPool, type Connection, type Pool, type PoolConnection, type RowDataPacket } from 'mysql2/promise';
import { retry } from 'maestro-retry';
import { mysqlErrors } from 'maestro-retry/packs/mysql2';
import { describeWithService, mariadb } from '../helpers/services';
import { tcpProxy } from '../helpers/tcp-proxy';
import { withPack } from './pack-options';

const pack = mysqlErrors();
const config = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' };

/** An error shaped like a server error of mysql2 (`code` is mysql2's name for the number, if any). */
function serverError(errno: number, message = 'server error', sqlState = 'HY000'): Error {
  return Object.assign(new Error(message), { errno, sqlState, sqlMessage: message });
}

describe('mysqlErrors on errors shaped like mysql2\'s', () => {
  test.each([
    [1213, 'transient'], [1205, 'transient'], [1614, 'transient'], [3572, 'transient'], [1053, 'transient'],
    [1317, 'transient'], [1927, 'transient'], [1969, 'transient'], [3024, 'transient'],
    [1158, 'transient'], [1159, 'transient'], [1160, 'transient'], [1161, 'transient'], [2006, 'transient'], [2013, 'transient'],
    [1040, 'throttling'], [1203, 'throttling'], [1637, 'throttling'],
    [1062, 'permanent'], [1064, 'permanent'], [1045, 'permanent'], [1146, 'permanent'], [1290, 'permanent'], [1836, 'permanent'],
    [4031, 'permanent'], [1180, 'permanent'],
  ])('server error %i is %s', (errno, verdict) => {
    expect(pack(serverError(errno))).toBe(verdict);
  });

  test('1226 is throttling for max_user_connections, permanent for the hourly limits', () => {
    expect(pack(serverError(1226, "User 'app' has exceeded the 'max_user_connections' resource (current value: 1)", '42000'))).toBe('throttling');
    expect(pack(serverError(1226, "User 'app' has exceeded the 'max_questions' resource (current value: 100)", '42000'))).toBe('permanent');
  });

  test('retryQueryInterrupted: false makes 1317 permanent, and nothing else', () => {
    const strict = mysqlErrors({ retryQueryInterrupted: false });
    expect(strict(serverError(1317, 'Query execution was interrupted', '70100'))).toBe('permanent');
    expect(strict(serverError(1927, 'Connection was killed', '70100'))).toBe('transient');
    expect(mysqlErrors({ retryQueryInterrupted: true })(serverError(1317))).toBe('transient');
  });

  test.each([
    [{ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }, 'Connection lost: The server closed the connection.', 'transient'],
    [{ code: 'PROTOCOL_SEQUENCE_TIMEOUT' }, 'Query inactivity timeout', 'transient'],
    [{ fatal: true }, "Can't add new command when connection is in closed state", 'transient'],
    [{}, 'Queue limit reached.', 'throttling'],
    [{}, 'Pool is closed.', 'permanent'],
    [{ errno: 2013 }, 'Lost connection to MySQL server during query', 'transient'],
  ])('the client\'s own %j "%s" is %s', (fields, message, verdict) => {
    expect(pack(Object.assign(new Error(message), fields))).toBe(verdict);
  });

  test('socket errors: the ones the default retries are transient, the others are left to it', () => {
    const socketError = (code: string, errno: number) => Object.assign(new Error(`connect ${code}`), { code, errno, syscall: 'connect', fatal: true });
    expect(pack(socketError('ECONNREFUSED', -111))).toBe('transient');
    expect(pack(socketError('ETIMEDOUT', -110))).toBe('transient');
    expect(pack(socketError('ENOTFOUND', -3008))).toBeUndefined();
  });

  test('reads the cause chain; knows nothing of other errors or of values that are not errors', () => {
    expect(pack(new Error('placing the order failed', { cause: serverError(1213, 'Deadlock found', '40001') }))).toBe('transient');
    expect(pack(new Error('boom'))).toBeUndefined();
    expect(pack({ errno: 1213, sqlState: '40001' })).toBeUndefined();
    expect(pack(1213)).toBeUndefined();
  });

  test('bad options are a TypeError naming the option and the value', () => {
    expect(() => mysqlErrors({ retryQueryInterrupted: 0 } as never)).toThrow(/mysqlErrors\(\{ retryQueryInterrupted \}\).*boolean.*0/);
    expect(() => mysqlErrors({ retryUnknownOutcome: true } as never)).toThrow(/mysqlErrors\(\) has no option `retryUnknownOutcome`.*`retryQueryInterrupted`/);
  });
});

describeWithService(mariadb, 'mysqlErrors against MariaDB', () => {
  const table = `packs_my_${process.pid}_${Date.now().toString(36)}`;
  let pool: Pool;
  let admin: Connection;
  let other: Connection;

  /** Runs `work` as one transaction on a connection of the pool: the unit a retry must repeat. */
  async function inTransaction<T>(work: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const conn = await pool.getConnection();
    try {
      await conn.beginTransaction();
      const result = await work(conn);
      await conn.commit();
      conn.release();
      return result;
    } catch (error) {
      // A connection that cannot roll back is broken: destroy it rather than return it.
      await conn.rollback().then(() => conn.release(), () => conn.destroy());
      throw error;
    }
  }

  async function values(): Promise<number[]> {
    const [rows] = await admin.query<RowDataPacket[]>(`SELECT v FROM ${table} ORDER BY id`);
    return rows.map((r) => r.v as number);
  }

  async function connectionId(conn: PoolConnection | Connection): Promise<number> {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
    return rows[0]!.id as number;
  }

  /** Waits until connection `id` is in a statement (`state` like the given one, e.g. a lock wait). */
  async function until(id: number, state: RegExp): Promise<void> {
    for (let i = 0; i < 500; i++) {
      const [rows] = await admin.query<RowDataPacket[]>('SELECT STATE AS state FROM information_schema.PROCESSLIST WHERE ID = ?', [id]);
      if (state.test(String(rows[0]?.state ?? ''))) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`connection ${id} never reached ${state}`);
  }

  beforeAll(async () => {
    pool = createPool({ ...config, connectionLimit: 4 });
    admin = await createConnection(config);
    other = await createConnection(config);
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY, v int NOT NULL) ENGINE=InnoDB`);
  });

  beforeEach(async () => {
    await admin.query(`DELETE FROM ${table}`);
    await admin.query(`INSERT INTO ${table} VALUES (1, 0), (2, 0), (3, 0)`);
  });

  afterAll(async () => {
    await admin?.query(`DROP TABLE IF EXISTS ${table}`);
    await Promise.all([pool?.end(), admin?.end(), other?.end()]);
  });

  test('a deadlock (1213) is transient; the whole transaction, retried, applies once', async () => {
    const otherId = await connectionId(other);
    let theirs: Promise<unknown> = Promise.resolve();
    const errors: unknown[] = [];
    const attempts = await retry(({ attempt }) => inTransaction(async (conn) => {
      await conn.query(`UPDATE ${table} SET v = v + 1 WHERE id = 1`);
      if (attempt === 1) {
        // The other transaction has changed more rows, so InnoDB rolls back this one.
        await other.query('START TRANSACTION');
        await other.query(`UPDATE ${table} SET v = v + 10 WHERE id IN (2, 3)`);
        theirs = other.query(`UPDATE ${table} SET v = v + 10 WHERE id = 1`).then(() => other.query('COMMIT'));
        await until(otherId, /lock wait|Updating|Searching/i);
      }
      await conn.query(`UPDATE ${table} SET v = v + 1 WHERE id = 2`);
      return attempt;
    }), withPack(pack, { onRetry: (e) => { errors.push(e.error); return theirs.then(() => undefined); } }));

    expect(attempts).toBe(2);
    expect(errors).toEqual([expect.objectContaining({ errno: 1213, code: 'ER_LOCK_DEADLOCK', sqlState: '40001' })]);
    expect(pack(errors[0])).toBe('transient');
    expect(await values()).toEqual([11, 11, 10]);
  });

  test('a lock wait timeout (1205, innodb_lock_wait_timeout=1) is transient; retry() gets the lock once it is released', async () => {
    await other.query('START TRANSACTION');
    await other.query(`SELECT * FROM ${table} WHERE id = 1 FOR UPDATE`);
    const errors: unknown[] = [];
    const started = Date.now();
    const attempts = await retry(({ attempt }) => inTransaction(async (conn) => {
      await conn.query('SET SESSION innodb_lock_wait_timeout = 1');
      await conn.query(`UPDATE ${table} SET v = v + 1 WHERE id = 1`);
      return attempt;
    }), withPack(pack, { onRetry: async (e) => { errors.push(e.error); await other.query('COMMIT'); } }));

    expect(attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(errors).toEqual([expect.objectContaining({ errno: 1205, code: 'ER_LOCK_WAIT_TIMEOUT' })]);
    expect(pack(errors[0])).toBe('transient');
    expect(await values()).toEqual([1, 0, 0]);
  });

  test('a connection killed by KILL from another connection is transient; the retry runs on a new connection', async () => {
    const errors: unknown[] = [];
    const ids: number[] = [];
    const value = await retry(({ attempt }) => inTransaction(async (conn) => {
      const id = await connectionId(conn);
      ids.push(id);
      await conn.query(`UPDATE ${table} SET v = v + 1 WHERE id = 1`);
      if (attempt === 1) {
        const sleeping = conn.query('SELECT SLEEP(10)');
        await until(id, /User sleep/i);
        await admin.query(`KILL ${id}`);
        await sleeping;
      }
      const [rows] = await conn.query<RowDataPacket[]>(`SELECT v FROM ${table} WHERE id = 1`);
      return rows[0]!.v as number;
    }), withPack(pack, { onRetry: (e) => { errors.push(e.error); } }));

    // MariaDB closes the killed connection; mysql2 reports the loss (MySQL would answer 1317 first).
    expect(errors).toEqual([expect.objectContaining({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true })]);
    expect(pack(errors[0])).toBe('transient');
    expect(ids[1]).not.toBe(ids[0]);
    expect(value).toBe(1);
  });

  test('a statement stopped by KILL QUERY (1317) is transient by default, permanent with retryQueryInterrupted: false', async () => {
    await other.query('START TRANSACTION');
    await other.query(`SELECT * FROM ${table} WHERE id = 1 FOR UPDATE`);
    const errors: unknown[] = [];
    const attempts = await retry(({ attempt }) => inTransaction(async (conn) => {
      if (attempt === 1) {
        const id = await connectionId(conn);
        const waiting = conn.query(`UPDATE ${table} SET v = v + 1 WHERE id = 1`);
        await until(id, /lock wait|Updating|Searching/i);
        await admin.query(`KILL QUERY ${id}`);
        await waiting;
      }
      await conn.query(`UPDATE ${table} SET v = v + 1 WHERE id = 1`);
      return attempt;
    }), withPack(pack, { onRetry: async (e) => { errors.push(e.error); await other.query('COMMIT'); } }));

    expect(attempts).toBe(2);
    expect(errors).toEqual([expect.objectContaining({ errno: 1317, code: 'ER_QUERY_INTERRUPTED', sqlState: '70100' })]);
    expect(pack(errors[0])).toBe('transient');
    expect(mysqlErrors({ retryQueryInterrupted: false })(errors[0])).toBe('permanent');
    expect(await values()).toEqual([1, 0, 0]);
  });

  test('a statement over max_statement_time (1969, MariaDB) is transient', async () => {
    const errors: unknown[] = [];
    const rows = await retry(async ({ attempt }) => {
      const [result] = await pool.query<RowDataPacket[]>(`SET STATEMENT max_statement_time = ${attempt === 1 ? 0.02 : 5} FOR SELECT SLEEP(0.2) AS slept`);
      return result;
    }, withPack(pack, { onRetry: (e) => { errors.push(e.error); } }));
    expect(rows).toEqual([{ slept: 0 }]);
    expect(errors).toEqual([expect.objectContaining({ errno: 1969, sqlState: '70100' })]);
    expect(pack(errors[0])).toBe('transient');
  });

  test('an account over its max_user_connections (1226) is throttling; retry() connects once a slot frees', async () => {
    const user = `${table}_user`;
    await admin.query(`CREATE USER '${user}'@'%' WITH MAX_USER_CONNECTIONS 1`);
    await admin.query(`GRANT SELECT ON test.* TO '${user}'@'%'`);
    const limited = { ...config, user };
    const holder = await createConnection(limited);
    const errors: unknown[] = [];
    try {
      const who = await retry(async () => {
        const conn = await createConnection(limited);
        try {
          const [rows] = await conn.query<RowDataPacket[]>('SELECT CURRENT_USER() AS who');
          return rows[0]!.who as string;
        } finally {
          await conn.end();
        }
      }, withPack(pack, { onRetry: async (e) => { errors.push(e.error); await holder.end(); } }));
      expect(who).toBe(`${user}@%`);
      expect(errors).toEqual([expect.objectContaining({ errno: 1226, code: 'ER_USER_LIMIT_REACHED' })]);
      expect(pack(errors[0])).toBe('throttling');
    } finally {
      holder.destroy();
      await admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
    }
  });

  test('a refused connection (ECONNREFUSED) is transient; retry() connects once the port answers', async () => {
    const proxy = await tcpProxy(config.port);
    await proxy.refuse();
    const viaProxy = createPool({ ...config, port: proxy.port, connectionLimit: 1 });
    const errors: unknown[] = [];
    try {
      const [rows] = await retry(() => viaProxy.query<RowDataPacket[]>('SELECT 1 AS one'), withPack(pack, {
        onRetry: async (e) => { errors.push(e.error); await proxy.accept(); },
      }));
      expect(rows).toEqual([{ one: 1 }]);
      expect(errors).toEqual([expect.objectContaining({ code: 'ECONNREFUSED', fatal: true })]);
      expect(pack(errors[0])).toBe('transient');
    } finally {
      await viaProxy.end();
      await proxy.close();
    }
  });

  test('a duplicate key (1062) and a syntax error (1064) are permanent: one attempt, the error unchanged', async () => {
    for (const [sql, errno] of [[`INSERT INTO ${table} VALUES (1, 0)`, 1062], [`SELEC v FROM ${table}`, 1064]] as const) {
      let attempts = 0;
      const error = await retry(() => { attempts++; return pool.query(sql); }, withPack(pack)).catch((e: unknown) => e);
      expect(attempts).toBe(1);
      expect(error).toEqual(expect.objectContaining({ errno }));
      expect(pack(error)).toBe('permanent');
    }
    expect(await values()).toEqual([0, 0, 0]);
  });
});
