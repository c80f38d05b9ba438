import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

// The API reference is built from the TSDoc of every entry point in package.json `exports`
// (typedoc.config.mjs) with warnings as errors and every export required to be documented, so an
// undocumented export, a broken {@link} or an unknown tag fails this test. `--emit none` runs the
// whole conversion and validation without writing docs/api/ (`npm run docs` writes it).
const root = resolve(__dirname, '../..');

describe('the API reference (npm run docs)', () => {
  test('builds with no warning: every export documented, every link resolved', () => {
    const result = spawnSync(process.execPath, [resolve(root, 'node_modules/typedoc/bin/typedoc'), '--emit', 'none'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    const output = `${result.stdout}${result.stderr}`;
    expect(output).not.toMatch(/\[warning\]|\[error\]/);
    expect(result.status).toBe(0);
  }, 180_000);
});
