/**
 * A tiny loopback TCP peer that speaks RESP (Redis's protocol) and answers each command as the
 * test says: for error replies a real server only gives in states a test cannot cheaply reach
 * (LOADING while loading a dataset, TRYAGAIN while resharding).
 */
import { createServer, type Socket } from 'node:net';

export interface RespPeer {
  readonly port: number;
  /** Every command received, as its arguments (the connection handshake included). */
  readonly commands: string[][];
  close(): Promise<void>;
}

/**
 * What to send back for one command: a raw RESP reply (`'-LOADING ...\r\n'`, `'+OK\r\n'`), or
 * `{ close: true }` to drop the connection, after sending `reply` if one is given.
 */
export type RespAnswer = (command: string[]) => string | { readonly reply?: string; readonly close: true };

/** Parses the complete RESP arrays of bulk strings at the start of `buffer`; returns them and what is left. */
function parse(buffer: Buffer): { commands: string[][]; rest: Buffer } {
  const commands: string[][] = [];
  let at = 0;
  for (;;) {
    const command: string[] = [];
    let i = at;
    const line = (): string | undefined => {
      const end = buffer.indexOf('\r\n', i);
      if (end < 0) return undefined;
      const text = buffer.toString('latin1', i, end);
      i = end + 2;
      return text;
    };
    const header = line();
    if (header === undefined || !header.startsWith('*')) break;
    const count = Number(header.slice(1));
    while (command.length < count) {
      const size = line();
      if (size === undefined || i + Number(size.slice(1)) + 2 > buffer.length) break;
      command.push(buffer.toString('utf8', i, i + Number(size.slice(1))));
      i += Number(size.slice(1)) + 2;
    }
    if (command.length < count) break;
    commands.push(command);
    at = i;
  }
  return { commands, rest: buffer.subarray(at) };
}

/** Starts a peer on a free loopback port. `CLIENT ...` (ioredis's handshake) is answered `+OK` without asking `answer`. */
export async function respPeer(answer: RespAnswer): Promise<RespPeer> {
  const commands: string[][] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const { commands: received, rest } = parse(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const command of received) {
        commands.push(command);
        const reply = command[0]!.toLowerCase() === 'client' ? '+OK\r\n' : answer(command);
        if (typeof reply === 'string') {
          socket.write(reply);
          continue;
        }
        if (reply.reply === undefined) socket.destroy();
        else socket.end(reply.reply, () => socket.destroy());
        return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    commands,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
