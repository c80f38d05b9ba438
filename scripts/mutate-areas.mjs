// Mutation testing one area of src/ at a time, so a run that cannot finish in one sitting on a
// 2-core machine still leaves complete, scored areas behind. Each area writes its own Stryker
// JSON report (reports/mutation/areas/<area>.json) and log; `--score` sums the reports there.
//
//   node scripts/mutate-areas.mjs core-leaf core-loop     # run these areas, in this order
//   node scripts/mutate-areas.mjs --all                   # every area
//   node scripts/mutate-areas.mjs --score                 # the score per area and in total, and
//                                                         # each area's survivors (<area>.survivors.txt)
//   node scripts/mutate-areas.mjs --doc                   # the same, and docs/mutation-survivors.md
//
// Differences from `npm run mutate` (stryker.config.json), all for speed only: Jest runs just
// the test files that import the mutated file (`enableFindRelatedTests`; a test that does not
// load the file cannot kill its mutants); an area may narrow them further to its own tests (see
// AREAS), which makes its score a lower bound; and a mutant is declared timed out after 5 s
// plus the usual factor of its tests' time, instead of 20 s.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  engine: {
    mutate: ['src/engine/**/*.ts'],
    tests: ['engine/**/*.test.ts', 'core/**/*.test.ts', 'api/**/*.test.ts', 'hardening/*.test.ts', 'strategies/hedging*.test.ts',
      'strategies/fallback.test.ts', 'decorators/retryable.test.ts'],
  },
  decision: {
    mutate: ['src/decision/**/*.ts'],
    tests: ['decision/**/*.test.ts', 'core/classify.test.ts', 'core/retry-after.test.ts', 'core/backoff.test.ts', 'core/retry-decisions.test.ts',
      'core/retry-time.test.ts', 'core/loop-behaviour.test.ts', 'api/**/*.test.ts', 'engine/**/*.test.ts', 'hardening/hostile-input.test.ts',
      'hardening/defensive-helpers.test.ts'],
  },
  api: {
    mutate: ['src/api/**/*.ts'],
    tests: ['api/**/*.test.ts', 'decorators/retryable*.test.ts', 'core/wrapper.test.ts', 'core/retry-hooks.test.ts'],
  },
  'registry-observers': {
    mutate: ['src/registry/**/*.ts', 'src/observers/**/*.ts'],
    tests: ['registry/**/*.test.ts', 'api/**/*.test.ts', 'hardening/*.test.ts', 'core/retry-hooks.test.ts', 'core/wrapper.test.ts'],
  },
  'strategies-state': {
    mutate: ['src/strategies/**/*.ts', 'src/state/**/*.ts', '!src/strategies/index.ts'],
    tests: ['strategies/**/*.test.ts', 'policies/**/*.test.ts', 'state/**/*.test.ts', 'core/retry-time.test.ts', 'core/retry-decisions.test.ts'],
  },
  'errors-testing': {
    mutate: ['src/errors/**/*.ts', 'src/testing/**/*.ts'],
    tests: ['errors/**/*.test.ts', 'hardening/hostile-input.test.ts', 'core/retry-time.test.ts', 'core/retry-decisions.test.ts',
      'core/retry-hooks.test.ts', 'policies/circuit-breaker.test.ts'],
  },
  subpaths: {
    mutate: ['src/redis/**/*.ts', 'src/otel/**/*.ts', 'src/dashboard/**/*.ts', 'src/packs/**/*.ts'],
    tests: ['redis/**/*.test.ts', 'otel/**/*.test.ts', 'dashboard/**/*.test.ts', 'packs/**/*.test.ts'],
  },
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

/** `file:line Mutator -> "replacement"`: a survivor as listed (`<area>.survivors.txt`). */
const keyOf = (line) => line.replace(/ \((Survived|NoCoverage)\)$/, '');

/**
 * A key compared loosely: verdicts quote the replacement in more than one way, and the
 * survivors list cuts long ones at 80 characters. Quotes and backslashes are dropped and the
 * replacement cut at 60 characters; mutants that then share a key keep their order.
 */
