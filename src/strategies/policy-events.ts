import type { PolicyEvent } from '../observers/observer.js';
import { Listeners } from './listeners.js';

/**
 * A policy's own event stream: `subscribe` adds a listener and returns the function that
 * removes it; `emit` sends one frozen {@link PolicyEvent}, built only when somebody listens.
 * A listener that throws is reported with `process.emitWarning` and stops nothing.
 */
export class PolicyEvents {
  readonly #policy: PolicyEvent['policy'];
  readonly #name: string;
  readonly #listeners: Listeners<PolicyEvent>;

  /** @param owner names the policy class in the warning a throwing listener causes. */
  constructor(policy: PolicyEvent['policy'], name: string, owner: string) {
    this.#policy = policy;
    this.#name = name;
    this.#listeners = new Listeners(`${owner} subscribe`);
  }

  /** Whether anybody listens (so a caller can skip building details). */
  get listening(): boolean {
    return this.#listeners.size > 0;
  }

  /** Subscribes `listener`; the returned function unsubscribes it. */
  subscribe(listener: (event: PolicyEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  /** Sends an event of `type` at `timestamp`, with `detail`'s fields added. */
  emit(type: string, timestamp: number, detail?: Readonly<Record<string, unknown>>): void {
    if (this.#listeners.size === 0) return;
    this.#listeners.emit(Object.freeze({ ...detail, policy: this.#policy, name: this.#name, type, timestamp }));
  }
}
