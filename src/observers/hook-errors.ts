import type { HookName } from '../engine/types.js';
import { describe, safeGet } from './safe.js';

/**
 * Reports an error thrown (or a rejection returned) by a hook or a registry listener. The call
 * goes on as if the hook had returned; the error goes to `onHookError` when given, else to a
 * process warning of type `MaestroRetryWarning`, so it is never lost silently.
 */
export function reportHookError(error: unknown, hook: HookName, onHookError?: (error: unknown, hook: HookName) => void): void {
  if (onHookError !== undefined) {
    try {
      onHookError(error, hook);
      return;
    } catch (second) {
      error = second;
    }
  }
  const message = safeGet(error, 'message');
  const text = `maestro-retry: the ${hook} hook threw: ${typeof message === 'string' ? message.slice(0, 500) : describe(error)}`;
  if (typeof process !== 'undefined' && typeof process.emitWarning === 'function') {
    process.emitWarning(text, { type: 'MaestroRetryWarning', code: 'MAESTRO_RETRY_HOOK_ERROR' });
  } else {
    console.warn(text);
  }
}

/**
 * Calls `hook(event)`, isolating the call from it: a throw is reported, a returned promise's
 * rejection is reported. Returns the promise when `wait` (onRetry), so the loop can await it.
 */
export function callHook<E>(hook: (event: E) => unknown, event: E, name: HookName, onHookError: ((e: unknown, h: HookName) => void) | undefined, wait: boolean): Promise<void> | undefined {
  let returned: unknown;
  try {
    returned = hook(event);
  } catch (error) {
    reportHookError(error, name, onHookError);
    return undefined;
  }
  if (returned === null || typeof returned !== 'object' || typeof (returned as PromiseLike<unknown>).then !== 'function') return undefined;
  const settled = Promise.resolve(returned as PromiseLike<unknown>).then(
    () => undefined,
    (error: unknown) => reportHookError(error, name, onHookError),
  );
  return wait ? settled : undefined;
}
