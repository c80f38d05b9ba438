import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// semver comes with several devDependencies (jest, ts-jest), untyped; `satisfies` exists in every version of it.
const { satisfies } = require('semver') as { satisfies(version: string, range: string): boolean };

// package.json's `engines` (what a user's Node needs) and `devEngines` (what working on the repository
// needs) must be true to the lockfile: every Node version they admit must be one that every locked
// package admits too, or `npm install` prints EBADENGINE. Checked on every release line from Node 14
// to 30, minor by minor.
const root = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devEngines: { runtime: { name: string; version: string } };
};
type Locked = { version?: string; dev?: boolean; optional?: boolean; devOptional?: boolean; peer?: boolean; engines?: { node?: string } | string[] };
const lock = JSON.parse(readFileSync(resolve(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, Locked> };

const nodeVersions = Array.from({ length: 17 }, (_, i) => 14 + i).flatMap((major) => Array.from({ length: 41 }, (_, minor) => `${major}.${minor}.0`));

/** Every locked package (path, its engines.node) that an install would put on disk, filtered. */
function lockedEngines(include: (p: Locked) => boolean): Array<[string, string]> {
  return Object.entries(lock.packages)
    .filter(([path, p]) => path !== '' && !p.optional && include(p) && !Array.isArray(p.engines) && typeof p.engines?.node === 'string')
    .map(([path, p]) => [path.replace(/^.*node_modules\//, ''), (p.engines as { node: string }).node]);
}

/** The Node versions admitted by `range` that some package in `locked` refuses, with who refuses. */
function refused(range: string, locked: Array<[string, string]>): string[] {
  const admitted = nodeVersions.filter((v) => satisfies(v, range));
  const refusing = new Map<string, string[]>(); // a range wanted, and the Node versions it refuses
  for (const [, wants] of locked) if (!refusing.has(wants)) refusing.set(wants, admitted.filter((v) => !satisfies(v, wants)));
  return locked.flatMap(([name, wants]) => refusing.get(wants)!.map((v) => `Node ${v}: ${name} wants ${wants}`));
}

describe('engines', () => {
  test('every Node the package admits runs its runtime dependencies', () => {
    const runtime = lockedEngines((p) => !p.dev && !p.devOptional && !p.peer);
    expect(refused(pkg.engines.node, runtime)).toEqual([]);
  });

  test('every Node devEngines admits installs the whole lockfile without EBADENGINE', () => {
    expect(pkg.devEngines.runtime.name).toBe('node');
    expect(refused(pkg.devEngines.runtime.version, lockedEngines(() => true))).toEqual([]);
  });

  test('devEngines admits the Node this suite runs on, and the package admits every Node devEngines does', () => {
    expect(satisfies(process.versions.node, pkg.devEngines.runtime.version)).toBe(true);
    expect(nodeVersions.filter((v) => satisfies(v, pkg.devEngines.runtime.version) && !satisfies(v, pkg.engines.node))).toEqual([]);
  });
});
