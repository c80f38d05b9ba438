import type { JitterStrategy } from '../engine/types.js';
import { checkFunction, checkNumber, rangeFail, typeFail } from '../engine/validate.js';

/** The options {@link calculateDelay} reads. */
export interface BackoffOptions {
  /** Delay before retry 1, in ms. @default 1000 */
  readonly initialDelay?: number;
  /** Multiplier per retry (>= 1). @default 2 */
  readonly backoffBase?: number;
  /** Cap on any single delay, in ms. @default 30000 */
  readonly maxDelay?: number;
  /** @default 'none' */
  readonly jitter?: JitterStrategy;
  /** A source of numbers in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Decorrelated jitter only: the delay used before the previous retry. @default initialDelay */
  readonly previousDelay?: number;
}

/** Backoff parameters after validation (internal). */
export interface BackoffParams {
  readonly initialDelay: number;
  readonly backoffBase: number;
  readonly maxDelay: number;
  readonly jitter: JitterStrategy;
  readonly random: () => number;
}

/** The backoff defaults: 1000 ms, doubling, capped at 30 s, no jitter. */
export const BACKOFF_DEFAULTS = { initialDelay: 1000, backoffBase: 2, maxDelay: 30_000, jitter: 'none' } as const;

const JITTERS: readonly JitterStrategy[] = ['none', 'full', 'equal', 'decorrelated'];

/** Validates the backoff options (`undefined` means the default). */
export function normalizeBackoff(options: BackoffOptions): BackoffParams {
  const initialDelay = options.initialDelay === undefined ? BACKOFF_DEFAULTS.initialDelay : checkNumber('initialDelay', options.initialDelay, false);
  let backoffBase: number = BACKOFF_DEFAULTS.backoffBase;
  if (options.backoffBase !== undefined) {
    if (typeof options.backoffBase !== 'number') typeFail('backoffBase', 'a number', options.backoffBase);
    if (!(options.backoffBase >= 1) || !Number.isFinite(options.backoffBase)) rangeFail('backoffBase', 'a finite number >= 1', options.backoffBase);
    backoffBase = options.backoffBase;
  }
  const maxDelay = options.maxDelay === undefined ? BACKOFF_DEFAULTS.maxDelay : checkNumber('maxDelay', options.maxDelay, false);
  if (options.maxDelay !== undefined && options.initialDelay !== undefined && maxDelay < initialDelay) {
    rangeFail('maxDelay', `at least \`initialDelay\` (${initialDelay})`, maxDelay);
  }
  const jitter = options.jitter === undefined ? BACKOFF_DEFAULTS.jitter : options.jitter;
  if (typeof jitter !== 'string') typeFail('jitter', "one of 'none', 'full', 'equal', 'decorrelated'", jitter);
  if (!JITTERS.includes(jitter)) rangeFail('jitter', "one of 'none', 'full', 'equal', 'decorrelated'", jitter);
  const random = options.random === undefined ? Math.random : checkFunction<() => number>('random', options.random);
  return { initialDelay, backoffBase, maxDelay, jitter, random };
}

function draw(random: () => number): number {
  const r = random();
  if (typeof r !== 'number' || !(r >= 0 && r < 1)) {
    throw new RangeError(`maestro-retry: option \`random\` must return a number in [0, 1), returned ${String(r)}`);
  }
  return r;
}

/** The un-jittered delay before retry `k`: min(maxDelay, initialDelay * backoffBase^(k-1)). */
export function baseDelay(p: BackoffParams, k: number): number {
  if (p.initialDelay === 0) return 0;
  const raw = p.initialDelay * p.backoffBase ** (k - 1);
  return raw < p.maxDelay ? raw : p.maxDelay;
}

/**
 * The delay before retry `k` (internal, unvalidated). `previous` is the delay actually used
 * before the previous retry (decorrelated jitter only).
 */
export function computeDelay(p: BackoffParams, k: number, previous: number | undefined): number {
  switch (p.jitter) {
    case 'none':
      return baseDelay(p, k);
    case 'full':
      return draw(p.random) * baseDelay(p, k);
    case 'equal': {
      const base = baseDelay(p, k);
      return base / 2 + (draw(p.random) * base) / 2;
    }
    case 'decorrelated': {
      const prev = previous ?? p.initialDelay;
      const next = p.initialDelay + draw(p.random) * (3 * prev - p.initialDelay);
      return next < p.maxDelay ? next : p.maxDelay;
    }
  }
}

/**
 * The delay before retry `retryNumber` (1-based), in ms:
 * `base(k) = min(maxDelay, initialDelay * backoffBase^(k-1))`, then jittered: `none` = base,
 * `full` = random * base, `equal` = base/2 + random * base/2, `decorrelated` =
 * min(maxDelay, initialDelay + random * (3 * previousDelay - initialDelay)).
 *
 * @example
 * calculateDelay(1); // 1000
 * calculateDelay(3); // 4000
 * calculateDelay(3, { jitter: 'full', random: () => 0.5 }); // 2000
 */
export function calculateDelay(retryNumber: number, options: BackoffOptions = {}): number {
  if (typeof retryNumber !== 'number') typeFail('retryNumber', 'a positive integer', retryNumber);
  if (!Number.isInteger(retryNumber) || retryNumber < 1) rangeFail('retryNumber', 'a positive integer', retryNumber);
  // `null` would otherwise fail with a bare "Cannot read properties of null", and a string
  // would silently mean "all defaults".
  if (typeof options !== 'object' || options === null || Array.isArray(options)) typeFail('options', 'an object', options);
  const params = normalizeBackoff(options);
  let previous: number | undefined;
  if (options.previousDelay !== undefined) previous = checkNumber('previousDelay', options.previousDelay, false);
  return computeDelay(params, retryNumber, previous);
}
