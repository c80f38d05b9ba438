import type { OperationRecorder } from '../../src/engine/seams.js';
import type { OperationRecord } from '../../src/registry/operation-record.js';
import { RetryRegistry } from '../../src/registry/retry-registry.js';

/**
 * A registry whose recorder throws `error` from `method` (after recording) when `when(args)`
 * holds: the registry is one of a call's internals too, and may fail.
 */
export class FaultyRegistry extends RetryRegistry {
  constructor(readonly method: keyof OperationRecorder, readonly when: (args: unknown[]) => boolean, readonly error: unknown) {
    super();
  }

  override operation(name: string): OperationRecord {
    const inner = super.operation(name);
    const { method, when, error } = this;
    return new Proxy(inner, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]): unknown => {
          const out: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (key === method && when(args)) throw error;
          return out;
        };
      },
    });
  }
}
