import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { project } from './support/project';

// ts-jest only transpiles (the tsconfigs set isolatedModules), so the type tests of this suite
// are checked here: every file of the suite is compiled under this project's tsconfig.

const root = resolve(__dirname, '../..');
const suite = resolve(__dirname);
const EXPECT_ERROR = /\/\/ @ts-expect-error.*$/;

function suiteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? suiteFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []);
}

function loadConfig(): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, project.tsconfig), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (parsed === undefined) throw new Error(`cannot read ${project.tsconfig}`);
  return parsed;
}

/** `file:line` of each error in the suite's own files (1-based lines). */
function errorLines(program: ts.Program): string[] {
  return ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && d.file.fileName.startsWith(suite))
    .map((d) => `${d.file!.fileName.slice(suite.length + 1)}:${d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`);
}

function describeErrors(program: ts.Program): string[] {
  return ts.getPreEmitDiagnostics(program).map((d) =>
    `${d.file?.fileName ?? ''}:${d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : 0} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

describe(`the decorator suite under ${project.tsconfig}`, () => {
  const config = loadConfig();
  const files = suiteFiles(suite);
  let clean: ts.Program;

  it('is the decorator mode the project claims', () => {
    expect(config.options.experimentalDecorators === true).toBe(project.mode === 'legacy');
    expect(config.options.emitDecoratorMetadata === true).toBe(project.designMetadata);
  });

  it('type-checks cleanly (every @ts-expect-error is met)', () => {
    clean = ts.createProgram(files, config.options);
    expect(describeErrors(clean)).toEqual([]);
  }, 60_000);

  it('fails on every line a @ts-expect-error guards once the comments are removed', () => {
    const expected: string[] = [];
    const stripped = new Map<string, string>();
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (EXPECT_ERROR.test(line)) expected.push(`${file.slice(suite.length + 1)}:${i + 2}`);
      });
      stripped.set(resolve(file), lines.map((line) => line.replace(EXPECT_ERROR, '')).join('\n'));
    }
    expect(expected.length).toBeGreaterThanOrEqual(10);
    const host = ts.createCompilerHost(config.options);
    const readFile = host.readFile.bind(host);
    host.readFile = (name) => stripped.get(resolve(name)) ?? readFile(name);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, ...rest) => {
      const text = stripped.get(resolve(name));
      return text === undefined ? getSourceFile(name, ...rest) : ts.createSourceFile(name, text, rest[0]);
    };
    const program = ts.createProgram({ rootNames: files, options: config.options, host, oldProgram: clean });
    const errors = new Set(errorLines(program));
    expect(expected.filter((line) => !errors.has(line))).toEqual([]);
  }, 60_000);
});