function norm(key) {
  const m = /^(\S+:\d+ \w+)(?: -> (.*))?$/.exec(key);
  if (m === null || m[2] === undefined) return key;
  return `${m[1]} -> ${m[2].replace(/["\\]/g, '').slice(0, 60)}`;
}

/**
 * The verdicts written for an area's survivors (`<area>.verdicts.txt` and `<area>-*.verdicts.txt`
 * in the reports folder, one `<key>: KILLED (verified)` / `: EQUIVALENT: why` /
 * `: NOT WORTH A TEST: why` line per survivor), by key.
 */
function verdictsOf(area) {
  const verdicts = new Map();
  for (const name of readdirSync(outDir)) {
    if (name !== `${area}.verdicts.txt` && !(name.startsWith(`${area}-`) && name.endsWith('.verdicts.txt'))) continue;
    for (const line of readFileSync(join(outDir, name), 'utf8').split('\n')) {
      const m = /^(.*?): (KILLED|EQUIVALENT|NOT WORTH A TEST)(.*)$/.exec(line);
      // Several mutants can share a key (same line, mutator and replacement, other columns):
      // their verdicts are kept in order, as they were written for the survivors list.
      if (m !== null) {
        const key = norm(m[1]);
        if (!verdicts.has(key)) verdicts.set(key, []);
        verdicts.get(key).push({ kind: m[2], why: m[3].replace(/^:\s*/, '').trim() });
      }
    }
  }
  return verdicts;
}

/** The area's mutated files that changed in src/ since `commit` (what its score may not cover). */
function changedSince(area, commit) {
  const base = commit.replace(/\+changes$/, '');
  if (!/^[0-9a-f]{7,40}$/.test(base)) return [];
  const out = spawnSync('git', ['diff', '--name-only', base, '--', ...AREAS[area].mutate.map((g) => (g.startsWith('!') ? `:(exclude,glob)${g.slice(1)}` : `:(glob)${g}`))],
    { cwd: root, encoding: 'utf8' });
  return out.stdout.split('\n').filter(Boolean);
}

