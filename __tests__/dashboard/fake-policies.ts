/**
 * Policies with the watchable shape (`name`, `stats`, `subscribe`) whose figures a test sets
 * directly, and which emit the PolicyEvents the real policies emit.
 */
import type { PolicyEvent } from '../../src/observers/observer.js';

export class FakePolicy<S extends object> {
  readonly listeners = new Set<(e: PolicyEvent) => void>();
  constructor(readonly name: string | undefined, public stats: S, private readonly kind: string) {}

  subscribe(listener: (e: PolicyEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  emit(type: string, timestamp: number, details: Record<string, unknown> = {}): void {
    const event: PolicyEvent = { policy: this.kind, name: this.name ?? this.kind, type, timestamp, ...details };
    for (const l of this.listeners) l(event);
  }
}

export const fakeBreaker = (name?: string) => new FakePolicy(name, { state: 'closed' as string }, 'circuit-breaker');
export const fakeBudget = (name?: string) => new FakePolicy(name, { available: 100, tokens: 500, capacity: 500 }, 'retry-budget');
export const fakeLimiter = (name?: string) => new FakePolicy(name, { enabled: false, fillRate: 0.5 }, 'rate-limiter');
