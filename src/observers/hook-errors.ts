/**
 * The one place that reports a hook, a listener or an observer that threw or rejected. With
 * `onHookError`, every failure goes to it. Without, a process warning is printed once per hook
 * and operation (as Node does for a repeated deprecation); the rest are only counted, in the
 * registry's `hookErrors` where the registry counts them.
 */
import type { HookName } from '../engine/types.js';
import { describe, safeGet } from './safe.js';

/** Warned (hook, operation) pairs; bounded, so a process with endless names cannot grow it. */
const warned = new Set<string>();
const MAX_WARNED = 1000;

/**
 * Reports `error`, thrown by `hook` during a call of `operationName`: to `onHookError` when
 * given (if that throws too, its error is warned instead), else as a `MaestroRetryWarning`,
 * once per hook and operation.
 */
export function reportHookError(error: unknown, hook: HookName, onHookError?: (error: unknown, hook: HookName) => void, operationName = ''): void {
  if (onHookError !== undefined) {
    try {
      onHookError(error, hook);
      return;
    } catch (second) {
      error = second;
    }
  }
  const key = `${hook}\u0000${operationName}`;
  if (warned.has(key) || warned.size >= MAX_WARNED) return;
  warned.add(key);
  const message = safeGet(error, 'message');
  const where = operationName === '' ? '' : ` (operation ${JSON.stringify(operationName.slice(0, 200))}; further failures of this hook there are counted in statistics, not printed)`;
  const text = `maestro-retry: the ${hook} hook threw: ${typeof message === 'string' ? message.slice(0, 500) : describe(error)}${where}`;
  if (typeof process !== 'undefined' && typeof process.emitWarning === 'function') {
    process.emitWarning(text, { type: 'MaestroRetryWarning', code: 'MAESTRO_RETRY_HOOK_ERROR' });
  } else {
    console.warn(text);
  }
}

/** Forgets which hooks have been warned of (for tests that check the warning itself). */
export function resetHookWarnings(): void {
  warned.clear();
}
