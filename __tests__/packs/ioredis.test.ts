/**
 * ioredisErrors: the verdict for each error ioredis raises, produced with the real client
 * against private `redis-server`s this file starts, kills and restarts on free loopback ports
 * (never the machine's shared Redis), and against a loopback peer speaking RESP for the
 * replies a real server gives only in states too slow to reach (LOADING, TRYAGAIN). Each
 * retried case also shows `retry()` recovering once the fault clears.
 */
import Redis, { type RedisOptions } from 'ioredis';
import { retry } from 'maestro-retry';
import { ioredisErrors } from 'maestro-retry/packs/ioredis';
import { describeWithService, redisServer } from '../helpers/services';
import { freePort, PrivateRedis } from '../helpers/redis-server';
import { respPeer, type RespAnswer } from '../helpers/resp-peer';
import { withPack } from './pack-options';

const pack = ioredisErrors();

/** An error reply as ioredis rejects a command with it. */
function reply(message: string): Error {
  const error = Object.assign(new Error(message), { command: { name: 'get', args: ['k'] } });
  Object.defineProperty(error, 'name', { value: 'ReplyError' });
  return error;
}

describe('ioredisErrors on errors shaped like ioredis\'s', () => {
  test.each([
    ['LOADING Redis is loading the dataset in memory', 'transient'],
    ['BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.', 'transient'],
    ['TRYAGAIN Multiple keys request during rehashing of slot', 'transient'],
    ['CLUSTERDOWN The cluster is down', 'transient'],
    ["MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.", 'transient'],
    ['NOREPLICAS Not enough good replicas to write.', 'transient'],
    ["READONLY You can't write against a read only replica.", 'transient'],
    ['ERR max number of clients reached', 'throttling'],
    ['WRONGTYPE Operation against a key holding the wrong kind of value', 'permanent'],
    ['ERR syntax error', 'permanent'],
    ["ERR unknown command 'FOO', with args beginning with: ", 'permanent'],
    ['NOSCRIPT No matching script. Please use EVAL.', 'permanent'],
    ['NOAUTH Authentication required.', 'permanent'],
    ["OOM command not allowed when used memory > 'maxmemory'.", 'permanent'],
    ['EXECABORT Transaction discarded because of previous errors.', 'permanent'],
    ['BUSYGROUP Consumer Group name already exists', 'permanent'],
    ['BUSYKEY Target key name already exists.', 'permanent'],
    ['MOVED 3999 127.0.0.1:6381', 'permanent'],
  ])('the reply "%s" is %s', (message, verdict) => {
    expect(pack(reply(message))).toBe(verdict);
  });

  test('a reply is known by ioredis\'s command record even when a bundler renamed ReplyError', () => {
    const renamed = Object.assign(new Error('LOADING Redis is loading the dataset in memory'), { command: { name: 'get', args: [] } });
    expect(pack(renamed)).toBe('transient');
    expect(pack(new Error('LOADING without a command record'))).toBeUndefined();
  });

  test.each([
    ['Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.', 'transient'],
    ['Connection is closed.', 'transient'],
    ["Stream isn't writeable and enableOfflineQueue options is false", 'transient'],
    ["Cluster isn't ready and enableOfflineQueue options is false", 'transient'],
    ['None of startup nodes is available', 'transient'],
    ['Command timed out', 'transient'],
    ['Command aborted due to connection close', 'permanent'],
  ])('the client\'s own "%s" is %s', (message, verdict) => {
    expect(pack(new Error(message))).toBe(verdict);
  });

  test('retryUnknownOutcome makes an aborted command transient, and nothing else', () => {
    const bold = ioredisErrors({ retryUnknownOutcome: true });
    expect(bold(new Error('Command aborted due to connection close'))).toBe('transient');
    expect(bold(reply('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe('permanent');
  });

  test('socket errors, the cause chain, and what is not ioredis\'s', () => {
    expect(pack(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED', syscall: 'connect' }))).toBe('transient');
    expect(pack(new Error('cache read failed', { cause: reply('LOADING Redis is loading the dataset in memory') }))).toBe('transient');
    expect(pack(new Error('boom'))).toBeUndefined();
    expect(pack('LOADING')).toBeUndefined();
  });

  test('bad options are a TypeError naming the option and the value', () => {
    expect(() => ioredisErrors({ retryUnknownOutcome: null } as never)).toThrow(/ioredisErrors\(\{ retryUnknownOutcome \}\).*boolean.*null/);
    expect(() => ioredisErrors([] as never)).toThrow(/ioredisErrors\(options\).*object/);
  });
});

describeWithService(redisServer, 'ioredisErrors against redis-server and a RESP peer', () => {
  const clients: Redis[] = [];
  const servers: PrivateRedis[] = [];

  /** An ioredis client on 127.0.0.1:`port` that leaves the waiting to retry(): one reconnection per command. */
  function client(port: number, options: RedisOptions = {}): Redis {
    const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, retryStrategy: () => 10, ...options });
    redis.on('error', () => {}); // connection errors also reach the commands, which is what is tested
    clients.push(redis);
    return redis;
  }

  /**
   * Disconnects a client whose connection is up. (ioredis's disconnect() arms a 2 s timer that
   * only the stream's close clears: on a stream already closed it would keep Jest waiting.)
   */
  async function disconnect(redis: Redis): Promise<void> {
    if (redis.status === 'end') return;
    if (redis.status !== 'ready') {
      await new Promise((resolve) => { redis.once('ready', resolve); redis.once('end', resolve); });
    }
    if (redis.status === 'ready') redis.disconnect();
  }

  async function server(args: readonly string[] = [], port?: number): Promise<PrivateRedis> {
    const started = await PrivateRedis.start(args, port);
    servers.push(started);
    return started;
  }

  // A cluster node turns its state to ok no sooner than 2 s after it starts, and (having been
  // in the minority) a rejoin delay of its node timeout after it serves slots: start it first,
  // with a short node timeout.
  let clusterNode: Promise<PrivateRedis>;
  beforeAll(() => {
    clusterNode = server(['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${process.pid}.conf`, '--cluster-node-timeout', '200']);
  });

  afterAll(async () => {
    await clusterNode.catch(() => undefined);
    await Promise.all(clients.map(disconnect));
    await Promise.all(servers.map((s) => s.stop()));
  });

  test('a refused port is transient (MaxRetriesPerRequestError); retry() succeeds once a server listens there', async () => {
    const port = await freePort();
    const redis = client(port);
    const errors: unknown[] = [];
    const pong = await retry(() => redis.ping(), withPack(pack, {
      onRetry: async (e) => { errors.push(e.error); await server([], port); },
    }));
    expect(pong).toBe('PONG');
    expect(errors).toEqual([expect.objectContaining({ name: 'MaxRetriesPerRequestError' })]);
    expect(pack(errors[0])).toBe('transient');
  });

  test('a restarted server is transient; retry() succeeds once it is back (ioredis reconnecting)', async () => {
    const redis = client((await server()).port);
    const restarted = servers[servers.length - 1]!;
    expect(await redis.incr('visits')).toBe(1);
    await restarted.kill();
    const errors: unknown[] = [];
    const visits = await retry(() => redis.incr('visits'), withPack(pack, {
      onRetry: async (e) => { errors.push(e.error); await restarted.restart(); },
    }));
    expect(visits).toBe(1); // nothing is persisted: the restarted server starts empty
    expect(errors).toEqual([expect.objectContaining({ name: 'MaxRetriesPerRequestError' })]);
    expect(pack(errors[0])).toBe('transient');
  });

  test('"Connection is closed." (no reconnection by ioredis) is transient; retry() reconnects itself', async () => {
    const restarted = await server();
    const redis = client(restarted.port, { retryStrategy: () => null });
    const incr = async (): Promise<number> => {
      if (redis.status === 'end') await redis.connect();
      return redis.incr('visits');
    };
    expect(await incr()).toBe(1);
    await restarted.kill();
    const errors: unknown[] = [];
    const visits = await retry(incr, withPack(pack, {
      onRetry: async (e) => { errors.push(e.error); await restarted.restart(); },
    }));
    expect(visits).toBe(1);
    expect(errors).toEqual([expect.objectContaining({ message: 'Connection is closed.' })]);
    expect(pack(errors[0])).toBe('transient');
  });

  test('CLUSTERDOWN from a cluster node that serves no slot is transient; retry() succeeds once the slots are assigned', async () => {
    const node = await clusterNode;
    const redis = client(node.port);
    const admin = client(node.port);
    const errors: unknown[] = [];
    const value = await retry(() => redis.get('k'), withPack(pack, {
      maxRetries: 200,
      onRetry: async (e) => {
        errors.push(e.error);
        if (e.attempt === 1) await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
        await new Promise((resolve) => setTimeout(resolve, 20)); // the node marks the cluster ok on its next cron tick
      },
    }));
    expect(value).toBeNull();
    expect(errors[0]).toEqual(expect.objectContaining({ name: 'ReplyError', message: 'CLUSTERDOWN Hash slot not served' }));
    expect(errors.map(pack)).toEqual(errors.map(() => 'transient'));
  });

  test('READONLY and MASTERDOWN from a replica cut off from its primary are transient; retry() succeeds once it is promoted', async () => {
    const replica = await server(['--replicaof', '127.0.0.1', String(await freePort()), '--replica-serve-stale-data', 'no']);
    const redis = client(replica.port);
    const admin = client(replica.port);
    const errors: unknown[] = [];
    const promote = async (e: { error?: unknown }): Promise<void> => { errors.push(e.error); await admin.call('REPLICAOF', 'NO', 'ONE'); };
    expect(await retry(() => redis.set('k', 'v'), withPack(pack, { onRetry: promote }))).toBe('OK');
    await admin.call('REPLICAOF', '127.0.0.1', String(await freePort()));
    expect(await retry(() => redis.get('k'), withPack(pack, { onRetry: promote }))).toBe('v');
    expect(errors).toEqual([
      expect.objectContaining({ message: "READONLY You can't write against a read only replica." }),
      expect.objectContaining({ message: "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'." }),
    ]);
    expect(errors.map(pack)).toEqual(['transient', 'transient']);
  });

  test('BUSY while another client runs a long script is transient; retry() succeeds once the script ends', async () => {
    const busy = await server(['--busy-reply-threshold', '20']);
    const scripted = client(busy.port);
    const redis = client(busy.port);
    await Promise.all([scripted.ping(), redis.ping()]);
    // A script that spins for 300 ms of server time.
    const script = scripted.eval(
      "local t = redis.call('TIME') repeat local n = redis.call('TIME') until (n[1] - t[1]) * 1000000 + (n[2] - t[2]) > 300000 return 1", 0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const errors: unknown[] = [];
    const value = await retry(() => redis.get('k'), withPack(pack, {
      onRetry: async (e) => { errors.push(e.error); await script; },
    }));
    expect(value).toBeNull();
    expect(errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/^BUSY Redis is busy running a script/) })]);
    expect(pack(errors[0])).toBe('transient');
  });

  test('WRONGTYPE and a syntax error are permanent: one attempt, the error unchanged', async () => {
    const redis = client((await server()).port);
    await redis.set('text', 'v');
    for (const [command, message] of [
      [() => redis.lpush('text', 'x'), /^WRONGTYPE/],
      [() => redis.call('SET', 'k', 'v', 'NOT-AN-OPTION'), /^ERR syntax error/],
    ] as const) {
      let attempts = 0;
      const error = await retry(() => { attempts++; return command(); }, withPack(pack)).catch((e: unknown) => e);
      expect(attempts).toBe(1);
      expect(error).toEqual(expect.objectContaining({ name: 'ReplyError', message: expect.stringMatching(message) }));
      expect(pack(error)).toBe('permanent');
    }
  });

  test.each([
    ['LOADING Redis is loading the dataset in memory', 'transient'],
    ['TRYAGAIN Multiple keys request during rehashing of slot', 'transient'],
    ['CLUSTERDOWN The cluster is down', 'transient'],
    ['ERR max number of clients reached', 'throttling'],
  ])('"%s" from a RESP peer is %s; retry() succeeds once the peer answers', async (message, verdict) => {
    let failures = 2;
    const answer: RespAnswer = () => (failures-- > 0 ? `-${message}\r\n` : '$5\r\nvalue\r\n');
    const peer = await respPeer(answer);
    const redis = client(peer.port, { enableReadyCheck: false });
    const errors: unknown[] = [];
    try {
      const value = await retry(() => redis.get('k'), withPack(pack, { onRetry: (e) => { errors.push(e.error); } }));
      expect(value).toBe('value');
      expect(errors).toEqual([expect.objectContaining({ name: 'ReplyError', message }), expect.objectContaining({ message })]);
      expect(errors.map(pack)).toEqual([verdict, verdict]);
      expect(peer.commands.filter((c) => c[0] === 'get')).toHaveLength(3);
    } finally {
      await disconnect(redis);
      await peer.close();
    }
  });

  test('a MULTI/EXEC cut off by a closed connection (outcome unknown) is permanent, unless retryUnknownOutcome', async () => {
    let cut = true;
    const answer: RespAnswer = (command) => {
      const name = command[0]!.toLowerCase();
      if (name === 'multi' && cut) {
        // Answer MULTI, then drop the connection: INCR and EXEC were sent, their outcome unknown.
        cut = false;
        return { reply: '+OK\r\n', close: true };
      }
      if (name === 'multi') return '+OK\r\n';
      return name === 'exec' ? '*1\r\n:1\r\n' : '+QUEUED\r\n';
    };
    const transfer = (redis: Redis) => () => redis.multi().incr('balance').exec();
    for (const [classify, attemptsWanted] of [[pack, 1], [ioredisErrors({ retryUnknownOutcome: true }), 2]] as const) {
      cut = true;
      const peer = await respPeer(answer);
      const redis = client(peer.port, { enableReadyCheck: false });
      let attempts = 0;
      try {
        const outcome = await retry(() => { attempts++; return transfer(redis)(); }, withPack(classify)).catch((e: unknown) => e);
        expect(attempts).toBe(attemptsWanted);
        if (attemptsWanted === 1) {
          expect(outcome).toEqual(expect.objectContaining({ name: 'AbortError', message: 'Command aborted due to connection close' }));
          expect(classify(outcome)).toBe('permanent');
        } else {
          expect(outcome).toEqual([[null, 1]]);
        }
      } finally {
        await disconnect(redis);
        await peer.close();
      }
    }
  });
});
