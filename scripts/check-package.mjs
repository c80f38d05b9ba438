// Checks the package a user would install: builds it, packs the tarball, runs publint and
// Are-the-Types-Wrong on the tarball (node10, node16 CJS and ESM, bundler), then installs the
// tarball into a fresh ESM project and a fresh CommonJS project and calls withRetry in each.
// Exits non-zero on any problem. Used by `npm run check:package` and by the Jest suite.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const bin = (name) => join(root, 'node_modules', '.bin', name);

const work = mkdtempSync(join(tmpdir(), 'maestro-retry-pack-'));
try {
  run(process.execPath, [join(root, 'scripts/build.mjs')]);
  const packed = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', work]));
  const tarball = join(work, packed[0].filename);
  const files = packed[0].files.map((f) => f.path);
  const stray = files.filter((f) => !/^(dist\/|package\.json$|README\.md$|LICENSE$)/.test(f));
  if (stray.length > 0) throw new Error(`files outside the whitelist in the tarball: ${stray.join(', ')}`);
  console.log(`packed ${packed[0].filename}: ${files.length} files, ${packed[0].size} bytes`);

  console.log(run(bin('publint'), ['run', tarball, '--strict']).trim());
  console.log(run(bin('attw'), [tarball, '--profile', 'strict', '--format', 'table-flipped', '--no-color', '--no-emoji']).trim());

  const smoke = `
    let n = 0;
    const flaky = withRetry(async (x) => { if (++n < 3) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' }); return x * 2; },
      { initialDelay: 0, operationName: 'smoke' });
    const value = await flaky(21);
    const stats = getRetryStatistics('smoke').operations.smoke;
    if (value !== 42 || stats.attempts !== 3 || typeof Retryable !== 'function') throw new Error('smoke test failed: ' + JSON.stringify({ value, stats }));
    console.log(KIND + ': withRetry returned ' + value + ' after ' + stats.attempts + ' attempts');
  `;
  for (const kind of ['esm', 'cjs']) {
    const dir = join(work, kind);
    execFileSync('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `smoke-${kind}`, private: true, type: kind === 'esm' ? 'module' : 'commonjs' }));
    run(npm, ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', tarball], dir);
    const body = smoke.replace('KIND', JSON.stringify(kind));
    if (kind === 'esm') {
      writeFileSync(join(dir, 'index.mjs'), `import { withRetry, getRetryStatistics, Retryable } from 'maestro-retry';\n${body}`);
      console.log(run(process.execPath, ['index.mjs'], dir).trim());
    } else {
      writeFileSync(join(dir, 'index.cjs'), `const { withRetry, getRetryStatistics, Retryable } = require('maestro-retry');\n(async () => {\n${body}\n})().catch((e) => { console.error(e); process.exit(1); });`);
      console.log(run(process.execPath, ['index.cjs'], dir).trim());
    }
  }
  console.log('package check passed');
} catch (error) {
  console.error(error.stdout ?? '', error.stderr ?? '', error.message);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
