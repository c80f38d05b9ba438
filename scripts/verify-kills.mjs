// Checks which of an area's surviving mutants some test files now kill, without rerunning Stryker.
//
//   node scripts/verify-kills.mjs <area> <test file>... [--file src/x.ts]
//
// Reads reports/mutation/areas/<area>.json (written by scripts/mutate-areas.mjs), copies the
// project into a private temporary directory, and for each mutant Stryker left undetected
// (Survived or NoCoverage; `--file` narrows to one source file): writes the mutant into the
// copy's source, runs the given test files with jest.stryker.config.ts (transpile-only, as
// Stryker runs them, so a type error cannot pass for a kill), and restores the file. A mutant
// counts as killed only if an assertion of those tests failed. One JSON line per mutant goes to
// stdout; the summary goes to stderr.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const argv = process.argv.slice(2);
const fileAt = argv.indexOf('--file');
const onlyFile = fileAt >= 0 ? argv.splice(fileAt, 2)[1] : undefined;
const [area, ...tests] = argv;
if (area === undefined || tests.length === 0) {
  console.error('usage: node scripts/verify-kills.mjs <area> <test file>... [--file src/x.ts]');
  process.exit(2);
}

const report = JSON.parse(readFileSync(join(root, 'reports/mutation/areas', `${area}.json`), 'utf8'));
const copy = mkdtempSync(join(tmpdir(), `maestro-kill-${area}-`));
for (const entry of ['src', '__tests__', 'jest.stryker.config.ts', 'tsconfig.json', 'tsconfig.stryker.json', 'package.json']) {
  cpSync(join(root, entry), join(copy, entry), { recursive: true });
}
symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));

/** The offset in `source` of a Stryker position (1-based line, 1-based column). */
function offsetOf(lines, { line, column }) {
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += lines[i].length + 1;
  return offset + column - 1;
}

let killed = 0;
let survived = 0;
try {
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    if (onlyFile !== undefined && file !== onlyFile) continue;
    // The report's source is the file Stryker mutated; the test must face that text, mutated.
    const lines = source.split('\n');
    for (const m of mutants) {
      if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
      const start = offsetOf(lines, m.location.start);
      const end = offsetOf(lines, m.location.end);
      writeFileSync(join(copy, file), source.slice(0, start) + m.replacement + source.slice(end));
      const out = join(copy, 'result.json');
      rmSync(out, { force: true });
      spawnSync('npx', ['jest', '--config', 'jest.stryker.config.ts', '--json', '--outputFile', out, ...tests], { cwd: copy, encoding: 'utf8' });
      writeFileSync(join(copy, file), readFileSync(join(root, file)));
      let failedTests = [];
      let error;
      try {
        const result = JSON.parse(readFileSync(out, 'utf8'));
        for (const suite of result.testResults) {
          if (suite.assertionResults.length === 0 && suite.message) error = suite.message.slice(0, 300);
          for (const a of suite.assertionResults) if (a.status === 'failed') failedTests.push(a.fullName);
        }
      } catch (e) {
        error = String(e);
      }
      const verdict = failedTests.length > 0 ? 'KILLED' : error !== undefined ? 'ERROR' : 'SURVIVED';
      if (verdict === 'KILLED') killed++;
      else survived++;
      console.log(JSON.stringify({
        file, line: m.location.start.line, mutator: m.mutatorName, replacement: m.replacement, verdict,
        by: failedTests.slice(0, 3), error,
      }));
    }
  }
} finally {
  // The source files in the report may differ from the working tree's if src/ changed since the
  // run; the copy is private, so nothing outside it was ever touched.
  rmSync(copy, { recursive: true, force: true });
}
console.error(`${area}${onlyFile ? ` (${onlyFile})` : ''}: killed ${killed}, not killed ${survived}`);
