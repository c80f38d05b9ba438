import { processGlobal } from './process-global.js';
import { RetryRegistry } from './retry-registry.js';

/**
 * The version of what callers ask of the default registry (the `CallObserver` methods,
 * `getStatistics`, `getHistory`, `subscribe`). Copies of the library with the same version
 * share one default registry; bump it when that interface changes incompatibly.
 */
const DEFAULT_REGISTRY_VERSION = 1;

/**
 * The registry every entry point reports into unless told otherwise (`registry` option);
 * `getRetryStatistics()` and `getRetryHistory()` read it. One per process: the CommonJS and
 * the ESM build (and any other copy of the library of the same registry version) share it,
 * kept under `Symbol.for('maestro-retry.default-registry@1')` on `globalThis`.
 *
 * @example
 * defaultRegistry.getStatistics().calls;
 */
export const defaultRegistry: RetryRegistry = processGlobal('default-registry', DEFAULT_REGISTRY_VERSION, () => new RetryRegistry());
