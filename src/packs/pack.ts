/**
 * What every error pack is built from: a judge of one error, walked down the error's `cause`
 * chain, and the check of a pack's options. Internal to the packs (`src/packs/<client>.ts`).
 */
import type { ErrorClassification, ErrorClassifier, ErrorVerdict } from '../decision/classifier.js';
import { isTransientError, MAX_CAUSE_DEPTH } from '../decision/classify.js';
import { typeFail } from '../engine/validate.js';
import { describe, isErrorLike, safeGet } from '../observers/safe.js';

/** A pack's answer about one error: a verdict, or `undefined` when the error is not its client's. */
export type PackAnswer = ErrorVerdict | ErrorClassification | undefined;

/**
 * A classifier that asks `judge` about the error, then about each error down its `cause` chain
 * (at most `MAX_CAUSE_DEPTH` links below it, as the default classification walks), and returns
 * the first answer. A value that is not an error (a thrown string) gets no answer. `judge` reads
 * the error with `safeGet`, so a hostile error (a getter that throws) cannot make it throw.
 */
export function classifierOf(judge: (error: object) => PackAnswer): ErrorClassifier {
  return (error) => {
    let link: unknown = error;
    for (let depth = 0; depth <= MAX_CAUSE_DEPTH && isErrorLike(link); depth++) {
      const answer = judge(link);
      if (answer !== undefined) return answer;
      link = safeGet(link, 'cause');
    }
    return undefined;
  };
}

/**
 * The answer for a Node socket error (one with a string `code` and `syscall`, as `net` and the
 * clients' own connect timeouts make): `'transient'` when the default classification retries
 * its code (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EPIPE, EHOSTUNREACH, ...), else `undefined`
 * (ENOTFOUND, EACCES: left to the default). Every database client surfaces these when its
 * server is down, restarting or out of reach.
 */
export function socketAnswer(error: object): 'transient' | undefined {
  if (stringOf(error, 'code') === undefined || stringOf(error, 'syscall') === undefined) return undefined;
  return isTransientError(error) ? 'transient' : undefined;
}

/** `error[key]` when it is a string, else `undefined`. */
export function stringOf(error: object, key: string): string | undefined {
  const value = safeGet(error, key);
  return typeof value === 'string' ? value : undefined;
}

/**
 * A pack factory's options after checking: `defaults` with the boolean options `given` sets.
 * A key the pack does not know (a typo) or a value that is not a boolean is a `TypeError`
 * naming the factory, the option and the value.
 */
export function readFlags<K extends string>(factory: string, given: unknown, defaults: Readonly<Record<K, boolean>>): Readonly<Record<K, boolean>> {
  if (given === undefined) return defaults;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) typeFail(`${factory}(options)`, 'an object', given);
  const flags: Record<string, boolean> = { ...defaults };
  for (const key of Object.keys(given)) {
    const value = safeGet(given, key);
    if (!Object.hasOwn(defaults, key)) {
      throw new TypeError(`maestro-retry: ${factory}() has no option \`${key}\` (got ${describe(value)}); its options are ${Object.keys(defaults).map((k) => `\`${k}\``).join(', ')}`);
    }
    if (value === undefined) continue;
    if (typeof value !== 'boolean') typeFail(`${factory}({ ${key} })`, 'a boolean', value);
    flags[key] = value;
  }
  return flags as Record<K, boolean>;
}
