/**
 * `maestro-retry/redis` is an entry point of its own: `import 'maestro-retry'` loads neither it
 * nor ioredis (an optional peer), and the package exports it with types for ESM and CJS.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');
/** The modules a fresh process has loaded after requiring `entry`. */
function loadedBy(entry: string): string[] {
  const script = `require(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(require.cache)))`;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' })) as string[];
}

describe('the maestro-retry/redis entry point', () => {
  it("is not loaded by import 'maestro-retry', and neither is ioredis", () => {
    const loaded = loadedBy('./src/index.ts');
    expect(loaded.some((m) => m.includes('/src/strategies/circuit-breaker.ts'))).toBe(true); // the probe sees the library's modules
    expect(loaded.filter((m) => /\/src\/redis\/|node_modules\/ioredis\//.test(m))).toEqual([]);
  }, 60_000);

  it('loads no Redis client of its own either: the client is the user\'s', () => {
    const loaded = loadedBy('./src/redis/index.ts');
    expect(loaded.some((m) => m.includes('/src/redis/redis-store.ts'))).toBe(true);
    expect(loaded.filter((m) => m.includes('node_modules/ioredis/'))).toEqual([]);
  }, 60_000);

  it('is exported for import and require, with types, and ioredis is an optional peer', () => {
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
    expect(pkg.exports['./redis']).toEqual({
      import: { types: './dist/esm/redis/index.d.ts', default: './dist/esm/redis/index.js' },
      require: { types: './dist/cjs/redis/index.d.ts', default: './dist/cjs/redis/index.js' },
    });
    expect(pkg.peerDependencies.ioredis).toBeDefined();
    expect(pkg.peerDependenciesMeta.ioredis).toEqual({ optional: true });
    expect(pkg.devDependencies.ioredis).toBeDefined();
  });
});
