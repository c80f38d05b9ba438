// Checks the package a user would install, without the network:
// 1. builds it and packs the tarball; reports its size and file count against the budget below and
//    fails past it, or when a file outside the whitelist (a source map, a test, src/) is in it;
// 2. checks that `typesVersions` maps every subpath export (for TypeScript's node10 resolution);
// 3. runs publint and Are-the-Types-Wrong on the tarball (node10, node16 CJS and ESM, bundler) for
//    every entry point in package.json `exports`;
// 4. installs the tarball into a fresh ESM project and a fresh CommonJS project (`npm install
//    --offline`, its runtime dependencies given as the folders already in this repository's
//    node_modules, its peer dependencies linked from there), calls withRetry in each, and loads
//    every subpath export with `import` and with `require`.
// Exits non-zero on any problem. Used by `npm run check:package` and by the Jest suite.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { entryPoints, expandPatterns, expectedTypesVersions, readPackage, root } from './package-exports.mjs';

/**
 * The budget. Before this round's entry points landed the tarball held 245 files, 124 kB
 * packed, 683 kB unpacked (the README 59 kB of it). Each source file ships as four files (.js
 * and .d.ts, CommonJS and ESM) of about 2 kB packed together. The fleet store, telemetry, the
 * statistics page, hedging and the eight error packs brought it to 502 files, 247 kB packed,
 * 1,346 kB unpacked (measured with `npm run check:package` after they merged). The budget
 * leaves room for some 20 source files more, and fails on what should never ship: source maps
 * coming back (two more files per source file), tests or `src/` in the tarball, or a
 * dependency bundled into `dist/`.
 */
const BUDGET = { files: 580, packedBytes: 290_000, unpackedBytes: 1_550_000 };

/**
 * What may be in the tarball: the built code and the four documents npm shows. npm packs every
 * README* whatever `files` says, so README.next.md (the README on its way in) is let through until
 * it replaces README.md.
 */
const WHITELIST = /^(dist\/(cjs|esm)\/.+\.(js|d\.ts)$|dist\/(cjs|esm)\/package\.json$|package\.json$|README\.md$|README\.next\.md$|CHANGELOG\.md$|LICENSE$)/;

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const bin = (name) => join(root, 'node_modules', '.bin', name);
const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

function checkTarball(packed) {
  const files = packed.files.map((f) => f.path);
  const stray = files.filter((f) => !WHITELIST.test(f));
  if (stray.length > 0) throw new Error(`files outside the whitelist in the tarball: ${stray.join(', ')}`);
  const rows = [
    ['files', files.length, BUDGET.files, String],
    ['packed', packed.size, BUDGET.packedBytes, kB],
    ['unpacked', packed.unpackedSize, BUDGET.unpackedBytes, kB],
  ];
  for (const [what, value, budget, show] of rows) console.log(`tarball ${what}: ${show(value)} of a budget of ${show(budget)} (${Math.round((100 * value) / budget)}%)`);
  const over = rows.filter(([, value, budget]) => value > budget);
  if (over.length > 0) throw new Error(`the tarball is over its budget: ${over.map(([what]) => what).join(', ')} (see BUDGET in scripts/check-package.mjs)`);
  return files;
}

function checkTypesVersions(pkg) {
  const expected = expectedTypesVersions(pkg);
  if (JSON.stringify(pkg.typesVersions) !== JSON.stringify(expected)) {
    throw new Error(`package.json "typesVersions" must map every subpath export to its CommonJS declarations, for TypeScript's node10 resolution:\n` +
      `  "typesVersions": ${JSON.stringify(expected)}\n(found ${JSON.stringify(pkg.typesVersions)}; run \`node scripts/sync-types-versions.mjs\`)`);
  }
}

