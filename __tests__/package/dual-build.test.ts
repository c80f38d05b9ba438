import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Both builds in one process, as when a dependency `require`s the library while the app
 * `import`s it: the CommonJS and the ESM build are two copies of every module, and they must
 * still share one default registry and recognise each other's errors. The builds are made
 * with the project's build script into a folder of their own, and loaded by a child `node`.
 */
const root = resolve(__dirname, '../..');

const probe = `
import { createRequire } from 'node:module';
const cjs = createRequire(import.meta.url)('./cjs/index.js');
const esm = await import('./esm/index.js');
if (cjs.retry === esm.retry) throw new Error('the two builds were not two copies');

await cjs.retry(async () => 'a', { operationName: 'from-cjs' });
await esm.withRetry(async () => 'b', { operationName: 'from-esm' })();

const names = (lib) => Object.keys(lib.getRetryStatistics().operations).sort();
const guards = ['isTransientErrorInstance', 'isPermanentError', 'isAttemptTimeoutError', 'isCircuitOpenError',
  'isRetryExhaustedError', 'isRetryBudgetExhaustedError', 'isRetryTimeoutError'];
const made = (lib) => [new lib.TransientError('t'), new lib.PermanentError('p'), new lib.AttemptTimeoutError(10, 1),
  new lib.CircuitOpenError(), new lib.RetryExhaustedError('x'), new lib.RetryBudgetExhaustedError('b'), new lib.RetryTimeoutError('s')];
// every guard of one build asked about every error of the other: a table of booleans
const table = (maker, checker) => made(maker).map((error) => guards.map((guard) => checker[guard](error)));
console.log(JSON.stringify({
  sameRegistry: cjs.defaultRegistry === esm.defaultRegistry,
  cjsSees: names(cjs),
  esmSees: names(esm),
  calls: [cjs.getRetryStatistics().calls, esm.getRetryStatistics().calls],
  cjsErrorsSeenByEsm: table(cjs, esm),
  esmErrorsSeenByCjs: table(esm, cjs),
  esmErrorsSeenByEsm: table(esm, esm),
  transientAcross: [esm.isTransientError(new cjs.TransientError('t')), cjs.isTransientError(new esm.PermanentError('p'))],
}));
`;

describe('the CommonJS and ESM builds loaded in one process', () => {
  let work: string;
  let report: {
    sameRegistry: boolean; cjsSees: string[]; esmSees: string[]; calls: number[];
    cjsErrorsSeenByEsm: boolean[][]; esmErrorsSeenByCjs: boolean[][]; esmErrorsSeenByEsm: boolean[][]; transientAcross: boolean[];
  };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'maestro-retry-dual-'));
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), work], { stdio: 'pipe' });
    // the builds import reflect-metadata: let them find the project's node_modules
    symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
    writeFileSync(join(work, 'probe.mjs'), probe);
    report = JSON.parse(execFileSync(process.execPath, [join(work, 'probe.mjs')], { cwd: work, encoding: 'utf8' })) as typeof report;
  }, 180_000);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('share one default registry: getRetryStatistics() of either build sees the calls of both', () => {
    expect(report.sameRegistry).toBe(true);
    expect(report.cjsSees).toEqual(['from-cjs', 'from-esm']);
    expect(report.esmSees).toEqual(['from-cjs', 'from-esm']);
    expect(report.calls).toEqual([2, 2]);
  });

  it('recognise each other\'s errors: every guard answers across builds as it does within one', () => {
    // the diagonal, plus RetryBudgetExhaustedError being a RetryExhaustedError
    const expected = report.esmErrorsSeenByEsm;
    expect(expected.map((row) => row.filter(Boolean).length)).toEqual([1, 1, 1, 1, 1, 2, 1]);
    expect(report.cjsErrorsSeenByEsm).toEqual(expected);
    expect(report.esmErrorsSeenByCjs).toEqual(expected);
    expect(report.transientAcross).toEqual([true, false]);
  });
});
