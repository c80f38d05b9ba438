/**
 * Every error pack reads error shapes only: at run time it imports the library's own modules
 * and nothing else (no client, no other package), so importing a pack costs nothing more.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

const PACKS = join(__dirname, '../../src/packs');

/** The modules `file` loads at run time: its imports and re-exports that are not type-only, and require()/import() calls. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
      const named = node.importClause?.namedBindings;
      const allTypes = node.importClause !== undefined && node.importClause.name === undefined &&
        named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      if (!allTypes) found.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier !== undefined) {
      found.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0]!) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the error packs', () => {
  const files = readdirSync(PACKS).filter((f) => f.endsWith('.ts'));

  test('exist for pg, mysql2 and ioredis', () => {
    expect(files).toEqual(expect.arrayContaining(['pg.ts', 'mysql2.ts', 'ioredis.ts']));
  });

  test.each(files)('%s imports only the library\'s own modules at run time', (file) => {
    const outside = runtimeImports(join(PACKS, file)).filter((specifier) => !specifier.startsWith('.'));
    expect(outside).toEqual([]);
  });

  test('the check sees an import of a client (it can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-packs-'));
    const probe = join(dir, 'probe.ts');
    writeFileSync(probe, [
      "import type { Pool } from 'pg';",
      "import { type PoolClient } from 'pg';",
      "import { Client } from 'pg';",
      "export { escapeLiteral } from 'pg';",
      "export async function load() { return [await import('mysql2'), require('ioredis')]; }",
    ].join('\n'));
    try {
      expect(runtimeImports(probe)).toEqual(['pg', 'pg', 'mysql2', 'ioredis']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
