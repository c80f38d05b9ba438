import type { ErrorSummary, RetryAttempt } from '../engine/types.js';

const INITIAL_CAPACITY = 8;

/**
 * The last `capacity` attempts of one operation, in columns (typed arrays), so recording an
 * attempt allocates nothing but the error summary of a failure. Grows by doubling up to
 * `capacity`, so an operation called twice holds two slots' worth, not a hundred.
 */
export class AttemptRing {
  #capacity: number;
  #size = 0;
  #next = 0;
  #numbers: Float64Array;
  #delays: Float64Array;
  #timestamps: Float64Array;
  #durations: Float64Array;
  #success: Uint8Array;
  #errors: Array<ErrorSummary | undefined>;

  constructor(capacity: number) {
    this.#capacity = capacity;
    const initial = Math.min(capacity, INITIAL_CAPACITY);
    this.#numbers = new Float64Array(initial);
    this.#delays = new Float64Array(initial);
    this.#timestamps = new Float64Array(initial);
    this.#durations = new Float64Array(initial);
    this.#success = new Uint8Array(initial);
    this.#errors = new Array<ErrorSummary | undefined>(initial);
  }

  push(attemptNumber: number, delay: number, success: boolean, error: ErrorSummary | undefined, timestamp: number, durationMs: number): void {
    if (this.#capacity === 0) return;
    if (this.#next === this.#numbers.length && this.#numbers.length < this.#capacity) this.#grow();
    const i = this.#next;
    this.#numbers[i] = attemptNumber;
    this.#delays[i] = delay;
    this.#timestamps[i] = timestamp;
    this.#durations[i] = durationMs;
    this.#success[i] = success ? 1 : 0;
    this.#errors[i] = error;
    this.#next = i + 1 === this.#capacity ? 0 : i + 1;
    if (this.#size < this.#capacity) this.#size++;
  }

  /** The kept attempts as `RetryAttempt` objects, oldest first. */
  toArray(operationName: string): RetryAttempt[] {
    const out: RetryAttempt[] = [];
    const start = this.#size < this.#capacity ? 0 : this.#next;
    for (let k = 0; k < this.#size; k++) {
      const i = (start + k) % this.#capacity;
      const error = this.#errors[i];
      const base = {
        operationName,
        attemptNumber: this.#numbers[i]!,
        delay: this.#delays[i]!,
        success: this.#success[i] === 1,
        timestamp: this.#timestamps[i]!,
        durationMs: this.#durations[i]!,
      };
      out.push(error === undefined ? base : { ...base, error });
    }
    return out;
  }

  #grow(): void {
    const length = Math.min(this.#capacity, this.#numbers.length * 2);
    const grow = <A extends Float64Array | Uint8Array>(old: A, make: (n: number) => A): A => {
      const bigger = make(length);
      bigger.set(old);
      return bigger;
    };
    this.#numbers = grow(this.#numbers, (n) => new Float64Array(n));
    this.#delays = grow(this.#delays, (n) => new Float64Array(n));
    this.#timestamps = grow(this.#timestamps, (n) => new Float64Array(n));
    this.#durations = grow(this.#durations, (n) => new Float64Array(n));
    this.#success = grow(this.#success, (n) => new Uint8Array(n));
    this.#errors.length = length;
  }
}
