/**
 * A private `redis-server` on a free loopback port, started by the test itself, so that it can
 * be killed and restarted without touching the machine's shared Redis. Nothing is persisted
 * (`--save ""`, `--appendonly no`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A loopback port nothing listens on (free when asked; a test should use it at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export class PrivateRedis {
  private process: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'maestro-redis-'));

  private constructor(readonly port: number, private readonly args: readonly string[]) {}

  /** Starts a server on `port` (a free one by default) with the extra `args`; resolves once it accepts connections. */
  static async start(args: readonly string[] = [], port?: number): Promise<PrivateRedis> {
    const redis = await PrivateRedis.reserve(args, port);
    await redis.restart();
    return redis;
  }

  /** A server on `port` (a free one by default), not started yet (`restart()` starts it), so "Redis down at start" can be tested. */
  static async reserve(args: readonly string[] = [], port?: number): Promise<PrivateRedis> {
    return new PrivateRedis(port ?? await freePort(), args);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (empty), or again on the same port after `kill()`; resolves once it accepts connections. */
  restart(): Promise<void> {
    const child = spawn('redis-server', [
      '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, ...this.args,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    return new Promise((resolve, reject) => {
      let output = '';
      const onExit = (code: number | null): void => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`));
      child.once('exit', onExit);
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          child.off('exit', onExit);
          resolve();
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    });
  }

  /** Kills the server at once (SIGKILL), as a crash would; resolves once it has exited. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Kills the server and removes its directory. */
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
