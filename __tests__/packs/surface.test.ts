/**
 * The network packs' surface: each is its own subpath entry point, shaped like the "." entry,
 * and none imports anything at run time but the library's own modules (a pack costs nothing
 * unless imported, and needs no client installed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const PACKS = ['aws', 'grpc', 'axios', 'got', 'fetch'] as const;

/** The module specifiers of a file's value imports (not `import type`, not `type` members only). */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of text.matchAll(/^import\s+(type\s+)?([^;]*?)\s+from\s+'([^']+)';/gms)) {
    const [, typeOnly, clause = '', specifier = ''] = match;
    const onlyTypes = typeOnly !== undefined || /^\{\s*(?:type\s+\w+\s*,?\s*)+\}$/.test(clause);
    if (!onlyTypes) specifiers.push(specifier);
  }
  return specifiers;
}

describe('the network packs as entry points', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };

  it.each(PACKS)('%s is its own subpath export, for import and require, with types', (name) => {
    expect(pkg.exports[`./packs/${name}`]).toEqual({
      import: { types: `./dist/esm/packs/${name}.d.ts`, default: `./dist/esm/packs/${name}.js` },
      require: { types: `./dist/cjs/packs/${name}.d.ts`, default: `./dist/cjs/packs/${name}.js` },
    });
  });

  it.each([...PACKS, 'http'])('src/packs/%s.ts imports only the library\'s own modules at run time', (name) => {
    const specifiers = valueImports(join(ROOT, 'src/packs', `${name}.ts`));
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => !s.startsWith('.'))).toEqual([]);
  });

  it('the check above sees a value import from a package', () => {
    expect(valueImports(join(ROOT, '__tests__/packs/aws.test.ts'))).toContain('@aws-sdk/client-dynamodb');
  });
});
