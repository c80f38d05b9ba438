/**
 * The recent attempt latencies of each operation, for hedging's percentile delay: one
 * {@link LatencyEstimate} per operation name, made on first use. The store is bounded: past
 * `maxOperations` names, the one used least recently is dropped (an operation that comes back
 * starts a new estimate).
 *
 * Calls share the store they name (`hedging.latencies`), else {@link defaultLatencyStore}, so
 * that `retry(fn, options)`, whose options are read anew at every call, still learns from the
 * calls before it.
 */
import { LatencyEstimate, type LatencyEstimateOptions } from './latency-estimate.js';
import { positiveInteger, readOptions } from './validate.js';

/** Options of {@link LatencyStore}. */
export interface LatencyStoreOptions {
  /** How many operations' estimates are kept. @default 1000 */
  readonly maxOperations?: number;
  /** Options of each operation's estimate (validated here, once). */
  readonly estimate?: LatencyEstimateOptions;
}

const OWNER = 'LatencyStore';

/** Recent attempt latencies, per operation name. */
export class LatencyStore {
  /** How many operations' estimates are kept (the `maxOperations` option, or its default). */
  readonly maxOperations: number;
  readonly #estimateOptions: LatencyEstimateOptions | undefined;
  /** In order of use: the first key is the least recently used. */
  readonly #estimates = new Map<string, LatencyEstimate>();

  /** @throws {TypeError | RangeError} when an option has the wrong type or is out of range. */
  constructor(options?: LatencyStoreOptions) {
    const o = readOptions(OWNER, options);
    this.maxOperations = positiveInteger(OWNER, 'maxOperations', o.maxOperations, 1000);
    this.#estimateOptions = o.estimate;
    new LatencyEstimate(this.#estimateOptions); // validates now rather than at the first call
  }

  /** The estimate of `operationName`, made (and the least recently used dropped) when new. */
  estimate(operationName: string): LatencyEstimate {
    let estimate = this.#estimates.get(operationName);
    if (estimate !== undefined) {
      this.#estimates.delete(operationName);
    } else {
      estimate = new LatencyEstimate(this.#estimateOptions);
      if (this.#estimates.size >= this.maxOperations) this.#estimates.delete(this.#estimates.keys().next().value!);
    }
    this.#estimates.set(operationName, estimate);
    return estimate;
  }

  /** The operations whose estimates are kept, least recently used first. */
  operations(): string[] {
    return [...this.#estimates.keys()];
  }

  /** Forgets every estimate. */
  clear(): void {
    this.#estimates.clear();
  }
}

/** The store of every call whose hedging names none. */
export const defaultLatencyStore = new LatencyStore();
