// The API reference: `npm run docs` writes it to docs/api/ (not committed) from the TSDoc of every
// entry point in package.json `exports`, so a new subpath is documented without editing this file.
// Warnings are errors, and every export, member and property must have a comment
// (`validation.notDocumented`): an undocumented export fails the build, and the build runs in the
// test suite (__tests__/docs/api-reference.test.ts).
import { entryPoints, readPackage, sourceOf } from './scripts/package-exports.mjs';

const pkg = readPackage();

/**
 * Members that are not documented yet, by their full name as TypeDoc prints it (with the entry
 * point's module, `index.ErrorSummary.code`), each one a gap to close. Empty: every member is
 * documented. TypeDoc fails the build when a name listed here gets documented or disappears, so
 * the list can only shrink.
 */
const notDocumentedYet = [];

/**
 * Types that exported declarations name but src/index.ts does not export yet, each a gap: a user
 * who implements or reads them cannot import them by name. TypeDoc fails the build when one of
 * them is exported or no longer named, so the list can only shrink.
 */
const notExported = [
  // The seams a user implements or receives (stores).
  'Maybe',
  // What the error classes' constructors take.
  'ErrorDetails', 'AttemptTimeoutDetails', 'CircuitOpenDetails', 'RetryTimeoutDetails', 'RetryExhaustedInit', 'RetryBudgetExhaustedInit',
  // The stored state inside the policies' snapshots.
  'BreakerState', 'RateCut', 'RatioBudgetState', 'TokenBucketState',
  // Internal on purpose: what an operation's record asks of its registry (RetryRegistry implements it).
  'RecordHost',
];

/**
 * `PolicyEvent` and `Strategy`, not exported yet either, are named by `{@link}`s in comments: mapped
 * here to no page. Remove an entry when src/index.ts exports the type (nothing fails if it stays).
 */
const linksToNotExported = { [pkg.name]: { PolicyEvent: '#', Strategy: '#' } };

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
  externalSymbolLinkMappings: linksToNotExported,
  // The reference is read from this repository's docs/ folder or a checkout: no link to a
  // hosting site's copy of the sources, which would go stale.
  disableSources: true,
};
