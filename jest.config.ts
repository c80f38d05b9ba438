import type { Config } from 'jest';

/**
 * Three Jest projects. `core` runs every test but the decorator suite. The decorator suite
 * (`__tests__/decorators/`) runs once per TypeScript decorator mode, each with its own
 * tsconfig, so one behaviour suite proves both modes. ts-jest type-checks every test file.
 */
const moduleNameMapper = {
  '^maestro-retry$': '<rootDir>/src/index.ts',
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

function project(displayName: string, tsconfig: string, testMatch: string[], testPathIgnorePatterns: string[] = []): Config {
  return {
    displayName,
    testEnvironment: 'node',
    moduleNameMapper,
    testMatch,
    testPathIgnorePatterns: ['/node_modules/', ...testPathIgnorePatterns],
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig }] },
  };
}

const config: Config = {
  projects: [
    project('core', '<rootDir>/tsconfig.json', ['<rootDir>/__tests__/**/*.test.ts'], ['<rootDir>/__tests__/decorators/']),
    project('decorators:tc39', '<rootDir>/tsconfig.json', ['<rootDir>/__tests__/decorators/**/*.test.ts']),
    project('decorators:legacy', '<rootDir>/tsconfig.legacy.json', ['<rootDir>/__tests__/decorators/**/*.test.ts']),
  ],
};

export default config;
