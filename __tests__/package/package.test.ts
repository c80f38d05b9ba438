import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

// Builds and packs the library, runs publint and Are-the-Types-Wrong on the tarball, and installs
// it into a fresh ESM and a fresh CommonJS project (see scripts/check-package.mjs).
describe('the published package', () => {
  test('passes publint and attw for node10, node16 (CJS and ESM) and bundler, and works from ESM and CJS', () => {
    let output = '';
    try {
      output = execFileSync(process.execPath, [resolve(__dirname, '../../scripts/check-package.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      throw new Error(`package check failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    }
    expect(output).toMatch(/"maestro-retry"\s*│ OK\s*│ OK \(CJS\)\s*│ OK \(ESM\)\s*│ OK/);
    expect(output).toContain('esm: withRetry returned 42 after 3 attempts');
    expect(output).toContain('cjs: withRetry returned 42 after 3 attempts');
    expect(output).toContain('package check passed');
  }, 120_000);
});
