// The cases every path compares: each entry point of maestro-retry called the way users call
// it, a baseline (a bare call, or a hand-written retry loop), and the peers used the same way.
//
// Each `make` is recompiled from its own source text for every case (lib/compile.mjs), so no
// two cases share a call site or its type feedback. It may therefore use only what it is given:
//   lib        a build of maestro-retry (the module its package exports)
//   peers      { pRetry, cockatiel, Opossum, asyncRetry }
//   work       the user's function: (a) `async (x) => x`; (b), (c) `async (s) => ...` failing twice
//              (fail() gives the error), then fulfilling with 3
//   fail       () => the error to throw (preallocated or fresh, per path)
//   failing    whether `work` is the failing function
//   delay      ms before each retry (0 or 10; 20,000 while (c) measures heap)
//   sleep      (ms) => a promise fulfilled after ms
//   decorated  the classes of bench/lib/retryable-api.ts as tsc compiles them (TC39 decorators)
// `/*registry*/` in a maestro case's source becomes `registry: false,` (registry off) or nothing
// (registry on: the default registry records every call), so both read as users write them.
//
// kind: 'prebuilt' (options or policy made once) or 'per-call' (options or policy built for each
// call). The targets compare an entry point with the peers of its own kind.

/** Baselines and references (role 'baseline' is the first row and the denominator of its path). */
const bareCall = ['bare call', ({ work }) => work];
const asyncWrapper = ['plain async wrapper', ({ work }) => async (x) => await work(x)];
const handLoop = ['hand-written loop', ({ work, delay, sleep }) => async (x) => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(x);
    } catch (error) {
      if (attempt > 3) throw error;
    }
    if (delay > 0) await sleep(delay);
  }
}];

/** maestro-retry's entry points: [name, kind, target (ratio to the baseline, registry off), make]. */
export const ENTRY_POINTS = [
  ['withRetry (made once)', 'prebuilt', 3, ({ lib, work, delay }) =>
    lib.withRetry(work, { maxRetries: 3, initialDelay: delay, backoffBase: 1, /*registry*/ })],
  ['retry(fn, fresh options)', 'per-call', 10, ({ lib, work, delay }) =>
    (x) => lib.retry(() => work(x), { maxRetries: 3, initialDelay: delay, backoffBase: 1, /*registry*/ })],
  ['retry(fn, prebuilt options)', 'prebuilt', 3, ({ lib, work, delay }) => {
    const options = { maxRetries: 3, initialDelay: delay, backoffBase: 1, /*registry*/ };
    return (x) => lib.retry(() => work(x), options);
  }],
  ['@Retryable method', 'prebuilt', 3, ({ lib, decorated, failing, fail, delay }) => {
    const options = { maxRetries: 3, initialDelay: delay, backoffBase: 1, /*registry*/ };
    const api = failing ? decorated.makeFailingApi(lib.Retryable, options, fail) : decorated.makeApi(lib.Retryable, options);
    return (x) => api.get(x);
  }],
  ['RetryManager.executeWithRetry', 'prebuilt', 3, ({ lib, work, delay }) => {
    const manager = new lib.RetryManager({ maxRetries: 3, initialDelay: delay, backoffBase: 1, /*registry*/ });
    return (x) => manager.executeWithRetry(work, undefined, x);
  }],
  // The form of RetryManager's own example: a context naming the operation, fresh per call.
  ['RetryManager.executeWithRetry, context per call', 'per-call', 10, ({ lib, work, delay }) => {
    const manager = new lib.RetryManager({ maxRetries: 3, initialDelay: delay, backoffBase: 1, /*registry*/ });
    return (x) => manager.executeWithRetry(work, { operationName: 'bench.manager' }, x);
  }],
  ['ErrorHandler.executeWithRetry', 'prebuilt', 3, ({ lib, work, delay }) => {
    const handler = new lib.ErrorHandler({ maxRetries: 3, initialDelay: delay, backoffBase: 1, /*registry*/ });
    return (x) => handler.executeWithRetry(work, undefined, x);
  }],
];

/** The peers, each configured like the entry points: 3 retries, `delay` ms apart. [name, kind, paths, make] */
const PEERS = [
  ['cockatiel 3, policy made once', 'prebuilt', 'abc', ({ peers: { cockatiel }, work, delay }) => {
    const policy = cockatiel.retry(cockatiel.handleAll, { maxAttempts: 3, backoff: new cockatiel.ConstantBackoff(delay) });
    return (x) => policy.execute(() => work(x));
  }],
  // A circuit breaker, not a retrier: it fits the success path only.
  ['opossum 8, breaker made once', 'prebuilt', 'a', ({ peers: { Opossum }, work }) => {
    const breaker = new Opossum(work);
    return (x) => breaker.fire(x);
  }],
  ['p-retry 6', 'per-call', 'abc', ({ peers: { pRetry }, work, delay }) =>
    (x) => pRetry(() => work(x), { retries: 3, minTimeout: delay, factor: 1, randomize: false })],
  ['cockatiel 3, policy built per call', 'per-call', 'abc', ({ peers: { cockatiel }, work, delay }) =>
    (x) => cockatiel.retry(cockatiel.handleAll, { maxAttempts: 3, backoff: new cockatiel.ConstantBackoff(delay) }).execute(() => work(x))],
  ['async-retry 1', 'per-call', 'abc', ({ peers: { asyncRetry }, work, delay }) =>
    (x) => asyncRetry(() => work(x), { retries: 3, minTimeout: delay, factor: 1, randomize: false })],
];

/**
 * The cases of one path ('a', 'b' or 'c'), baseline first. `builds` ([{ label }]): the
 * entry points are listed for each build (the first is the one under test; a second is the
 * old core of an A/B run). `filter`: a regular expression the other cases' names must match.
 * Each case: { key, name, build, role, kind, registry, target, make }.
 */
export function listCases(path, builds, filter) {
  const cases = [];
  const add = (c) => cases.push({ build: 0, kind: undefined, registry: undefined, target: undefined, ...c, key: `${c.name}#${c.build ?? 0}` });
  if (path === 'a') {
    add({ name: bareCall[0], role: 'baseline', make: bareCall[1] });
    add({ name: asyncWrapper[0], role: 'reference', make: asyncWrapper[1] });
    add({ name: handLoop[0], role: 'reference', make: handLoop[1] });
  } else {
    add({ name: handLoop[0], role: 'baseline', make: handLoop[1] });
  }
  builds.forEach((_, build) => {
    for (const registry of ['off', 'on']) {
      for (const [entry, kind, target, make] of ENTRY_POINTS) {
        add({ name: `${entry}, registry ${registry}`, entry, build, role: 'maestro', kind, registry, target, make });
      }
    }
  });
  for (const [name, kind, paths, make] of PEERS) if (paths.includes(path)) add({ name, role: 'peer', kind, make });
  const keep = filter === undefined ? undefined : new RegExp(filter);
  return keep === undefined ? cases : cases.filter((c) => c.role === 'baseline' || keep.test(c.name));
}
