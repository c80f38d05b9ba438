// The cases every benchmark compares: maestro-retry (from dist, through the package's own
// export), a bare call, a plain async wrapper, a hand-written loop, and the peers users pick
// instead. Each `make*` returns a fresh function per case, so no case shares a call site (and
// its type feedback) with another.
import { withRetry, defaultRegistry, Retryable } from 'maestro-retry';
import pRetry from 'p-retry';
import { retry as cockatielRetry, handleAll, ConstantBackoff, ExponentialBackoff } from 'cockatiel';
import asyncRetry from 'async-retry';
import expBackoff from 'exponential-backoff';
import tsRetryPromise from 'ts-retry-promise';
import { Retryable as TrdRetryable, BackOffPolicy } from 'typescript-retry-decorator';
import Opossum from 'opossum';

export { defaultRegistry };


const now = () => performance.now();

/** A transient error as Node produces it (`ECONNRESET`): every library retries it. */
export function transientError() {
  const error = new Error('read ECONNRESET');
  error.code = 'ECONNRESET';
  return error;
}

/**
 * Applies a TC39 (standard) method decorator by hand, as TypeScript >= 5 emits it without
 * `experimentalDecorators`: the decorator gets the method and a context, may return a
 * replacement, and may register initializers that run on every new instance.
 */
export function decorateTc39(klass, name, decorator) {
  const initializers = [];
  const original = klass.prototype[name];
  const context = {
    kind: 'method', name, static: false, private: false, metadata: {},
    addInitializer: (f) => initializers.push(f),
    access: { has: (o) => name in o, get: (o) => o[name] },
  };
  const replaced = decorator(original, context) ?? original;
  Object.defineProperty(klass.prototype, name, { value: replaced, writable: true, configurable: true, enumerable: false });
  return (instance) => {
    for (const f of initializers) f.call(instance);
    return instance;
  };
}

/** Applies a legacy (`experimentalDecorators`) method decorator by hand. */
export function decorateLegacy(klass, name, decorator) {
  const descriptor = Object.getOwnPropertyDescriptor(klass.prototype, name);
  const out = decorator(klass.prototype, name, descriptor) ?? descriptor;
  Object.defineProperty(klass.prototype, name, out);
}

/**
 * (a) The success path: every case calls an async function that fulfils at once.
 * Each entry: `[name, group, make]`; `make()` returns `(i) => Promise`.
 */
export function successCases() {
  const target = () => async function target(x) { return x; };
  const cases = [
    ['bare call', 'baseline', () => target()],
    ['plain async wrapper', 'reference', () => { const t = target(); return async (x) => await t(x); }],
    // What the two clock reads of a recorded call cost with no wrapper at all.
    ['bare call + 2 clock reads', 'reference', () => {
      const t = target();
      return (x) => { const t0 = now(); const p = t(x); if (now() - t0 < 0) throw new Error('clock'); return p; };
    }],
    ['async wrapper + 2 clock reads', 'reference', () => {
      const t = target();
      return async (x) => { const t0 = now(); const v = await t(x); if (now() - t0 < 0) throw new Error('clock'); return v; };
    }],
    // The least a wrapper that can retry must do without an `async` frame: one `then` whose
    // rejection handler keeps the call's argument (what maestro-retry's lean path does).
    ['then wrapper keeping its argument', 'reference', () => {
      const t = target();
      return (x) => t(x).then(undefined, (error) => { throw Object.assign(error, { retryWith: x }); });
    }],
    ['then wrapper + 2 clock reads', 'reference', () => {
      const t = target();
      return (x) => {
        const t0 = now();
        return t(x).then((v) => { if (now() - t0 < 0) throw new Error('clock'); return v; }, (error) => { throw Object.assign(error, { retryWith: x, t0 }); });
      };
    }],
    ['maestro withRetry, registry off', 'maestro', () => withRetry(target(), { registry: false })],
    ['maestro withRetry, registry on', 'maestro', () => withRetry(target(), { operationName: 'bench.success' })],
    ['plain method', 'reference', () => {
      class Api { async get(x) { return x; } }
      const api = new Api();
      return (x) => api.get(x);
    }],
  ];
  cases.push(['maestro @Retryable method, registry off', 'maestro', () => {
    class Api { async get(x) { return x; } }
    const init = decorateTc39(Api, 'get', Retryable({ registry: false }));
    const api = init(new Api());
    return (x) => api.get(x);
  }]);
  cases.push(['maestro @Retryable method, registry on', 'maestro', () => {
    class Api { async get(x) { return x; } }
    const init = decorateTc39(Api, 'get', Retryable());
    const api = init(new Api());
    return (x) => api.get(x);
  }]);
  cases.push(
    ['cockatiel', 'peer', () => {
      const t = target();
      const policy = cockatielRetry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });
      return (x) => policy.execute(() => t(x));
    }],
    ['opossum (breaker, defaults)', 'peer', () => {
      const breaker = new Opossum(target());
      cleanups.push(() => breaker.shutdown());
      return (x) => breaker.fire(x);
    }],
    ['async-retry', 'peer', () => { const t = target(); return (x) => asyncRetry(() => t(x), { retries: 3 }); }],
    ['ts-retry-promise', 'peer', () => { const t = target(); return (x) => tsRetryPromise.retry(() => t(x), { retries: 3 }); }],
    ['exponential-backoff', 'peer', () => { const t = target(); return (x) => expBackoff.backOff(() => t(x), { numOfAttempts: 4 }); }],
    ['typescript-retry-decorator', 'peer', () => {
      class Api { async get(x) { return x; } }
      decorateLegacy(Api, 'get', TrdRetryable({ maxAttempts: 3 }));
      const api = new Api();
      return (x) => api.get(x);
    }],
    ['p-retry', 'peer', () => { const t = target(); return (x) => pRetry(() => t(x), { retries: 3 }); }],
  );
  return cases;
}

