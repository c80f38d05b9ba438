/**
 * What the error-pack suites share: a real HTTP server on loopback whose answer each test
 * sets, a port nothing listens on, a clock that records the engine's waits instead of
 * waiting them, and a runner for clients that must run in a plain Node child.
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Clock } from '../../src/engine/clock.js';

/** How the server answers one request; `n` counts requests from 1. */
export type Answer = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** A node:http server on 127.0.0.1 (port 0) that answers 200 "ok" unless a test sets `answer`. */
export interface LoopbackServer {
  readonly url: string;
  readonly port: number;
  /** Requests received so far. */
  readonly requests: number;
  /** How the next requests are answered; `undefined`: 200 "ok". */
  answer: Answer | undefined;
  /** Forgets the request count and the answer. */
  reset(): void;
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

/** Starts a {@link LoopbackServer}. Request bodies are read before `answer` runs. */
export async function loopbackServer(): Promise<LoopbackServer> {
  let requests = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      (state.answer ?? ok)(req, res, requests);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const state: LoopbackServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return requests;
    },
    answer: undefined,
    reset() {
      requests = 0;
      state.answer = undefined;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return state;
}

/** Answers with `status`, the given headers and a short body. */
export function status(code: number, headers: Record<string, string> = {}, body = `status ${code}`): Answer {
  return (_req, res) => {
    res.writeHead(code, headers);
    res.end(body);
  };
}

/** Destroys the connection without an answer (the client sees ECONNRESET or "other side closed"). */
export const reset: Answer = (req) => {
  req.socket.destroy();
};

/** Never answers, so the client's own timeout fires (the connection closes with the server). */
export const silent: Answer = () => {};

/** 200 "ok". */
export const ok: Answer = (_req, res) => {
  res.end('ok');
};

/** `fault` for the first request, then `after` (200 "ok"): a fault that clears. */
export function thenOk(fault: Answer, after: Answer = ok): Answer {
  return (req, res, n) => (n === 1 ? fault : after)(req, res, n);
}

/** A loopback port nothing listens on: bound, then released. Connecting to it is refused. */
export async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A clock for the engine that records each wait and returns at once, moving its own time
 * forward: a test sees the delays a call would have waited (a server's Retry-After, a gRPC
 * pushback) without waiting them.
 */
export class RecordingClock implements Clock {
  /** Every wait asked for, in ms, in order. */
  readonly waits: number[] = [];
  #now = Date.now();

  now(): number {
    return this.#now;
  }

  sleep(ms: number): Promise<void> {
    this.waits.push(ms);
    this.#now += ms;
    return Promise.resolve();
  }
}

/** The error `promise` rejects with; fails the test when it fulfils. */
export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/**
 * Runs `script` (an ESM TypeScript file, relative to this folder) in a plain `node --import
 * tsx` child with `input` as its JSON argument, and resolves with what it prints. For clients that
 * cannot run inside Jest: got is ESM only (Jest compiles these suites to CommonJS), and
 * Node's own network errors reach the AWS SDK from another realm under Jest, where the SDK
 * replaces them with a bare "AWS SDK error wrapper" that has lost its code.
 */
export function runInNode(script: string, input: unknown = null): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', join(__dirname, script), JSON.stringify(input)], {
      cwd: join(__dirname, '../..'),
      timeout: 20_000,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${script} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** One call a child script (see {@link runInNode}) makes. */
export interface ChildCall {
  /** Names the outcome. */
  readonly name: string;
  readonly url: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** The client's own timeout for the call. */
  readonly timeoutMs?: number;
  /** The pack's `idempotent` option. */
  readonly idempotent?: boolean;
  /** Run the call under retry() with the pack instead of once. */
  readonly retry?: boolean;
}

/** What came of a {@link ChildCall}. */
export interface ChildOutcome {
  readonly name: string;
  /** The error the client rejected with (of the one call, or the last attempt under retry()). */
  readonly error?: { readonly name: string; readonly code?: string; readonly event?: string; readonly status?: number };
  /** The pack's answer for that error. */
  readonly verdict?: unknown;
  /** What a successful call resolved with. */
  readonly value?: unknown;
  /** The waits retry() asked its clock for. */
  readonly waits?: number[];
}

/** Resolves once `condition()` holds, looking every millisecond; rejects after `limitMs` of real time. */
export async function until(condition: () => boolean, limitMs = 5_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
