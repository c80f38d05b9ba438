// The API reference: `npm run docs` writes it to docs/api/ (not committed) from the TSDoc of every
// entry point in package.json `exports`, so a new subpath is documented without editing this file.
// Warnings are errors, and every export, member and property must have a comment
// (`validation.notDocumented`): an undocumented export fails the build, and the build runs in the
// test suite (__tests__/docs/api-reference.test.ts).
import { entryPoints, readPackage, sourceOf } from './scripts/package-exports.mjs';

const pkg = readPackage();

/**
 * Members and properties not documented yet, by their full name (`module.Name.member`; the module
 * is the entry point: `index` for `maestro-retry`, `redis`, `otel`, `dashboard`, `packs/<name>`),
 * grouped by the file that declares them. Each one is a gap to close with a TSDoc comment; TypeDoc
 * fails the build when a listed name gets documented or disappears, so the list only shrinks, and
 * an export added undocumented fails at once.
 */
const notDocumentedYet = [
  // src/api/error-handler.ts
  'index.ErrorHandler.retryManager', 'index.RecoveryDecision.__type.action',
  'index.RecoveryDecision.__type.delay', 'index.RecoveryDecision.__type.category',
  'index.RecoveryDecision.__type.reason', 'index.RecoveryDecision.__type.message',
  // src/api/retry-manager.ts
  'index.ExecutionContext.__type.operationName',
  // src/api/retryable.ts
  'index.RetryableDecorator.F',
  // src/decision/classifier.ts
  'index.ErrorClassification.verdict',
  // src/decision/decide.ts
  'index.DelayInfo.error', 'index.DelayInfo.result', 'index.DelayInfo.operationName',
  // src/engine/types.ts
  'index.ErrorSummary.name', 'index.ErrorSummary.code', 'index.GiveUpEvent.reason',
  'index.GiveUpEvent.operationName', 'index.RetryAttempt.operationName', 'index.RetryAttempt.success',
  'index.RetryAttempt.durationMs', 'index.RetryEvent.operationName', 'index.RetryIfInfo.operationName',
  'index.RetryIfInfo.retriesLeft', 'index.RetryIfInfo.elapsedMs', 'index.FallbackEvent.reason',
  'index.FallbackEvent.operationName',
  // src/errors/store-timeout-error.ts
  'redis.StoreTimeoutError.name',
  // src/errors/strategy-error.ts
  'index.StrategyError.name',
  // src/observers/observer.ts
  'index.AttemptEndedEvent.operationName', 'index.AttemptEndedEvent.outcome',
  'index.AttemptEndedEvent.durationMs', 'index.CallEndedEvent.operationName',
  'index.CallEndedEvent.elapsedMs', 'index.CallObserver.callStarted', 'index.CallObserver.attemptEnded',
  'index.CallObserver.retryScheduled', 'index.CallObserver.callEnded', 'index.CallObserver.policyEvent',
  'index.CallStartedEvent.operationName', 'index.PolicyEvent.policy', 'index.PolicyEvent.name',
  'index.PolicyEvent.type', 'index.RetryScheduledEvent.operationName',
  // src/packs/fetch.ts
  'packs/fetch.FetchHeaders.__type.get',
  // src/redis/client.ts
  'redis.RedisClientLike.evalsha', 'redis.RedisClientLike.eval', 'redis.RedisSubscriberLike.subscribe',
  'redis.RedisSubscriberLike.unsubscribe', 'redis.RedisSubscriberLike.on', 'redis.RedisSubscriberLike.quit',
  // src/strategies/hedging-options.ts
  'index.HedgeDelayInfo.operationName',
  // src/strategies/latency-estimate.ts
  'index.LatencyEstimate.relativeError', 'index.LatencyEstimate.minMs', 'index.LatencyEstimate.maxMs',
  'index.LatencyEstimate.halfLife',
  // src/strategies/latency-store.ts
  'index.LatencyStore.maxOperations',
  // src/strategies/strategy.ts
  'index.AttemptReport.verdict', 'index.AttemptReport.durationMs', 'index.CallReport.success',
  'index.Refusal.reason', 'index.Refusal.error', 'index.Strategy.callStarted', 'index.Strategy.callEnded',
  'index.StrategyContext.operationName', 'index.Wait.waitMs',
];

/**
 * Types that exported declarations name but no entry point exports: a user who reads or builds
 * them cannot import them by name. TypeDoc fails the build when one of them gets exported or is no
 * longer named, so the list can only shrink.
 */
const notExported = [
  // What the error classes' constructors take.
  'ErrorDetails', 'AttemptTimeoutDetails', 'CircuitOpenDetails', 'RetryTimeoutDetails', 'RetryExhaustedInit', 'RetryBudgetExhaustedInit',
  // The stored state inside the policies' snapshots, and the store's result type.
  'BreakerState', 'RateCut', 'RatioBudgetState', 'TokenBucketState', 'Maybe',
  // The options the HTTP error packs share (src/packs/http.ts).
  'PackOptions',
  // Internal on purpose: what an operation's record asks of its registry (RetryRegistry implements it).
  'RecordHost',
];


/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: pkg.name,
  entryPoints: entryPoints(pkg).map(sourceOf),
  tsconfig: 'tsconfig.build.json',
  out: 'docs/api',
  readme: 'none',
  excludePrivate: true,
  excludeInternal: true,
  treatWarningsAsErrors: true,
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  intentionallyNotDocumented: notDocumentedYet,
  intentionallyNotExported: notExported,
  // The reference is read from this repository's docs/ folder or a checkout: no link to a
  // hosting site's copy of the sources, which would go stale.
  disableSources: true,
};
