/**
 * Helpers the pack examples share, not part of maestro-retry: a local stand-in for the
 * remote service each example calls (a node:http server on 127.0.0.1, a free port, that the
 * example starts, scripts and closes), and a pack's answer in words.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running stand-in: its address, and how to stop it. */
export interface Loopback {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts a server that answers request `n` (from 1) with `answer`, once its body is read. */
export async function startLoopback(answer: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<Loopback> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res, ++n));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A pack's answer in a few words: `throttling, wait 50 ms`, `permanent`, `not the pack's`. */
export function describeVerdict(answer: string | { verdict: string; retryAfterMs?: number } | undefined): string {
  if (answer === undefined) return "not the pack's";
  if (typeof answer === 'string') return answer;
  return answer.retryAfterMs === undefined ? answer.verdict : `${answer.verdict}, wait ${answer.retryAfterMs} ms`;
}
