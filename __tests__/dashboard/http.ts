/**
 * A real loopback HTTP server around a handler, and a raw client (node:http, which sends the
 * path exactly as given: no `..` normalisation) that reads Server-Sent Events.
 */
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Loopback {
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

export function serve(handler: RequestListener): Promise<Loopback> {
  const server: Server = createServer(handler);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        port,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One request; resolves with the whole body. */
export function fetchRaw(port: number, path: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** An open Server-Sent Events stream: its messages' `data` parsed as JSON, in order. */
export interface EventStream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly messages: unknown[];
  /** Resolves when at least `n` messages have arrived (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<unknown>;
  /** Drops the connection, as a closed browser tab does. */
  destroy(): void;
  readonly response: IncomingMessage;
}

export function openStream(port: number, path: string): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      const messages: unknown[] = [];
      const waiters: Array<() => void> = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data !== '') messages.push(JSON.parse(data));
        }
        for (const w of waiters.splice(0)) w();
      });
      resolve({
        status: res.statusCode!,
        headers: res.headers,
        messages,
        response: res,
        destroy: () => req.destroy(),
        waitFor(n, timeoutMs = 2000) {
          return new Promise((done, fail) => {
            const timer = setTimeout(() => fail(new Error(`waited ${timeoutMs} ms for message ${n}, have ${messages.length}`)), timeoutMs);
            const check = (): void => {
              if (messages.length >= n) {
                clearTimeout(timer);
                done(messages[n - 1]);
              } else waiters.push(check);
            };
            check();
          });
        },
      });
    });
    req.on('error', reject);
    req.end();
  });
}
