/**
 * pgErrors: the verdict for each error node-postgres raises, produced with the real client
 * against the real PostgreSQL (127.0.0.1:5432, user postgres, database test), and `retry()`
 * recovering once the fault clears. Errors the server cannot be made to raise on demand are
 * checked on errors shaped like pg's.
 */
import { Client, Pool, type PoolClient } from 'pg';
import { retry } from 'maestro-retry';
import { pgErrors } from 'maestro-retry/packs/pg';
import { describeWithService, postgres } from '../helpers/services';
import { tcpProxy } from '../helpers/tcp-proxy';
import { withPack } from './pack-options';

const pack = pgErrors();
const config = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };

/** An error shaped like pg's DatabaseError. */
function serverError(code: string, message = 'server error', severity = 'ERROR'): Error {
  return Object.assign(new Error(message), { name: 'error', code, severity });
}

describe('pgErrors on errors shaped like pg\'s', () => {
  test.each([
    ['40001', 'transient'], ['40P01', 'transient'], ['40000', 'transient'],
    ['08000', 'transient'], ['08001', 'transient'], ['08003', 'transient'], ['08004', 'transient'], ['08006', 'transient'],
    ['53000', 'transient'], ['53100', 'transient'], ['53200', 'transient'], ['53300', 'throttling'],
    ['55P03', 'transient'], ['57P01', 'transient'], ['57P02', 'transient'], ['57P03', 'transient'], ['57P05', 'transient'],
    ['25P03', 'transient'], ['25P04', 'transient'], ['72000', 'transient'],
    ['08007', 'permanent'], ['40003', 'permanent'], ['40002', 'permanent'], ['08P01', 'permanent'], ['53400', 'permanent'],
    ['57P04', 'permanent'], ['23505', 'permanent'], ['23503', 'permanent'], ['42601', 'permanent'], ['42P01', 'permanent'],
    ['22012', 'permanent'], ['25P02', 'permanent'], ['25006', 'permanent'], ['28P01', 'permanent'], ['XX000', 'permanent'],
  ])('SQLSTATE %s is %s', (code, verdict) => {
    expect(pack(serverError(code))).toBe(verdict);
  });

  test('57014 query_canceled is transient after a statement_timeout, permanent after a cancel request', () => {
    expect(pack(serverError('57014', 'canceling statement due to statement timeout'))).toBe('transient');
    expect(pack(serverError('57014', 'canceling statement due to user request'))).toBe('permanent');
  });

  test('retryUnknownOutcome makes 08007 and 40003 transient, and nothing else', () => {
    const bold = pgErrors({ retryUnknownOutcome: true });
    expect(bold(serverError('08007'))).toBe('transient');
    expect(bold(serverError('40003'))).toBe('transient');
    expect(bold(serverError('23505'))).toBe('permanent');
    expect(pgErrors({ retryUnknownOutcome: false })(serverError('08007'))).toBe('permanent');
  });

  test.each([
    ['Connection terminated unexpectedly', 'transient'],
    ['Client has encountered a connection error and is not queryable', 'transient'],
    ['Connection terminated due to connection timeout', 'transient'],
    ['timeout expired', 'transient'],
    ['timeout exceeded when trying to connect', 'transient'],
    ['Query read timeout', 'transient'],
    ['Connection terminated', 'permanent'],
    ['Client was closed and is not queryable', 'permanent'],
    ['Cannot use a pool after calling end on the pool', 'permanent'],
  ])('the client\'s own "%s" is %s', (message, verdict) => {
    expect(pack(new Error(message))).toBe(verdict);
  });

  test('socket errors: the ones the default retries are transient, the others are left to it', () => {
    const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, syscall: 'connect' });
    expect(pack(socketError('ECONNREFUSED'))).toBe('transient');
    expect(pack(socketError('ECONNRESET'))).toBe('transient');
    expect(pack(socketError('ENOTFOUND'))).toBeUndefined();
  });

  test('reads the cause chain; knows nothing of other errors or of values that are not errors', () => {
    expect(pack(new Error('saving the order failed', { cause: serverError('40P01') }))).toBe('transient');
    expect(pack(new Error('boom'))).toBeUndefined();
    expect(pack(Object.assign(new Error('a pipe'), { code: 'EPIPE' }))).toBeUndefined();
    expect(pack(Object.assign(new Error('no severity'), { code: '40001' }))).toBeUndefined();
    expect(pack('40001')).toBeUndefined();
    expect(pack(undefined)).toBeUndefined();
    const hostile = new Proxy(new Error('hostile'), { get: () => { throw new Error('no reading'); } });
    expect(pack(hostile)).toBeUndefined();
  });

  test('bad options are a TypeError naming the option and the value', () => {
    expect(() => pgErrors({ retryUnknownOutcome: 'yes' } as never)).toThrow(/pgErrors\(\{ retryUnknownOutcome \}\).*boolean.*"yes"/);
    expect(() => pgErrors({ retryUnknownOutcomes: true } as never)).toThrow(/pgErrors\(\) has no option `retryUnknownOutcomes`/);
    expect(() => pgErrors(42 as never)).toThrow(TypeError);
  });
});