/** Installs the tarball into `dir`, a fresh project of the given module type. */
function install(dir, type, tarball, pkg) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `smoke-${type}`, private: true, type }));
  // The runtime dependencies are installed from the folders npm ci put in this repository, so the
  // install needs neither the network nor npm's cache.
  const deps = Object.keys(pkg.dependencies ?? {}).map((name) => join(root, 'node_modules', name));
  run(npm, ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', tarball, ...deps], dir);
  // Peer dependencies are the user's; link the repository's copies, as a user's would be there.
  for (const name of Object.keys(pkg.peerDependencies ?? {})) {
    const link = join(dir, 'node_modules', name);
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(root, 'node_modules', name), link, 'dir');
  }
}

const smoke = `
  let n = 0;
  const flaky = withRetry(async (x) => { if (++n < 3) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' }); return x * 2; },
    { initialDelay: 0, operationName: 'smoke' });
  const value = await flaky(21);
  const stats = getRetryStatistics('smoke').operations.smoke;
  if (value !== 42 || stats.attempts !== 3 || typeof Retryable !== 'function') throw new Error('smoke test failed: ' + JSON.stringify({ value, stats }));
  console.log(KIND + ': withRetry returned ' + value + ' after ' + stats.attempts + ' attempts');
  for (const specifier of SUBPATHS) {
    const names = Object.keys(await load(specifier)).filter((k) => k !== 'default' && k !== '__esModule');
    if (names.length === 0) throw new Error(specifier + ' exports nothing');
    console.log(KIND + ': ' + specifier + ' loads, exporting ' + names.sort().join(', '));
  }
`;

function smokeRun(dir, kind, subpaths) {
  const body = smoke.replaceAll('KIND', JSON.stringify(kind)).replace('SUBPATHS', JSON.stringify(subpaths));
  if (kind === 'esm') {
    writeFileSync(join(dir, 'index.mjs'), `import { withRetry, getRetryStatistics, Retryable } from 'maestro-retry';\nconst load = (s) => import(s);\n${body}`);
    return run(process.execPath, ['index.mjs'], dir).trim();
  }
  writeFileSync(join(dir, 'index.cjs'), `const { withRetry, getRetryStatistics, Retryable } = require('maestro-retry');\nconst load = require;\n(async () => {\n${body}\n})().catch((e) => { console.error(e); process.exit(1); });`);
  return run(process.execPath, ['index.cjs'], dir).trim();
}

function main() {
  const pkg = readPackage();
  const work = mkdtempSync(join(tmpdir(), 'maestro-retry-pack-'));
  try {
    run(process.execPath, [join(root, 'scripts/build.mjs')]);
    const [packed] = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', work]));
    const tarball = join(work, packed.filename);
    console.log(`packed ${packed.filename}`);
    const files = checkTarball(packed);
    checkTypesVersions(pkg);

    const entries = expandPatterns(entryPoints(pkg), files);
    for (const e of entries) {
      for (const path of [e.import, e.require, e.importTypes, e.requireTypes]) {
        if (path === undefined || !files.includes(path.replace(/^\.\//, ''))) throw new Error(`${e.specifier}: ${path ?? 'a types or default target'} is not in the tarball`);
      }
    }
    console.log(`entry points: ${entries.map((e) => e.specifier).join(', ')}`);

    console.log(run(bin('publint'), ['run', tarball, '--strict']).trim());
    // attw lists a pattern export (`./packs/*`) without checking it: name each file it matches.
    const entrypoints = [...entries.map((e) => e.subpath), './package.json'];
    console.log(run(bin('attw'), [tarball, '--profile', 'strict', '--entrypoints', ...entrypoints, '--format', 'table-flipped', '--no-color', '--no-emoji']).trim());

    const subpaths = entries.filter((e) => e.subpath !== '.').map((e) => e.specifier);
    for (const [kind, type] of [['esm', 'module'], ['cjs', 'commonjs']]) {
      const dir = join(work, kind);
      install(dir, type, tarball, pkg);
      console.log(smokeRun(dir, kind, subpaths));
    }
    console.log('package check passed');
  } catch (error) {
    console.error(error.stdout ?? '', error.stderr ?? '', error.message);
    process.exitCode = 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
