import { brand, isBranded } from './brand.js';

/**
 * Why a shared state store fell back to per-process state when its server did not answer in
 * time: the `error` of the policy event `'store-fallback'`.
 *
 * @example
 * breaker.subscribe((e) => { if (e.type === 'store-fallback' && isStoreTimeoutError(e.error)) log.warn('Redis slow'); });
 */
export class StoreTimeoutError extends Error {
  /** Always `'StoreTimeoutError'`. */
  override readonly name = 'StoreTimeoutError' as const;
  /** The bound that ran out, in ms. */
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`The state store did not answer within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
    brand(this, 'StoreTimeoutError');
  }
}

/** Whether `value` is a {@link StoreTimeoutError}. */
export function isStoreTimeoutError(value: unknown): value is StoreTimeoutError {
  return isBranded(value, StoreTimeoutError, 'StoreTimeoutError');
}
