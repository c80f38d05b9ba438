/**
 * Tests that need a service of the machine (PostgreSQL, MariaDB, Redis, a server binary). With
 * `CI` set, a service that does not answer fails the run; elsewhere the tests that need it are
 * skipped, and the reason printed.
 *
 *   describeWithService(postgres, 'pgErrors against PostgreSQL', () => { ... });
 *
 * Services are probed synchronously (a short child process), because Jest collects `describe`
 * blocks synchronously: the probe has to answer before the tests are declared.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A service some tests need, and how to tell whether it is there. */
export interface Service {
  readonly name: string;
  /** Why the service cannot be used, or `undefined` when it answers. */
  readonly probe: () => string | undefined;
}

// Connects, sends `hello` (hex, may be empty), and waits for a first answer matching `expect`.
const TCP_PROBE = `
const [host, port, hello, expect] = process.argv.slice(1);
const socket = require('node:net').connect(Number(port), host);
const fail = (why) => { console.log(why); process.exit(1); };
socket.setTimeout(2000, () => fail('no answer within 2 s'));
socket.on('error', (e) => fail(e.message));
socket.on('connect', () => { if (hello) socket.write(Buffer.from(hello, 'hex')); });
socket.once('data', (d) => new RegExp(expect).test(d.toString('latin1')) ? process.exit(0) : fail('unexpected answer ' + JSON.stringify(d.toString('latin1').slice(0, 40))));
`;

/** A service answering on a TCP port: `hello` is sent on connect, the first bytes back must match `expect`. */
export function tcpService(name: string, host: string, port: number, hello: Buffer, expect: RegExp): Service {
  return {
    name: `${name} on ${host}:${port}`,
    probe: () => {
      const run = spawnSync(process.execPath, ['-e', TCP_PROBE, host, String(port), hello.toString('hex'), expect.source], { encoding: 'utf8', timeout: 5000 });
      if (run.status === 0) return undefined;
      return (run.stdout || run.stderr || run.error?.message || 'no answer').trim();
    },
  };
}

/** A program the tests start themselves (a private server), found on the PATH. */
export function binaryService(command: string, versionFlag = '--version'): Service {
  return {
    name: command,
    probe: () => {
      const run = spawnSync(command, [versionFlag], { encoding: 'utf8', timeout: 5000 });
      return run.status === 0 ? undefined : `\`${command} ${versionFlag}\` failed: ${run.error?.message ?? run.stderr.trim()}`;
    },
  };
}

/** PostgreSQL (trust auth, database `test`): answers an SSLRequest with `N` or `S`. */
export const postgres = tcpService('PostgreSQL', '127.0.0.1', 5432, Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]), /^[NS]/);

/** MariaDB or MySQL (root, empty password, database `test`): greets first, with a handshake packet. */
export const mariadb = tcpService('MariaDB', '127.0.0.1', 3306, Buffer.alloc(0), /[\s\S]/);

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The shared Redis (`REDIS_URL` overrides the address): answers PING. */
export const redis = tcpService('Redis', new URL(redisUrl).hostname, Number(new URL(redisUrl).port || 6379), Buffer.from('PING\r\n'), /^\+PONG/);

/** `redis-server`, for tests that start, kill and restart a private Redis. */
export const redisServer = binaryService('redis-server');

const verdicts = new Map<Service, string | undefined>();

function problemOf(service: Service): string | undefined {
  if (!verdicts.has(service)) verdicts.set(service, service.probe());
  return verdicts.get(service);
}

/**
 * `describe(title, body)` when every service answers. Otherwise, with `CI` set, one failing
 * test that names the missing service; without it, `describe.skip` and a printed reason.
 */
export function describeWithService(services: Service | readonly Service[], title: string, body: () => void): void {
  const missing = ([] as Service[]).concat(services)
    .map((service) => ({ service, problem: problemOf(service) }))
    .filter((m): m is { service: Service; problem: string } => m.problem !== undefined);
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const reason = missing.map((m) => `${m.service.name}: ${m.problem}`).join('; ');
  if (process.env.CI) {
    describe(title, () => {
      test('has the services it needs', () => {
        throw new Error(`CI is set and a service does not answer: ${reason}`);
      });
    });
    return;
  }
  console.log(`Skipping "${title}": ${reason}`);
  describe.skip(title, body);
}

/** Debian's Chromium, which the browser tests drive through playwright-core. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Whether Debian's Chromium is installed. */
export const hasChromium = (): boolean => existsSync(CHROMIUM_PATH);

/** Debian's Chromium, as a service the browser tests need (`.ci/run` installs it). */
export const chromium: Service = {
  name: `Chromium at ${CHROMIUM_PATH}`,
  probe: () => (hasChromium() ? undefined : `${CHROMIUM_PATH} is missing (apt-get install chromium)`),
};
