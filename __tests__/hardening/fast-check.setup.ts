/**
 * Loaded by jest.stryker.config.ts only (mutation runs). A mutant that breaks a property is
 * killed by the first counterexample; shrinking it (minutes for the registry's 1,000-call
 * property) would tell Stryker nothing more.
 */
import fc from 'fast-check';

fc.configureGlobal({ endOnFailure: true });
