/**
 * The error for an option key the library does not know, with the option it most likely means.
 */

const ALIASES: Readonly<Record<string, string>> = {
  retries: 'maxRetries', minTimeout: 'initialDelay', delay: 'initialDelay', factor: 'backoffBase',
  maxTimeout: 'maxDelay', onFailedAttempt: 'onRetry',
};

/** A `TypeError` naming the unknown option `key`, suggesting one of `known` where one is close. */
export function unknownOptionError(key: string, known: readonly string[]): TypeError {
  const alias = Object.prototype.hasOwnProperty.call(ALIASES, key) ? ALIASES[key] : undefined;
  const hint = alias !== undefined && known.includes(alias) ? ` (did you mean \`${alias}\`?)` : '';
  return new TypeError(`maestro-retry: unknown option \`${key}\`${hint}`);
}
