import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import ts from 'typescript';
import { blockFileName, extractBlocks, markdownFiles, packageImports, type CodeBlock } from './support/code-blocks';

// Every TypeScript block of README*.md and docs/**/*.md is checked against the built package, as
// a user installs it: the project's build script builds it into node_modules/maestro-retry of
// the folder the blocks are written to (.code-blocks/, ignored by git), next to a copy of
// package.json, so `maestro-retry` and its subpaths resolve through the package's `exports` to
// dist/ (never to src/). All blocks are type-checked in one TypeScript program; the blocks marked
// `run` then run under tsx in one child process, and those marked `jest` under Jest in another.
// The convention is in docs/contributing.md.
const root = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
const dir = join(root, '.code-blocks', String(process.pid));
const installed = join(dir, 'node_modules', pkg.name);
/** Declarations of the few NestJS names the NestJS block uses (Nest is not installed here). */
const nestStub = join(__dirname, 'support', 'nestjs.d.ts');

const checked = markdownFiles(root).flatMap((file) => extractBlocks(readFileSync(join(root, file), 'utf8'), file));
const where = (b: CodeBlock): string => `${b.file}:${b.line}`;
const pathOf = (b: CodeBlock): string => join(dir, blockFileName(b));

/**
 * The compiler options of tsconfig.json, for code a user writes: Node's types, not Jest's, and
 * no `paths` (they map the package to src/ for the tests).
 */
function compilerOptions(legacy: boolean): ts.CompilerOptions {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, legacy ? 'tsconfig.legacy.json' : 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } })!;
  const { paths: _paths, ...options } = config.options;
  return { ...options, types: ['node'], noEmit: true, noUnusedLocals: false };
}

/** Parsed source files, shared by the two programs (the standard and the legacy decorator one). */
const sourceFiles = new Map<string, ts.SourceFile | undefined>();
function compilerHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const parse = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const key = typeof languageVersion === 'object' ? `${fileName}\0${languageVersion.languageVersion}\0${languageVersion.impliedNodeFormat}` : `${fileName}\0${languageVersion}`;
    if (!sourceFiles.has(key)) sourceFiles.set(key, parse(fileName, languageVersion, ...rest));
    return sourceFiles.get(key);
  };
  return host;
}

/**
 * Type errors per block, with the Markdown file and line they come from; also an error when the
 * program read any file of src/ (the blocks must see only what the package ships).
 */
function typeErrors(group: CodeBlock[], legacy: boolean): string[] {
  if (group.length === 0) return [];
  const byPath = new Map(group.map((b) => [pathOf(b), b]));
  const options = compilerOptions(legacy);
  const program = ts.createProgram([...byPath.keys(), nestStub], options, compilerHost(options));
  const fromSrc = program.getSourceFiles().map((f) => resolve(f.fileName)).filter((f) => f.startsWith(join(root, 'src') + sep));
  if (fromSrc.length > 0) return [`the blocks were checked against src/, not the built package: ${fromSrc.slice(0, 3).join(', ')}`];
  return ts.getPreEmitDiagnostics(program).flatMap((d) => {
    const block = d.file && byPath.get(resolve(d.file.fileName));
    if (!block) return d.file ? [] : [ts.flattenDiagnosticMessageText(d.messageText, '\n')];
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    return [`${block.file}:${block.line + line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`];
  });
}

/**
 * Runs blocks in one tsx process; the failures, by Markdown line. tsx applies a tsconfig's
 * compiler options only to the files it includes, so the blocks get one of their own, extending
 * the repository's (legacy decorators or not).
 */
function runErrors(group: CodeBlock[], legacy: boolean): string[] {
  if (group.length === 0) return [];
  const name = legacy ? 'legacy' : 'standard';
  const list = join(dir, `${name}.run.json`);
  const tsconfig = join(dir, `tsconfig.${name}.json`);
  writeFileSync(list, JSON.stringify(group.map(pathOf)));
  writeFileSync(tsconfig, JSON.stringify({
    extends: join(root, legacy ? 'tsconfig.legacy.json' : 'tsconfig.json'), compilerOptions: { paths: {} }, include: group.map(pathOf),
  }));
  const child = spawnSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), '--tsconfig', tsconfig, join(__dirname, 'support/run-blocks.mjs'), list], { cwd: root, encoding: 'utf8', timeout: 170_000 });
  const marker = child.stdout.lastIndexOf('@@code-block-results@@');
  if (marker < 0) return [`the block runner failed (status ${child.status}):\n${child.stdout}\n${child.stderr}`];
  const results = JSON.parse(child.stdout.slice(marker + '@@code-block-results@@'.length)) as Array<{ file: string; error?: string }>;
  const byPath = new Map(group.map((b) => [pathOf(b), b]));
  return results.filter((r) => r.error !== undefined).map((r) => `${where(byPath.get(r.file)!)}: ${r.error}`);
}