describe('pgErrors in the classify option', () => {
  /** Attempts `retry()` makes for a function that fails with `error` every time. */
  async function attemptsFor(error: unknown, options: Parameters<typeof withPack>[1] = {}): Promise<number> {
    let attempts = 0;
    await retry(() => { attempts++; throw error; }, withPack(pack, { maxRetries: 2, initialDelay: 0, ...options })).catch(() => undefined);
    return attempts;
  }

  test('what the pack does not know, the default classification decides', async () => {
    expect(await attemptsFor(new Error('socket hang up'))).toBe(1);
    expect(await attemptsFor(new Error('request timed out'))).toBe(3); // the default retries timeouts
    expect(await attemptsFor(serverError('40001'))).toBe(3);
    expect(await attemptsFor(new Error('Connection terminated unexpectedly'))).toBe(3);
    // The default alone would retry this one (its message mentions a timeout); the pack's
    // answer comes first: a bad parameter value (22023) is permanent.
    expect(await attemptsFor(serverError('22023', 'invalid value for parameter "statement_timeout": "soon"'))).toBe(1);
    expect(await attemptsFor(new Error('invalid value for parameter "statement_timeout": "soon"'))).toBe(3);
  });

  test('a classifier listed before the pack answers first; retryIf, when given, decides alone', async () => {
    // A key chosen from what the transaction read: a unique violation is a lost race, worth another try.
    const raceOnKey = (error: unknown) => ((error as { constraint?: string }).constraint === 'orders_number_key' ? 'transient' as const : undefined);
    const lostRace = Object.assign(serverError('23505'), { constraint: 'orders_number_key' });
    expect(await attemptsFor(lostRace)).toBe(1);
    expect(await attemptsFor(lostRace, { classify: [raceOnKey, pack] })).toBe(3);
    expect(await attemptsFor(serverError('23505'), { classify: [raceOnKey, pack] })).toBe(1);
    expect(await attemptsFor(serverError('40001'), { retryIf: () => false })).toBe(1);
  });
});

