// Mutation testing one area of src/ at a time, so a run that cannot finish in one sitting on a
// 2-core machine still leaves complete, scored areas behind. Each area writes its own Stryker
// JSON report (reports/mutation/areas/<area>.json) and log; `--score` sums the reports there.
//
//   node scripts/mutate-areas.mjs core-leaf core-loop     # run these areas, in this order
//   node scripts/mutate-areas.mjs --all                   # every area
//   node scripts/mutate-areas.mjs --score                 # the score per area and in total, and
//                                                         # each area's survivors (<area>.survivors.txt)
//
// Differences from `npm run mutate` (stryker.config.json), all for speed only: Jest runs just
// the test files that import the mutated file (`enableFindRelatedTests`; a test that does not
// load the file cannot kill its mutants); an area may narrow them further to its own tests (see
// AREAS), which makes its score a lower bound; and a mutant is declared timed out after 5 s
// plus the usual factor of its tests' time, instead of 20 s.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The areas, together covering every file `npm run mutate` mutates. `tests`, where given, are
 * the only test files (globs under __tests__/) the area's mutants are run against.
 *
 * Why: Jest loads every test file that imports the mutated file, even when the mutant's own
 * tests are few, and nearly every test file imports the registry, the policies and the errors
 * through the loop. Loading them took about 6 s per mutant here; an area's own tests load in
 * under 1 s. What it means for the score: a test left out cannot kill a mutant, so the score of
 * an area with `tests` is a lower bound on what the whole suite scores.
 */
export const AREAS = {
  'core-leaf': { mutate: ['backoff', 'classify', 'retry-after', 'safe', 'validate', 'match', 'error-summary', 'hook-errors', 'clock', 'options']
    .map((f) => `src/core/${f}.ts`) },
  'core-loop': { mutate: ['loop', 'lean-call', 'wrapper', 'run-call', 'decide', 'failure', 'call', 'race-abort', 'attempt-context', 'seams', 'types']
    .map((f) => `src/core/${f}.ts`) },
  api: {
    mutate: ['src/api/**/*.ts'],
    tests: ['api/**/*.test.ts', 'decorators/**/*.test.ts', 'core/wrapper.test.ts', 'core/retry-hooks.test.ts', 'hardening/hostile-input.test.ts', 'hardening/leaks.test.ts'],
  },
  registry: {
    mutate: ['src/registry/**/*.ts'],
    tests: ['registry/**/*.test.ts', 'api/**/*.test.ts', 'hardening/mutation-registry.test.ts', 'hardening/hostile-input.test.ts',
      'hardening/leaks.test.ts', 'core/retry-hooks.test.ts', 'core/wrapper.test.ts'],
  },
  policies: {
    mutate: ['src/policies/**/*.ts', '!src/policies/index.ts'],
    tests: ['policies/**/*.test.ts', 'hardening/mutation-policies.test.ts', 'hardening/hostile-input.test.ts', 'hardening/leaks.test.ts',
      'core/retry-time.test.ts', 'core/retry-decisions.test.ts'],
  },
  'errors-testing': { mutate: ['src/errors/**/*.ts', 'src/testing/**/*.ts'] },
};

const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, 'reports/mutation/areas');
mkdirSync(outDir, { recursive: true });

/** Stryker's mutant states, as its JSON report writes them. */
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

function score(report) {
  let detected = 0;
  let undetected = 0;
  let invalid = 0;
  const survivors = [];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const m of mutants) {
      if (DETECTED.has(m.status)) detected++;
      else if (UNDETECTED.has(m.status)) {
        undetected++;
        survivors.push(`${file}:${m.location.start.line} ${m.mutatorName}${m.replacement === undefined ? '' : ` -> ${JSON.stringify(m.replacement).slice(0, 80)}`} (${m.status})`);
      } else invalid++;
    }
  }
  return { detected, undetected, invalid, survivors };
}

function printScores() {
  let total = { detected: 0, undetected: 0, invalid: 0 };
  for (const area of Object.keys(AREAS)) {
    const file = join(outDir, `${area}.json`);
    if (!existsSync(file)) {
      console.log(`${area.padEnd(16)} not measured`);
      continue;
    }
    const s = score(JSON.parse(readFileSync(file, 'utf8')));
    writeFileSync(join(outDir, `${area}.survivors.txt`), s.survivors.join('\n') + '\n');
    total = { detected: total.detected + s.detected, undetected: total.undetected + s.undetected, invalid: total.invalid + s.invalid };
    const pct = (100 * s.detected) / (s.detected + s.undetected);
    console.log(`${area.padEnd(16)} ${pct.toFixed(1).padStart(5)}%  detected ${s.detected}, survived or uncovered ${s.undetected}, invalid ${s.invalid}`);
  }
  const pct = (100 * total.detected) / (total.detected + total.undetected);
  console.log(`${'measured areas'.padEnd(16)} ${pct.toFixed(1).padStart(5)}%  detected ${total.detected}, survived or uncovered ${total.undetected}, invalid ${total.invalid}`);
}

function run(area) {
  const base = JSON.parse(readFileSync(join(root, 'stryker.config.json'), 'utf8'));
  const config = {
    ...base,
    mutate: AREAS[area].mutate,
    jest: { ...base.jest, enableFindRelatedTests: true },
    timeoutMS: 5000,
    incremental: false,
    reporters: ['clear-text', 'progress-append-only', 'json'],
    jsonReporter: { fileName: `reports/mutation/areas/${area}.json` },
  };
  delete config.htmlReporter;
  const configFile = join(outDir, `${area}.stryker.json`);
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  console.log(`${new Date().toISOString()} ${area}: stryker run (log: reports/mutation/areas/${area}.log)`);
  const log = join(outDir, `${area}.log`);
  const tests = AREAS[area].tests;
  const env = tests === undefined ? process.env : { ...process.env, MUTATE_TESTS: JSON.stringify(tests) };
  const result = spawnSync('sh', ['-c', `npx stryker run "${configFile}" > "${log}" 2>&1`], { cwd: root, stdio: 'inherit', env });
  console.log(`${new Date().toISOString()} ${area}: exit ${result.status}`);
}

const args = process.argv.slice(2);
if (args.includes('--score')) {
  printScores();
} else {
  const areas = args.includes('--all') ? Object.keys(AREAS) : args;
  for (const area of areas) {
    if (!(area in AREAS)) throw new RangeError(`unknown area ${JSON.stringify(area)}; areas: ${Object.keys(AREAS).join(', ')}`);
  }
  for (const area of areas) run(area);
  printScores();
}
