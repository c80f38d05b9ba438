// Builds dist/cjs and dist/esm from src/, each with its own declaration files, and marks each
// folder with the module type Node must load it as. `node scripts/build.mjs <dir>` builds the
// same into <dir>/cjs and <dir>/esm instead (a test builds there, leaving dist/ alone).
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = resolve(root, process.argv[2] ?? 'dist');
rmSync(out, { recursive: true, force: true });
const tsc = join(root, 'node_modules/typescript/bin/tsc');
for (const [kind, type] of [['cjs', 'commonjs'], ['esm', 'module']]) {
  const dir = join(out, kind);
  execFileSync(process.execPath, [tsc, '-p', join(root, `tsconfig.build.${kind}.json`), '--outDir', dir], { stdio: 'inherit' });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type }) + '\n');
}
