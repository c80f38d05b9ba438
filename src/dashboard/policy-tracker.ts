import type { PolicyEvent } from '../observers/observer.js';
import { checkWatchable, policyName, readPolicy, type WatchablePolicy } from '../observers/policy-reading.js';
import type { BreakerRow, BudgetRow, LimiterRow } from './snapshot.js';

interface Watched {
  readonly policy: WatchablePolicy;
  readonly name: string;
  readonly unsubscribe: () => void;
  /** Events seen, by type. */
  readonly counts: Map<string, number>;
  /** When a breaker entered its current state (or when watching began, if before). */
  since: number;
  sinceKnown: boolean;
}

/**
 * The policies the statistics page shows: it subscribes to each one's events (state changes,
 * refusals, throttles, waits) and reads its `stats` at every refresh. Names come from the
 * policies' `name` (their kind by default); a repeated name gets a ` #2`, ` #3` suffix.
 */
export class PolicyTracker {
  readonly #watched: Watched[] = [];

  constructor(policies: readonly unknown[], now: number) {
    const used = new Map<string, number>();
    for (const policy of policies) {
      checkWatchable(policy, 'createDashboard option `policies`');
      const kind = readPolicy(policy).kind;
      const base = policyName(policy, kind);
      const n = (used.get(base) ?? 0) + 1;
      used.set(base, n);
      const counts = new Map<string, number>();
      const entry: Watched = {
        policy, counts, name: n === 1 ? base : `${base} #${n}`, since: now, sinceKnown: false,
        unsubscribe: policy.subscribe((event: PolicyEvent) => {
          counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
          if (event.type === 'state-change' && typeof event.timestamp === 'number') {
            entry.since = event.timestamp;
            entry.sinceKnown = true;
          }
        }),
      };
      this.#watched.push(entry);
    }
  }

  rows(now: number): { breakers: BreakerRow[]; budgets: BudgetRow[]; limiters: LimiterRow[] } {
    const breakers: BreakerRow[] = [];
    const budgets: BudgetRow[] = [];
    const limiters: LimiterRow[] = [];
    for (const w of this.#watched) {
      const r = readPolicy(w.policy);
      const count = (type: string): number => w.counts.get(type) ?? 0;
      if (r.kind === 'circuit-breaker') {
        breakers.push({ name: w.name, state: r.state!, inStateMs: Math.max(0, now - w.since), inStateAtLeast: !w.sinceKnown, transitions: count('state-change') });
      } else if (r.kind === 'retry-budget') {
        budgets.push({ name: w.name, available: r.available!, ...(r.tokens === undefined ? {} : { tokens: r.tokens }), ...(r.capacity === undefined ? {} : { capacity: r.capacity }), refusals: count('refused') });
      } else if (r.kind === 'rate-limiter') {
        limiters.push({ name: w.name, enabled: r.enabled === true, rate: r.rate!, throttles: count('throttled'), waits: count('wait') });
      }
    }
    return { breakers, budgets, limiters };
  }

  close(): void {
    for (const w of this.#watched.splice(0)) w.unsubscribe();
  }
}
