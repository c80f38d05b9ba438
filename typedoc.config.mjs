// The API reference: `npm run docs` writes it to docs/api/ (not committed) from the TSDoc of every
// entry point in package.json `exports`, so a new subpath is documented without editing this file.
// Warnings are errors, and every export, member and property must have a comment
// (`validation.notDocumented`): an undocumented export fails the build, and the build runs in the
// test suite (__tests__/docs/api-reference.test.ts).
import { entryPoints, readPackage, sourceOf } from './scripts/package-exports.mjs';

const pkg = readPackage();

/**
 * Members that are not documented yet, by their full name, each one a gap to close. They sit in
 * src/engine and src/api, which are being rewritten (the one-engine issue); TypeDoc fails the build
 * when a name listed here gets documented or disappears, so the list can only shrink.
 */
const notDocumentedYet = [
  // src/api
  'ExecutionContext.__type.operationName',
  'ErrorHandler.retryManager',
  'RecoveryDecision.__type.action',
  'RecoveryDecision.__type.delay',
  'RecoveryDecision.__type.category',
  'RecoveryDecision.__type.reason',
  'RecoveryDecision.__type.message',
  'RetryableDecorator.F',
  // src/engine
  'ErrorSummary.name',
  'ErrorSummary.code',
  'GiveUpEvent.reason',
  'GiveUpEvent.operationName',
  'RetryAttempt.operationName',
  'RetryAttempt.success',
  'RetryAttempt.durationMs',
  'RetryEvent.operationName',
  'RetryIfInfo.operationName',
  'RetryIfInfo.retriesLeft',
  'RetryIfInfo.elapsedMs',
  'OperationRecorder.live',
];

/**
 * Types that exported declarations name but the package does not export; the same rule: the
 * build fails when one is exported or no longer named.
 * - `AttemptOutcome` (src/engine/seams.ts) is part of the `OperationRecorder` seam a custom
 *   recorder implements: a gap, until the engine's observer seam replaces it.
 * - `RecordHost` (src/registry/operation-record.ts) is what an operation's record asks of its
 *   registry; `RetryRegistry` implements it, but no user needs it: kept internal on purpose.
 */
const notExported = ['AttemptOutcome', 'RecordHost'];

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
