/**
 * Error packs: got (ESM only, hence `.mts`).
 *
 * A stand-in API answers 429 with `Retry-After: 0` once, then 200. got's own retries are
 * off (`retry: { limit: 0 }`), so one retry policy decides: `gotErrors()` reads the status
 * and the Retry-After from got's `HTTPError`.
 *
 *   npx tsx examples/packs/got.mts
 */
import got from 'got';
import { retry } from 'maestro-retry';
import { gotErrors } from 'maestro-retry/packs/got';
import { describeVerdict, startLoopback } from './loopback.js';

const api = await startLoopback((_req, res, n) => {
  if (n === 1) res.writeHead(429, { 'retry-after': '0' }).end('slow down');
  else res.end('{"items":[1,2,3]}');
});
const pack = gotErrors();
try {
  const body = await retry(() => got(`${api.url}/items`, { retry: { limit: 0 } }).json<{ items: number[] }>(), {
    classify: [pack],
    initialDelay: 10,
    onRetry: ({ attempt, error }) => console.log(`attempt ${attempt}: ${(error as Error).name} is ${describeVerdict(pack(error))}`),
  });
  console.log(`items: ${body.items.join(', ')}`);
} finally {
  await api.close();
}
