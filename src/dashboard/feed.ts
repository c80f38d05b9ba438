import type { ServerResponse } from 'node:http';
import type { Clock } from '../engine/clock.js';

/**
 * The live feed's clients: Server-Sent Events responses, at most `maxClients` at once. While
 * at least one is connected, one loop sleeps `intervalMs` on the clock and sends every client
 * the same snapshot (made once per refresh). A client that has not drained what it was sent
 * skips refreshes rather than queueing them. When a client disconnects its response and
 * listener are dropped; when the last one goes, the loop's sleep is aborted, so no timer is
 * left behind.
 */
export class Feed {
  readonly #clients = new Set<ServerResponse>();
  readonly #maxClients: number;
  readonly #intervalMs: number;
  readonly #clock: Clock;
  readonly #snapshot: () => string;
  #loop: AbortController | undefined;

  constructor(maxClients: number, intervalMs: number, clock: Clock, snapshot: () => string) {
    this.#maxClients = maxClients;
    this.#intervalMs = intervalMs;
    this.#clock = clock;
    this.#snapshot = snapshot;
  }

  /** Clients connected now. */
  get size(): number {
    return this.#clients.size;
  }

  /** Whether the refresh loop is running. */
  get running(): boolean {
    return this.#loop !== undefined;
  }

  /** Takes `res` as a client and sends it a first snapshot; `false` (nothing written) when full. */
  add(res: ServerResponse): boolean {
    if (this.#clients.size >= this.#maxClients) return false;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
      // Tell proxies (nginx) not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    this.#clients.add(res);
    res.once('close', () => this.#remove(res));
    // Reconnect after a refresh interval if the connection drops.
    res.write(`retry: ${Math.max(1000, this.#intervalMs)}\n`);
    this.#send(res, this.#snapshot());
    if (this.#loop === undefined) this.#start();
    return true;
  }

  /** Ends every client's stream and stops the loop. */
  close(): void {
    for (const res of [...this.#clients]) {
      this.#remove(res);
      res.end();
    }
  }

  #remove(res: ServerResponse): void {
    if (!this.#clients.delete(res)) return;
    if (this.#clients.size === 0) {
      this.#loop?.abort();
      this.#loop = undefined;
    }
  }

  #send(res: ServerResponse, json: string): void {
    if (res.writableNeedDrain) return;
    res.write(`data: ${json}\n\n`);
  }

  #start(): void {
    const loop = new AbortController();
    this.#loop = loop;
    void (async () => {
      for (;;) {
        try {
          await this.#clock.sleep(this.#intervalMs, loop.signal);
        } catch {
          return; // aborted: the last client left
        }
        if (loop.signal.aborted) return;
        let json: string;
        try {
          json = this.#snapshot();
        } catch (error) {
          warnOnce(error);
          continue;
        }
        for (const res of this.#clients) this.#send(res, json);
      }
    })();
  }
}

let warned = false;

/** A snapshot that fails is skipped; the first failure of the process is reported as a warning. */
function warnOnce(error: unknown): void {
  if (warned) return;
  warned = true;
  process.emitWarning(`maestro-retry: the statistics page could not make a snapshot: ${error instanceof Error ? error.message : String(error)}`, { type: 'MaestroRetryWarning', code: 'MAESTRO_RETRY_DASHBOARD_SNAPSHOT' });
}
