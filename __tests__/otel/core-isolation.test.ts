/**
 * `import 'maestro-retry'` never loads `@opentelemetry/api` (an optional peer) nor the otel
 * and dashboard entry points. Proved in a fresh Node process that loads the entry point and
 * lists every module it loaded; the same list for `maestro-retry/otel` shows the check can
 * see the API when it is loaded.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');

function modulesLoadedBy(entry: string): string[] {
  const script = `require(${JSON.stringify(entry)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8' });
  return (JSON.parse(out) as string[]).map((f) => f.slice(root.length + 1));
}

describe('the core entry point', () => {
  it('loads neither @opentelemetry/api nor the otel and dashboard entry points', () => {
    const loaded = modulesLoadedBy('./src/index.ts');
    expect(loaded).toContain('src/index.ts');
    expect(loaded).toContain('src/strategies/circuit-breaker.ts');
    expect(loaded.filter((f) => /@opentelemetry|src\/otel\/|src\/dashboard\//.test(f))).toEqual([]);
  });

  it('is what maestro-retry/otel adds @opentelemetry/api to', () => {
    const loaded = modulesLoadedBy('./src/otel/index.ts');
    expect(loaded).toContain('src/otel/telemetry.ts');
    expect(loaded.some((f) => f.startsWith('node_modules/@opentelemetry/api/'))).toBe(true);
  });
});