/** Scores every measured area, with and without the kills verified since its run. */
function printScores(writeDoc = false) {
  let total = { detected: 0, undetected: 0, invalid: 0, killed: 0 };
  const doc = [];
  for (const area of Object.keys(AREAS)) {
    const file = join(outDir, `${area}.json`);
    if (!existsSync(file)) {
      console.log(`${area.padEnd(16)} not measured`);
      doc.push(`## ${area}`, '', 'Not measured.', '');
      continue;
    }
    const s = score(JSON.parse(readFileSync(file, 'utf8')));
    writeFileSync(join(outDir, `${area}.survivors.txt`), s.survivors.join('\n') + '\n');
    const verdicts = verdictsOf(area);
    const judged = { KILLED: 0, EQUIVALENT: 0, 'NOT WORTH A TEST': 0, none: 0 };
    const kept = [];
    for (const survivor of s.survivors) {
      const v = verdicts.get(norm(keyOf(survivor)))?.shift();
      judged[v?.kind ?? 'none']++;
      if (v?.kind !== 'KILLED') kept.push(`- \`${keyOf(survivor)}\`: ${v === undefined ? 'NOT YET JUDGED' : `${v.kind}: ${v.why}`}`);
    }
    total = { detected: total.detected + s.detected, undetected: total.undetected + s.undetected, invalid: total.invalid + s.invalid, killed: total.killed + judged.KILLED };
    const valid = s.detected + s.undetected;
    const pct = (100 * s.detected) / valid;
    const after = (100 * (s.detected + judged.KILLED)) / valid;
    const at = existsSync(join(outDir, `${area}.commit`)) ? readFileSync(join(outDir, `${area}.commit`), 'utf8').trim() : 'unknown';
    console.log(`${area.padEnd(16)} ${pct.toFixed(1).padStart(5)}%  detected ${s.detected}, survived or uncovered ${s.undetected}, invalid ${s.invalid}; ` +
      `with ${judged.KILLED} verified kills ${after.toFixed(1)}% (equivalent ${judged.EQUIVALENT}, not worth ${judged['NOT WORTH A TEST']}, not judged ${judged.none}); at ${at}`);
    const are = (n) => `${n} ${n === 1 ? 'is' : 'are'}`;
    const changed = changedSince(area, at);
    doc.push(`## ${area}`, '',
      `Measured at ${at}${AREAS[area].tests === undefined ? ' with every test file that imports the mutated file' : " with the area's own test files"}: ` +
      `${valid} valid mutants, ${s.detected} detected (${pct.toFixed(1)}%). Of the ${s.undetected} left, ` +
      `${are(judged.KILLED)} killed by tests written since (verified), ${are(judged.EQUIVALENT)} equivalent, ` +
      `${are(judged['NOT WORTH A TEST'])} not worth a test${judged.none > 0 ? `, ${are(judged.none)} not judged yet` : ''}: ` +
      `${after.toFixed(1)}% with the verified kills.` +
      (changed.length === 0 ? '' : ` Changed since that run: ${changed.map((f) => `\`${f}\``).join(', ')} (see git log).`), '', ...kept, '');
  }
  const valid = total.detected + total.undetected;
  const pct = (100 * total.detected) / valid;
  const after = (100 * (total.detected + total.killed)) / valid;
  console.log(`${'measured areas'.padEnd(16)} ${pct.toFixed(1).padStart(5)}%  detected ${total.detected} of ${valid}; with ${total.killed} verified kills ${after.toFixed(1)}%`);
  if (!writeDoc) return;
  writeFileSync(join(root, 'docs/mutation-survivors.md'), [
    '# Mutation survivors',
    '',
    'What became of every mutant Stryker left undetected in `src/`, area by area (`npm run mutate:areas`;',
    'this file is written by `npm run mutate:areas -- --doc` from the reports and the verdicts in `reports/mutation/areas/`).',
    'A survivor is killed by a test written for it, or listed here with the reason it is equivalent or not worth a test.',
    'Its line number is that of the source as its area was measured (the commit named below); files changed since are named.',
    '',
    'A kill counts only if `scripts/verify-kills.mjs` saw it: the mutant is written into a private copy of the project and',
    'the new tests are run transpile-only, as Stryker runs them, so a type error does not count; an assertion must fail.',
    '',
    `All measured areas: ${valid} valid mutants, ${total.detected} detected by Stryker (${pct.toFixed(1)}%), ` +
      `${total.detected + total.killed} with the verified kills (${after.toFixed(1)}%).`,
    '',
    ...doc,
  ].join('\n'));
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
  // The commit measured (with "+changes" when the working tree differed from it).
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: root, encoding: 'utf8' }).stdout.trim() !== '';
  const commit = `${head}${dirty ? '+changes' : ''}`;
  const tests = AREAS[area].tests;
  const env = tests === undefined ? process.env : { ...process.env, MUTATE_TESTS: JSON.stringify(tests) };
  const result = spawnSync('sh', ['-c', `npx stryker run "${configFile}" > "${log}" 2>&1`], { cwd: root, stdio: 'inherit', env });
  console.log(`${new Date().toISOString()} ${area}: exit ${result.status}`);
  if (result.status === 0) writeFileSync(join(outDir, `${area}.commit`), `${commit}\n`);
}

const args = process.argv.slice(2);
if (args.includes('--score') || args.includes('--doc')) {
  printScores(args.includes('--doc'));
} else {
  const areas = args.includes('--all') ? Object.keys(AREAS) : args;
  for (const area of areas) {
    if (!(area in AREAS)) throw new RangeError(`unknown area ${JSON.stringify(area)}; areas: ${Object.keys(AREAS).join(', ')}`);
  }
  for (const area of areas) run(area);
  printScores();
}
