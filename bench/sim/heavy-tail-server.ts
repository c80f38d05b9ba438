/**
 * A loopback HTTP server with heavy-tailed latency, run in its own process so its timers do
 * not share an event loop with the client under test (`bench/simulate-hedging.ts` forks it).
 *
 * Each request waits a delay drawn independently from a seeded random, in order of arrival:
 * with probability `slowShare` uniform in [slowMin, slowMax] ms, else uniform in
 * [fastMin, fastMax] ms; then it answers 200 with a short body. A request whose client goes
 * away first (a hedge's loser, aborted) has its timer cleared and is counted as cancelled.
 *
 * Parent protocol (IPC): the server sends `{ port }` once listening; on `'stats'` it answers
 * `{ received, answered, cancelled }`; on `{ model }` it draws from that model from then on
 * (answering `'ok'`); on `'close'` it closes and exits.
 *
 *   node --import tsx bench/sim/heavy-tail-server.ts --seed=1 --slowShare=0.05
 */
import { createServer } from 'node:http';
import { seededRandom } from './random.js';

/** The latency model, in ms. */
export interface HeavyTailModel {
  readonly seed: number;
  readonly slowShare: number;
  readonly fastMin: number;
  readonly fastMax: number;
  readonly slowMin: number;
  readonly slowMax: number;
}

/** 95% near 5 ms, 5% near 250 ms. */
export const DEFAULT_MODEL: HeavyTailModel = { seed: 1, slowShare: 0.05, fastMin: 4, fastMax: 6, slowMin: 225, slowMax: 275 };

/** A function drawing one request's delay from `model`. */
export function delays(model: HeavyTailModel): () => number {
  const random = seededRandom(model.seed);
  return () => {
    const slow = random() < model.slowShare;
    const u = random();
    return slow ? model.slowMin + u * (model.slowMax - model.slowMin) : model.fastMin + u * (model.fastMax - model.fastMin);
  };
}

function serve(model: HeavyTailModel): void {
  let next = delays(model);
  let received = 0;
  let answered = 0;
  let cancelled = 0;
  const server = createServer((req, res) => {
    received++;
    const timer = setTimeout(() => {
      answered++;
      res.end('ok');
    }, next());
    res.on('close', () => {
      if (!res.writableFinished) {
        clearTimeout(timer);
        cancelled++;
      }
    });
    req.resume();
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send!({ port: typeof address === 'object' && address !== null ? address.port : 0 });
  });
  process.on('message', (message) => {
    if (message === 'stats') process.send!({ received, answered, cancelled });
    if (typeof message === 'object' && message !== null && 'model' in message) {
      // A new latency model from now on (an overload that starts), its draws seeded anew.
      next = delays({ ...model, ...(message as { model: Partial<HeavyTailModel> }).model });
      process.send!('ok');
    }
    if (message === 'close') {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module) {
  const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
  const model: { -readonly [K in keyof HeavyTailModel]: number } = { ...DEFAULT_MODEL };
  for (const key of Object.keys(model) as (keyof HeavyTailModel)[]) {
    if (args[key] !== undefined) model[key] = Number(args[key]);
  }
  serve(model);
}
