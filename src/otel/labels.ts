import { BoundedNames } from '../observers/bounded-names.js';
import { summarizeError } from '../registry/error-summary.js';
import { OTHER } from './conventions.js';

/** Bounds of the attribute values the bridge reports; see {@link Labels}. */
export interface LabelBounds {
  readonly maxOperations: number;
  readonly maxErrorTypes: number;
  readonly maxPolicies: number;
}

/**
 * Keeps every attribute value low-cardinality. Operation names, error types, policy names and
 * policy event types each keep their first N distinct values; any later new value is reported
 * as `_OTHER`. Error types are the error's `name` (for a thrown non-error, its type, such as
 * `string`), never its message.
 */
export class Labels {
  readonly #operations: BoundedNames;
  readonly #errorTypes: BoundedNames;
  readonly #policies: BoundedNames;
  readonly #policyEvents: BoundedNames;

  constructor(bounds: LabelBounds) {
    this.#operations = new BoundedNames(bounds.maxOperations, OTHER, 'createRetryTelemetry option `maxOperations`');
    this.#errorTypes = new BoundedNames(bounds.maxErrorTypes, OTHER, 'createRetryTelemetry option `maxErrorTypes`');
    this.#policies = new BoundedNames(bounds.maxPolicies, OTHER, 'createRetryTelemetry option `maxPolicies`');
    this.#policyEvents = new BoundedNames(bounds.maxErrorTypes, OTHER, 'createRetryTelemetry option `maxErrorTypes`');
  }

  /** The `maestro_retry.operation.name` of an operation name, bounded. */
  operation(name: unknown): string {
    return this.#operations.get(typeof name === 'string' ? name : String(name));
  }

  /** The `error.type` of `error`: its name, bounded. */
  errorType(error: unknown): string {
    return this.#errorTypes.get(summarizeError(error).name);
  }

  /** The `maestro_retry.policy.name` of a policy name, bounded. */
  policy(name: string): string {
    return this.#policies.get(name);
  }

  /** A policy kind or event type, bounded (they share `maxErrorTypes`). */
  policyEvent(type: unknown): string {
    return this.#policyEvents.get(typeof type === 'string' ? type : String(type));
  }
}
