/**
 * 1. Success without retries.
 *
 * Wrap a function once with `withRetry`; the wrapper has the same parameters and returns a
 * promise of the same result. When the first attempt succeeds, nothing else happens: no
 * delay, no timer, one attempt recorded.
 *
 *   npx tsx examples/01-success.ts
 */
import { withRetry } from 'maestro-retry';
import { runWhenExecuted, type Log } from './support.js';

export async function main(log: Log = console.log): Promise<{ user: { id: string; name: string }; attempts: number }> {
  let attempts = 0;

  // Any async function: here a stand-in for a database or HTTP lookup.
  async function getUser(id: string): Promise<{ id: string; name: string }> {
    attempts++;
    return { id, name: 'Ada Lovelace' };
  }

  // The wrapper is typed (id: string) => Promise<{ id; name }>. Options are validated here,
  // once; `initialDelay: 10` keeps the example fast should a retry ever be needed.
  const getUserWithRetry = withRetry(getUser, { maxRetries: 3, initialDelay: 10 });

  const user = await getUserWithRetry('42');
  log(`getUser('42') -> ${JSON.stringify(user)}`);
  log(`attempts: ${attempts} (the first one succeeded, so no retry and no delay)`);
  return { user, attempts };
}

runWhenExecuted('01-success', main);