/** Timers and intervals some peers leave running (opossum's rolling stats). */
export const cleanups = [];

/**
 * (b) and (c): a call that fails twice with a transient error, then succeeds. The harness
 * passes a fresh state `{ n: 0 }` per call (so concurrent calls do not share a counter); the
 * function fulfils with 3 after its third attempt. `delay`: ms before each retry (0 = none).
 * Peers that cannot go without a timer at 0 (cockatiel, async-retry, exponential-backoff,
 * ts-retry-promise) are still measured: their cost is the timer.
 */
export function retryCases(delay) {
  const flaky = () => async function flaky(s) {
    if (s.n++ < 2) throw transientError();
    return s.n;
  };
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  return [
    ['hand-written loop', 'baseline', () => {
      const f = flaky();
      return async (s) => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await f(s);
          } catch (error) {
            if (attempt > 3) throw error;
          }
          if (delay > 0) await sleep(delay);
        }
      };
    }],
    ['maestro withRetry, registry off', 'maestro', () => withRetry(flaky(), { registry: false, initialDelay: delay, backoffBase: 1 })],
    ['maestro withRetry, registry on', 'maestro', () => withRetry(flaky(), { operationName: 'bench.retry', initialDelay: delay, backoffBase: 1 })],
    ['p-retry', 'peer', () => { const f = flaky(); return (s) => pRetry(() => f(s), { retries: 3, minTimeout: delay, factor: 1, randomize: false }); }],
    ['typescript-retry-decorator', 'peer', () => {
      const f = flaky();
      class Api { async get(s) { return f(s); } }
      decorateLegacy(Api, 'get', TrdRetryable({ maxAttempts: 3, backOff: delay, backOffPolicy: BackOffPolicy.FixedBackOffPolicy, useOriginalError: true, useConsoleLogger: false }));
      const api = new Api();
      return (s) => api.get(s);
    }],
    ['cockatiel', 'peer', () => {
      const f = flaky();
      const policy = cockatielRetry(handleAll, { maxAttempts: 3, backoff: new ConstantBackoff(delay) });
      return (s) => policy.execute(() => f(s));
    }],
    ['async-retry', 'peer', () => { const f = flaky(); return (s) => asyncRetry(() => f(s), { retries: 3, minTimeout: delay, factor: 1, randomize: false }); }],
    ['exponential-backoff', 'peer', () => {
      const f = flaky();
      return (s) => expBackoff.backOff(() => f(s), { numOfAttempts: 4, startingDelay: delay, timeMultiple: 1, jitter: 'none' });
    }],
    ['ts-retry-promise', 'peer', () => { const f = flaky(); return (s) => tsRetryPromise.retry(() => f(s), { retries: 3, delay }); }],
  ];
}
