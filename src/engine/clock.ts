/**
 * Where time comes from. Every clock read, every wait and every deadline of the library goes
 * through one, so a fake clock governs all of them.
 *
 * @example
 * const clock = new ManualClock();
 * const p = retry(fn, { clock });
 * await clock.runAll();
 */
export interface Clock {
  /** The current time in ms. The system clock returns epoch ms (HTTP-date `Retry-After` needs that). */
  now(): number;
  /**
   * Resolves after `ms` milliseconds. When `signal` aborts first, the timer is cleared and the
   * promise rejects with `signal.reason`. Must support any `ms` up to `Number.MAX_SAFE_INTEGER`.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}


/** The longest delay Node's `setTimeout` honours; above it, it fires after 1 ms. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * `performance.timeOrigin`, read once: its getter costs about as much as `performance.now()`
 * itself, and the origin never changes within a process.
 */
const TIME_ORIGIN = performance.timeOrigin;

/**
 * The real clock: `now()` is epoch ms with sub-ms precision (`performance.timeOrigin +
 * performance.now()`, monotonic within a process; `performance.now` is looked up at each call), and `sleep` uses the global `setTimeout`
 * looked up at call time, so Jest's or sinon's fake timers take effect. A sleep longer than
 * 2^31-1 ms is split into chained timers, so it lasts as long as it says. A fractional delay is
 * rounded up to the next millisecond: Node's timers count whole milliseconds and drop the
 * fraction, so `setTimeout(fn, 6.9)` fires after about 6.1 ms, and a sleep should not end
 * early (a hedge delay of a few ms would be 10% short).
 *
 * @example
 * await systemClock.sleep(250);
 */
export const systemClock: Clock = {
  now: () => TIME_ORIGIN + performance.now(),
  sleep,
};

function sleep(delay: number, signal?: AbortSignal): Promise<void> {
  const ms = Math.ceil(delay);
  // The common case, one timer and nothing to listen to: no closures beyond the promise's own
  // (a call waiting in its delay holds only the promise and the timer).
  if (signal === undefined && ms <= MAX_TIMER_DELAY) return new Promise<void>((resolve) => void setTimeout(resolve, ms));
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    let remaining = ms;
    let timer: ReturnType<typeof setTimeout>;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const arm = (): void => {
      const chunk = remaining > MAX_TIMER_DELAY ? MAX_TIMER_DELAY : remaining;
      remaining -= chunk;
      timer = setTimeout(fire, chunk);
    };
    const fire = (): void => {
      if (remaining > 0) return arm();
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    arm();
  });
}
