// Builds dist/cjs and dist/esm from src/, each with its own declaration files, and marks each
// folder with the module type Node must load it as.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
const tsc = ['node_modules/typescript/bin/tsc'];
for (const [config, type] of [['tsconfig.build.cjs.json', 'commonjs'], ['tsconfig.build.esm.json', 'module']]) {
  execFileSync(process.execPath, [...tsc, '-p', config], { stdio: 'inherit' });
  const dir = config.includes('cjs') ? 'dist/cjs' : 'dist/esm';
  writeFileSync(`${dir}/package.json`, JSON.stringify({ type }) + '\n');
}
