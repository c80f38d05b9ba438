/**
 * A loopback TCP proxy in front of a real server, for faults a test switches on and off: a
 * refused port (the proxy stops listening) and connections cut mid-query.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The loopback port clients connect to; it stays the same across `refuse()` and `accept()`. */
  readonly port: number;
  /** Stops listening: new connections are refused (ECONNREFUSED). Open ones stay. */
  refuse(): Promise<void>;
  /** Listens again on the same port. */
  accept(): Promise<void>;
  /** Destroys every open connection, both ways, as a network failure would. */
  cut(): void;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Refuses and cuts everything. */
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/** A proxy to `target` on 127.0.0.1, listening on a free port. */
export async function tcpProxy(target: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let accepted = 0;
  let server = createServer();
  const onConnection = (client: Socket): void => {
    accepted++;
    const upstream = connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  };
  server.on('connection', onConnection);
  const port = await listen(server, 0);
  const proxy: TcpProxy = {
    port,
    get accepted() { return accepted; },
    refuse: () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
    accept: async () => {
      if (server.listening) return;
      server = createServer();
      server.on('connection', onConnection);
      await listen(server, port);
    },
    cut: () => { for (const socket of open) socket.destroy(); },
    close: async () => {
      proxy.cut();
      await proxy.refuse();
    },
  };
  return proxy;
}
