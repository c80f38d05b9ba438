import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// Builds and packs the library, holds the tarball to its size and file budget, runs publint and
// Are-the-Types-Wrong on it for every entry point in package.json `exports`, and installs it into a
// fresh ESM and a fresh CommonJS project that load every entry point (see scripts/check-package.mjs).
const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
const subpaths = Object.keys(pkg.exports).filter((s) => s !== '.' && !s.endsWith('.json') && !s.includes('*'));

describe('the published package', () => {
  let output = '';
  beforeAll(() => {
    try {
      output = execFileSync(process.execPath, [resolve(__dirname, '../../scripts/check-package.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      throw new Error(`package check failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    }
  }, 180_000);

  test('stays within its size and file budget, with no source map', () => {
    for (const what of ['files', 'packed', 'unpacked']) expect(output).toMatch(new RegExp(`tarball ${what}: [\\d.]+( kB)? of a budget of [\\d.]+( kB)? \\((\\d|[1-9]\\d|100)%\\)`));
    expect(output).not.toMatch(/\.map\b/);
  });

  test('resolves every entry point with types under node10, node16 (CJS and ESM) and bundler', () => {
    const rows = output.split('\n').filter((line) => line.startsWith(`│ "${pkg.name}`) && !line.includes('package.json'));
    expect(rows.length).toBeGreaterThanOrEqual(1 + subpaths.length);
    for (const row of rows) expect(row).toMatch(/^│ "[^"]+"\s*│ OK\s*│ OK \(CJS\)\s*│ OK \(ESM\)\s*│ OK\s*│$/);
  });

  test('works from ESM and CommonJS, and every subpath export loads from both', () => {
    expect(output).toContain('esm: withRetry returned 42 after 3 attempts');
    expect(output).toContain('cjs: withRetry returned 42 after 3 attempts');
    for (const subpath of subpaths) {
      for (const kind of ['esm', 'cjs']) expect(output).toContain(`${kind}: ${pkg.name}/${subpath.slice(2)} loads`);
    }
    expect(output).toContain('package check passed');
  });
});

// The entry points are read from `exports` as data; a subpath or a pattern added later is followed.
describe('the entry points read from package.json exports', () => {
  const exportsOf = (stem: string) => ({
    import: { types: `./dist/esm/${stem}.d.ts`, default: `./dist/esm/${stem}.js` },
    require: { types: `./dist/cjs/${stem}.d.ts`, default: `./dist/cjs/${stem}.js` },
  });
  const fake = {
    name: 'maestro-retry',
    exports: { '.': exportsOf('index'), './redis': exportsOf('redis/index'), './packs/*': exportsOf('packs/*'), './package.json': './package.json' },
  };
  const files = ['dist/cjs/index.js', 'dist/cjs/redis/index.js', 'dist/cjs/packs/pg.js', 'dist/cjs/packs/mysql2.js', 'dist/cjs/packs/internal/shared.js', 'dist/cjs/packs/pg.d.ts'];
  const evaluate = (expression: string): unknown => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e',
    `import * as m from ${JSON.stringify(resolve(__dirname, '../../scripts/package-exports.mjs'))};\nconst pkg = ${JSON.stringify(fake)}, files = ${JSON.stringify(files)};\nconsole.log(JSON.stringify(${expression}));`], { encoding: 'utf8' }));

  test('one entry per code export, patterns expanded to the files they match, with the source file of each', () => {
    expect(evaluate('m.expandPatterns(m.entryPoints(pkg), files).map((e) => [e.specifier, e.requireTypes, m.sourceOf(e)])')).toEqual([
      ['maestro-retry', './dist/cjs/index.d.ts', 'src/index.ts'],
      ['maestro-retry/redis', './dist/cjs/redis/index.d.ts', 'src/redis/index.ts'],
      ['maestro-retry/packs/pg', './dist/cjs/packs/pg.d.ts', 'src/packs/pg.ts'],
      ['maestro-retry/packs/mysql2', './dist/cjs/packs/mysql2.d.ts', 'src/packs/mysql2.ts'],
    ]);
  });

  test('typesVersions maps each subpath to its CommonJS declarations, and is absent without subpaths', () => {
    expect(evaluate('m.expectedTypesVersions(pkg)')).toEqual({ '*': { redis: ['./dist/cjs/redis/index.d.ts'], 'packs/*': ['./dist/cjs/packs/*.d.ts'] } });
    expect(evaluate(`m.expectedTypesVersions({ ...pkg, exports: { '.': pkg.exports['.'] } }) ?? null`)).toBeNull();
  });
});
