import type { Config } from 'jest';

/**
 * The Jest configuration `npm run mutate` (Stryker) runs, not CI's. Differences from
 * jest.config.ts, all for speed, none affecting what src/ is tested against:
 *
 * - One flat project (no `projects`), so Stryker's per-test coverage hooks every test file.
 *   It runs the core suite and the decorator suite in TC39 mode (the default tsconfig); the
 *   legacy decorator projects run the same behaviour tests over the same src/api/retryable.ts.
 * - ts-jest transpiles only (tsconfig.stryker.json sets `isolatedModules`): type errors cannot
 *   be caused by a mutant Stryker keeps (it type-checks mutants itself, or their tests fail).
 * - Left out: `__tests__/package/` and `__tests__/examples.test.ts` (they build, pack and spawn
 *   child processes that load dist/, never the mutated src/), `__tests__/simulations/` (minutes
 *   of simulated load that the policy and loop tests already cover), and
 *   `__tests__/decorators/typecheck.test.ts` (it runs the TypeScript compiler over the suite:
 *   types only, no runtime code of src/), and `__tests__/hardening/concurrency.property.test.ts`
 *   (10,000 calls per run, ~15 s: it would run for every mutant it covers, nearly all of the
 *   loop and the policies; the faster unit and property tests cover the same code).
 */
const config: Config = {
  testTimeout: 30_000,
  testEnvironment: 'node',
  moduleNameMapper: {
    '^maestro-retry$': '<rootDir>/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // `scripts/mutate-areas.mjs` may narrow the test files to an area's own (MUTATE_TESTS, a JSON
  // list of globs under __tests__/): see that script for why and what it means for the score.
  testMatch: process.env.MUTATE_TESTS === undefined
    ? ['<rootDir>/__tests__/**/*.test.ts']
    : (JSON.parse(process.env.MUTATE_TESTS) as string[]).map((glob) => `<rootDir>/__tests__/${glob}`),
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/__tests__/package/',
    '<rootDir>/__tests__/examples\\.test\\.ts$',
    '<rootDir>/__tests__/simulations/',
    '<rootDir>/__tests__/decorators/typecheck\\.test\\.ts$',
    '<rootDir>/__tests__/hardening/concurrency\\.property\\.test\\.ts$',
  ],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.stryker.json' }] },
  // Stop a failing property at its first counterexample: no shrinking in mutation runs.
  setupFiles: ['<rootDir>/__tests__/hardening/fast-check.setup.ts'],
  globals: { __DECORATORS__: { mode: 'tc39', designMetadata: false, tsconfig: 'tsconfig.json' } },
};

export default config;
