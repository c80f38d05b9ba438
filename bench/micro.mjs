// (a) and (b) in a process of their own (run.mjs starts it; the first argument is its JSON
// config): every case of the path, timed in interleaved rounds. Prints one JSON line.
//   config: { path: 'a' | 'b', errors: 'preallocated' | 'fresh', builds: [{ label, dir }],
//             decoratedFile, rounds, batchMs, filter? }
import { readFileSync } from 'node:fs';
import { listCases } from './lib/cases.mjs';
import { compileCase } from './lib/compile.mjs';
import { loadBuild, loadPeers } from './lib/builds.mjs';
import { measure } from './lib/measure.mjs';

const config = JSON.parse(process.argv[2]);
const log = (s) => process.stderr.write(s + '\n');
const libs = await Promise.all(config.builds.map(loadBuild));
const peers = await loadPeers();
const decoratedSource = readFileSync(config.decoratedFile, 'utf8');
const failing = config.path === 'b';

const cases = listCases(config.path, config.builds, config.filter);
const entries = cases.map((c) => ({
  key: c.key,
  f: compileCase(c, { lib: libs[c.build], peers, delay: 0, failing, errors: config.errors, decoratedSource }),
}));
const rows = await measure(entries, {
  rounds: config.rounds,
  batchMs: config.batchMs,
  arg: failing ? '{ n: 0 }' : 'i',
  log,
});
process.stdout.write(JSON.stringify(rows) + '\n');
// Opossum keeps an interval for its rolling statistics.
process.exit(0);
