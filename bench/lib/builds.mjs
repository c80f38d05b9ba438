// The builds a run measures: this checkout's dist/ (built by `npm run bench`), and for an A/B
// run a build of another commit, made outside the repository and reused while it exists.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const git = (repo, ...args) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();

/** This checkout: { label, dir, commit, dirty } (dirty: src/ differs from the commit). */
export function currentBuild(repo) {
  const commit = git(repo, 'rev-parse', 'HEAD');
  const dirty = git(repo, 'status', '--porcelain', '--', 'src') !== '';
  if (!existsSync(path.join(repo, 'dist/esm/index.js'))) throw new Error('no dist/: run `npm run build` first (`npm run bench` does)');
  return { label: `${commit.slice(0, 7)}${dirty ? '+changes' : ''}`, dir: repo, commit, dirty };
}

/**
 * The library built at `rev`: its tree exported with `git archive` into a directory under the
 * system's temporary directory, `node_modules` linked to this checkout's, then `npm run build`
 * there. A build of the same commit made by an earlier run is reused.
 */
export function buildAt(repo, rev, log) {
  const commit = git(repo, 'rev-parse', '--verify', `${rev}^{commit}`);
  const dir = path.join(os.tmpdir(), 'maestro-bench-builds', commit);
  const done = path.join(dir, '.bench-built');
  if (existsSync(done)) {
    log(`A/B: reusing the build of ${rev} (${commit.slice(0, 7)}) in ${dir}`);
  } else {
    log(`A/B: building ${rev} (${commit.slice(0, 7)}) in ${dir}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tar = path.join(dir, '..', `${commit}.tar`);
    execFileSync('git', ['-C', repo, 'archive', '--output', tar, commit]);
    execFileSync('tar', ['-xf', tar, '-C', dir]);
    rmSync(tar);
    symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: ['ignore', 2, 2] });
    writeFileSync(done, `${commit}\n`);
  }
  return { label: commit.slice(0, 7), dir, commit, dirty: false };
}

/** The package's ESM entry of a build. */
export const loadBuild = (build) => import(pathToFileURL(path.join(build.dir, 'dist/esm/index.js')).href);

/** The peers, as their packages export them. */
export async function loadPeers() {
  const [{ default: pRetry }, cockatiel, { default: Opossum }, { default: asyncRetry }] = await Promise.all([
    import('p-retry'), import('cockatiel'), import('opossum'), import('async-retry'),
  ]);
  return { pRetry, cockatiel, Opossum, asyncRetry };
}
