import type { Config } from 'jest';

/**
 * Four Jest projects. `core` runs every test but the decorator suite. The decorator suite
 * (`__tests__/decorators/`) runs once per TypeScript decorator mode (TC39; legacy with and
 * without emitDecoratorMetadata), each with its own tsconfig, so one behaviour suite proves
 * every mode. ts-jest type-checks every test file (tsconfig.json does not set isolatedModules),
 * so a type test that stops holding fails the suite.
 */
export const moduleNameMapper = {
  '^maestro-retry$': '<rootDir>/src/index.ts',
  // Subpath entry points follow the folder layout: maestro-retry/packs/pg -> src/packs/pg.ts,
  // maestro-retry/redis -> src/redis/index.ts (as tsconfig.json's paths do).
  '^maestro-retry/(.*)$': ['<rootDir>/src/$1.ts', '<rootDir>/src/$1/index.ts'],
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

function project(displayName: string, tsconfig: string, testMatch: string[], testPathIgnorePatterns: string[] = []): Config {
  return {
    displayName,
    testEnvironment: 'node',
    moduleNameMapper,
    testMatch,
    testPathIgnorePatterns: ['/node_modules/', ...testPathIgnorePatterns],
    // A Stryker sandbox holds a second copy of the package while `npm run mutate` runs.
    modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
    // TS151002 only says that ts-jest compiles nodenext modules to CommonJS for Jest; type
    // checking is unaffected, and the warning would print once per test file.
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig, diagnostics: { ignoreCodes: [151002] } }] },
  };
}

const config: Config = {
  // Property tests run thousands of calls; on a loaded 2-core machine 5 s is too tight.
  testTimeout: 30_000,
  projects: [
    project('core', '<rootDir>/tsconfig.json', ['<rootDir>/__tests__/**/*.test.ts'], ['<rootDir>/__tests__/decorators/']),
    // The decorator suite, once per mode. `__DECORATORS__` tells the suite which mode its
    // project claims, so it can check that the code really was compiled that way, and which
    // tsconfig to type-check the whole suite with (its typecheck test also proves that each
    // expected type error is really needed).
    {
      ...project('decorators:tc39', '<rootDir>/tsconfig.json', ['<rootDir>/__tests__/decorators/**/*.test.ts']),
      globals: { __DECORATORS__: { mode: 'tc39', designMetadata: false, tsconfig: 'tsconfig.json' } },
    },
    {
      ...project('decorators:legacy', '<rootDir>/tsconfig.legacy.json', ['<rootDir>/__tests__/decorators/**/*.test.ts']),
      globals: { __DECORATORS__: { mode: 'legacy', designMetadata: true, tsconfig: 'tsconfig.legacy.json' } },
    },
    {
      ...project('decorators:legacy-nometa', '<rootDir>/tsconfig.legacy-nometa.json', ['<rootDir>/__tests__/decorators/**/*.test.ts']),
      globals: { __DECORATORS__: { mode: 'legacy', designMetadata: false, tsconfig: 'tsconfig.legacy-nometa.json' } },
    },
  ],
};

export default config;