/** Runs the Jest blocks with Jest (maestro-retry resolved to the built package's CommonJS build); the failures. */
function jestErrors(group: CodeBlock[]): string[] {
  if (group.length === 0) return [];
  const config = join(dir, 'jest.config.json');
  const results = join(dir, 'jest-results.json');
  writeFileSync(config, JSON.stringify({
    rootDir: root, testEnvironment: 'node', testMatch: group.map(pathOf),
    // Type-checked above already: compile only.
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.stryker.json', diagnostics: false }] },
  }));
  const child = spawnSync(process.execPath, [join(root, 'node_modules/jest/bin/jest.js'), '--config', config, '--json', '--outputFile', results, '--ci'], { cwd: root, encoding: 'utf8', timeout: 170_000 });
  let report: { testResults: Array<{ name: string; status: string; message: string }> };
  try {
    report = JSON.parse(readFileSync(results, 'utf8'));
  } catch {
    return [`Jest did not report (status ${child.status}):\n${child.stdout}\n${child.stderr}`];
  }
  const byPath = new Map(group.map((b) => [pathOf(b), b]));
  const ran = report.testResults.map((r) => r.name);
  return [
    ...group.filter((b) => !ran.includes(pathOf(b))).map((b) => `${where(b)}: Jest did not run it`),
    ...report.testResults.filter((r) => r.status !== 'passed').map((r) => `${where(byPath.get(r.name)!)}: ${r.message}`),
  ];
}

describe('code blocks in README and docs/', () => {
  beforeAll(() => {
    mkdirSync(installed, { recursive: true });
    // A package of the blocks' own, as a user's project is: without it the blocks' folder would
    // belong to this repository's package, and Node and Jest would resolve `maestro-retry` to the
    // repository itself (a package may import itself by name), not to the installed copy.
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'maestro-retry-code-blocks', private: true }));
    copyFileSync(join(root, 'package.json'), join(installed, 'package.json'));
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), join(installed, 'dist')], { stdio: 'pipe' });
    for (const b of checked) writeFileSync(pathOf(b), b.code);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the docs hold TypeScript blocks to check', () => {
    expect(checked.length).toBeGreaterThan(0);
  });

  test('the blocks resolve the package to the installed build, not to this repository', () => {
    // In a child Node (Jest resolves by its own rules): `require` and `import` from the blocks' folder.
    const where = (code: string): string => spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: dir, encoding: 'utf8' }).stdout.trim();
    expect(where(`import { createRequire } from 'node:module'; console.log(createRequire(process.cwd() + '/').resolve('${pkg.name}'));`))
      .toBe(join(installed, 'dist', 'cjs', 'index.js'));
    expect(where(`console.log(new URL(import.meta.resolve('${pkg.name}')).pathname);`)).toBe(join(installed, 'dist', 'esm', 'index.js'));
  });

  test('import the package only through its entry points (package.json exports)', () => {
    const exported = new Set(Object.keys(pkg.exports).map((s) => (s === '.' ? pkg.name : `${pkg.name}/${s.slice(2)}`)));
    const patterns = [...exported].filter((s) => s.endsWith('*')).map((s) => s.slice(0, -1));
    const stray = checked.flatMap((b) => packageImports(b.code, pkg.name)
      .filter((s) => !exported.has(s) && !patterns.some((p) => s.startsWith(p) && !s.slice(p.length).includes('/')))
      .map((s) => `${where(b)}: ${s}`));
    expect(stray).toEqual([]);
  });

  test('type-check against the package', () => {
    const errors = [...typeErrors(checked.filter((b) => !b.legacy), false), ...typeErrors(checked.filter((b) => b.legacy), true)];
    expect(errors.sort()).toEqual([]);
  }, 120_000);

  test('the blocks marked jest pass under Jest', () => {
    expect(jestErrors(checked.filter((b) => b.jest))).toEqual([]);
  }, 180_000);

  test('the blocks marked run, run and assert what they show', () => {
    const run = checked.filter((b) => b.run && !b.jest);
    const errors = [...runErrors(run.filter((b) => !b.legacy), false), ...runErrors(run.filter((b) => b.legacy), true)];
    expect(errors).toEqual([]);
  }, 180_000);
});
