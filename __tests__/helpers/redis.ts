/**
 * Redis for tests: clients on the machine's shared Redis (each test under its own key prefix,
 * its keys deleted afterwards), and private `redis-server` children on a free port for the
 * fault tests, which may kill, pause or restart them (never the shared one).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import Redis, { type RedisOptions } from 'ioredis';
import { freePort } from './redis-server';
import { redisUrl } from './services';

export { freePort };

const clients = new Set<Redis>();

/** A client that reconnects fast and never logs its connection errors (the tests look at the store's events). */
export function connect(url = redisUrl, options: RedisOptions = {}): Redis {
  const client = new Redis(url, { retryStrategy: () => 20, maxRetriesPerRequest: 1, ...options });
  client.on('error', () => undefined);
  clients.add(client);
  return client;
}

/** Closes every client made by {@link connect}. */
export async function disconnectAll(): Promise<void> {
  await Promise.all([...clients].map((c) => c.quit().catch(() => c.disconnect())));
  clients.clear();
}

let counter = 0;
/** A key prefix no other test (or test run) uses. */
export function uniquePrefix(label: string): string {
  return `test-${label}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  const keys = await client.keys(`${prefix}:*`);
  if (keys.length > 0) await client.del(...keys);
}

/** A `redis-server` of this test's own, without persistence. */
export class PrivateRedis {
  readonly port: number;
  #child: ChildProcess | undefined;

  private constructor(port: number) {
    this.port = port;
  }

  /** A server on a free port, not started yet (`start()`), so "Redis down at start" can be tested. */
  static async reserve(): Promise<PrivateRedis> {
    return new PrivateRedis(await freePort());
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (empty) and resolves once it accepts connections. */
  start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}: ${out}`));
      });
    });
  }

  /** Kills the server at once (SIGKILL), as a crash would, and waits for it to be gone. */
  kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