describeWithService(postgres, 'pgErrors against PostgreSQL', () => {
  const table = `packs_pg_${process.pid}_${Date.now().toString(36)}`;
  let pool: Pool;
  let admin: Client;
  let other: Client;

  /** Runs `work` as one transaction on a client of `from`: the unit a retry must repeat. */
  async function inTransaction<T>(from: Pool, begin: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await from.connect();
    // A checked-out client reports a lost connection as an 'error' event too; the failed
    // query already carries it, and the broken client is dropped below.
    const ignore = (): void => {};
    client.on('error', ignore);
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').then(() => client.release(), () => client.release(true));
      throw error;
    } finally {
      client.off('error', ignore);
    }
  }

  async function values(): Promise<number[]> {
    return (await admin.query(`SELECT v FROM ${table} ORDER BY id`)).rows.map((r: { v: number }) => r.v);
  }

  /** Waits until backend `pid` is running a statement (so that a signal reaches it mid-query). */
  async function untilActive(pid: number): Promise<void> {
    for (let i = 0; i < 500; i++) {
      const { rows } = await admin.query(`SELECT state, wait_event FROM pg_stat_activity WHERE pid = $1`, [pid]);
      if (rows[0]?.state === 'active') return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`backend ${pid} never became active`);
  }

  beforeAll(async () => {
    pool = new Pool({ ...config, max: 4 });
    pool.on('error', () => {}); // idle clients the server terminates
    admin = new Client(config);
    other = new Client(config);
    await Promise.all([admin.connect(), other.connect()]);
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY, v int NOT NULL)`);
  });

  beforeEach(async () => {
    await admin.query(`DELETE FROM ${table}`);
    await admin.query(`INSERT INTO ${table} VALUES (1, 0), (2, 0)`);
  });

  afterAll(async () => {
    await admin?.query(`DROP TABLE IF EXISTS ${table}`);
    await Promise.all([pool?.end(), admin?.end(), other?.end()]);
  });

  test('a deadlock between two connections (40P01) is transient; the whole transaction, retried, applies once', async () => {
    let theirs: Promise<unknown> = Promise.resolve();
    const errors: unknown[] = [];
    const attempts = await retry(({ attempt }) => inTransaction(pool, 'BEGIN', async (client) => {
      // This session finds the deadlock first, so it is the one the server rolls back.
      await client.query(`SET LOCAL deadlock_timeout = '20ms'`);
      await client.query(`UPDATE ${table} SET v = v + 1 WHERE id = 1`);
      if (attempt === 1) {
        await other.query(`BEGIN; SET LOCAL deadlock_timeout = '10s'; UPDATE ${table} SET v = v + 10 WHERE id = 2`);
        theirs = other.query(`UPDATE ${table} SET v = v + 10 WHERE id = 1`).then(() => other.query('COMMIT'));
      }
      await client.query(`UPDATE ${table} SET v = v + 1 WHERE id = 2`);
      return attempt;
    }), withPack(pack, { onRetry: (e) => { errors.push(e.error); return theirs.then(() => undefined); } }));

    expect(attempts).toBe(2);
    expect(errors).toEqual([expect.objectContaining({ code: '40P01' })]);
    expect(pack(errors[0])).toBe('transient');
    // Both of the first attempt's updates were rolled back: each row got +10 and +1, once.
    expect(await values()).toEqual([11, 11]);
  });

  test('a serialization failure under SERIALIZABLE (40001) is transient; the retry reads again and commits', async () => {
    const errors: unknown[] = [];
    const written = await retry(({ attempt }) => inTransaction(pool, 'BEGIN ISOLATION LEVEL SERIALIZABLE', async (client) => {
      const { rows } = await client.query(`SELECT sum(v)::int AS total FROM ${table}`);
      if (attempt === 1) {
        // Write skew: another transaction reads the same rows, writes the other one and commits first.
        await other.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
        const theirs = await other.query(`SELECT sum(v)::int AS total FROM ${table}`);
        await other.query(`UPDATE ${table} SET v = $1 WHERE id = 2`, [theirs.rows[0].total + 100]);
        await other.query('COMMIT');
      }
      await client.query(`UPDATE ${table} SET v = $1 WHERE id = 1`, [rows[0].total + 1]);
      return rows[0].total + 1;
    }), withPack(pack, { onRetry: (e) => { errors.push(e.error); } }));

    expect(errors).toEqual([expect.objectContaining({ code: '40001' })]);
    expect(pack(errors[0])).toBe('transient');
    expect(written).toBe(101);
    expect(await values()).toEqual([101, 100]);
  });

  test('a terminated backend (pg_terminate_backend, 57P01) is transient; the retry runs on a new connection', async () => {
    const errors: unknown[] = [];
    const pids: number[] = [];
    const value = await retry(({ attempt }) => inTransaction(pool, 'BEGIN', async (client) => {
      const pid: number = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      pids.push(pid);
      await client.query(`UPDATE ${table} SET v = v + 1 WHERE id = 1`);
      if (attempt === 1) {
        const sleeping = client.query('SELECT pg_sleep(10)');
        await untilActive(pid);
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await sleeping;
      }
      return (await client.query(`SELECT v FROM ${table} WHERE id = 1`)).rows[0].v;
    }), withPack(pack, { onRetry: (e) => { errors.push(e.error); } }));

    expect(errors).toEqual([expect.objectContaining({ code: '57P01', severity: 'FATAL' })]);
    expect(pack(errors[0])).toBe('transient');
    expect(pids[1]).not.toBe(pids[0]);
    expect(value).toBe(1);
  });

  test('a refused connection (ECONNREFUSED) is transient; retry() connects once the port answers', async () => {
    const proxy = await tcpProxy(config.port);
    await proxy.refuse();
    const viaProxy = new Pool({ ...config, port: proxy.port, max: 1 });
    const errors: unknown[] = [];
    try {
      const rows = await retry(() => viaProxy.query('SELECT 1 AS one').then((r) => r.rows), withPack(pack, {
        onRetry: async (e) => {
          errors.push(e.error);
          if (e.attempt === 2) await proxy.accept();
        },
      }));
      expect(rows).toEqual([{ one: 1 }]);
      expect(errors).toEqual([expect.objectContaining({ code: 'ECONNREFUSED' }), expect.objectContaining({ code: 'ECONNREFUSED' })]);
      expect(errors.map(pack)).toEqual(['transient', 'transient']);
    } finally {
      await viaProxy.end();
      await proxy.close();
    }
  });

  test('a connection lost mid-query ("Connection terminated unexpectedly") is transient', async () => {
    const proxy = await tcpProxy(config.port);
    const viaProxy = new Pool({ ...config, port: proxy.port, max: 1 });
    viaProxy.on('error', () => {});
    const errors: unknown[] = [];
    try {
      const rows = await retry(async ({ attempt }) => {
        if (attempt === 1) {
          const marker = `lost_${process.pid}`;
          const sleeping = viaProxy.query(`SELECT pg_sleep(2) AS ${marker}`);
          for (let i = 0; i < 500; i++) {
            const { rows: seen } = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`, [`%AS ${marker}%`]);
            if (seen.length > 0) break;
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          proxy.cut();
          await sleeping;
        }
        return (await viaProxy.query('SELECT 2 AS two')).rows;
      }, withPack(pack, { onRetry: (e) => { errors.push(e.error); } }));
      expect(rows).toEqual([{ two: 2 }]);
      expect(errors).toEqual([expect.objectContaining({ message: 'Connection terminated unexpectedly' })]);
      expect(pack(errors[0])).toBe('transient');
    } finally {
      await viaProxy.end();
      await proxy.close();
    }
  });

  test('57014: a statement_timeout is retried, a cancel request (pg_cancel_backend) is not', async () => {
    const errors: unknown[] = [];
    const done = await retry(({ attempt }) => inTransaction(pool, 'BEGIN', async (client) => {
      await client.query(`SET LOCAL statement_timeout = ${attempt === 1 ? 20 : 5000}`);
      await client.query('SELECT pg_sleep(0.2)');
      return attempt;
    }), withPack(pack, { onRetry: (e) => { errors.push(e.error); } }));
    expect(done).toBe(2);
    expect(errors).toEqual([expect.objectContaining({ code: '57014', message: 'canceling statement due to statement timeout' })]);
    expect(pack(errors[0])).toBe('transient');

    let attempts = 0;
    const canceled = await retry(() => inTransaction(pool, 'BEGIN', async (client) => {
      attempts++;
      const pid: number = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const sleeping = client.query('SELECT pg_sleep(10)');
      await untilActive(pid);
      await admin.query('SELECT pg_cancel_backend($1)', [pid]);
      return sleeping;
    }), withPack(pack)).catch((error: unknown) => error);
    expect(attempts).toBe(1);
    expect(canceled).toEqual(expect.objectContaining({ code: '57014', message: 'canceling statement due to user request' }));
    expect(pack(canceled)).toBe('permanent');
  });

  test('a lock not available (NOWAIT, 55P03) is transient; retry() gets the lock once it is released', async () => {
    await other.query(`BEGIN; SELECT * FROM ${table} WHERE id = 1 FOR UPDATE`);
    const errors: unknown[] = [];
    const row = await retry(() => inTransaction(pool, 'BEGIN', async (client) =>
      (await client.query(`SELECT v FROM ${table} WHERE id = 1 FOR UPDATE NOWAIT`)).rows[0]),
    withPack(pack, { onRetry: async (e) => { errors.push(e.error); await other.query('COMMIT'); } }));
    expect(row).toEqual({ v: 0 });
    expect(errors).toEqual([expect.objectContaining({ code: '55P03' })]);
    expect(pack(errors[0])).toBe('transient');
  });

  test('a role over its connection limit (53300, too many connections) is throttling; retry() connects once a slot frees', async () => {
    const role = `${table}_role`;
    await admin.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 0`);
    const limited = new Pool({ ...config, user: role, max: 1 });
    const errors: unknown[] = [];
    try {
      const rows = await retry(() => limited.query('SELECT current_user AS who').then((r) => r.rows), withPack(pack, {
        onRetry: async (e) => {
          errors.push(e.error);
          await admin.query(`ALTER ROLE ${role} CONNECTION LIMIT 1`);
        },
      }));
      expect(rows).toEqual([{ who: role }]);
      expect(errors).toEqual([expect.objectContaining({ code: '53300', severity: 'FATAL' })]);
      expect(pack(errors[0])).toBe('throttling');
    } finally {
      await limited.end();
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
    }
  });

  test('a unique violation (23505) and a syntax error (42601) are permanent: one attempt, the error unchanged', async () => {
    for (const [sql, code] of [[`INSERT INTO ${table} VALUES (1, 0)`, '23505'], [`SELEC v FROM ${table}`, '42601']] as const) {
      let attempts = 0;
      const error = await retry(() => { attempts++; return pool.query(sql); }, withPack(pack)).catch((e: unknown) => e);
      expect(attempts).toBe(1);
      expect(error).toEqual(expect.objectContaining({ code }));
      expect(pack(error)).toBe('permanent');
    }
    expect(await values()).toEqual([0, 0]);
  });
});
