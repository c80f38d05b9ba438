// `npm run bench` (after `npm run build`): the core bench (bench/run.mjs, given this script's
// arguments), then every bench/*.bench.mjs in name order, each in a process of its own with
// --expose-gc. Each runs even if an earlier one failed; the failures are listed at the end and
// the exit code is 1.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const extra = readdirSync(dir).filter((f) => f.endsWith('.bench.mjs')).sort();
const jobs = [['run.mjs', process.argv.slice(2)], ...extra.map((f) => [f, []])];

const failures = [];
for (const [file, args] of jobs) {
  process.stderr.write(`\n=== bench/${file} ${args.join(' ')}\n`);
  const t0 = performance.now();
  const { status, signal, error } = spawnSync(process.execPath, ['--expose-gc', `${dir}${file}`, ...args], { stdio: 'inherit' });
  const seconds = ((performance.now() - t0) / 1000).toFixed(0);
  if (status === 0) {
    process.stderr.write(`=== bench/${file}: done in ${seconds} s\n`);
  } else {
    const why = error?.message ?? (signal ? `killed by ${signal}` : `exit code ${status}`);
    process.stderr.write(`\n!!! bench/${file} FAILED (${why}) after ${seconds} s\n`);
    failures.push(`bench/${file}: ${why}`);
  }
}
if (failures.length > 0) {
  process.stderr.write(`\n!!! ${failures.length} of ${jobs.length} bench files FAILED:\n${failures.map((f) => `  ${f}\n`).join('')}`);
  process.exit(1);
}
process.stderr.write(`\nAll ${jobs.length} bench files passed.\n`);
