// What package.json's `exports` promises, read as data, so that every check and tool that needs
// the package's entry points (the package check, the API reference, the docs' code blocks) follows
// the subpaths as they are added instead of keeping its own list.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');

/** The package.json of the repository. */
export function readPackage() {
  return JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
}

/** The target file of one condition of an export entry: `import`/`require`, then `types`/`default`. */
function target(entry, mode, kind) {
  if (typeof entry === 'string') return kind === 'default' ? entry : undefined;
  const branch = entry[mode] ?? entry.default ?? entry;
  if (typeof branch === 'string') return kind === 'default' ? branch : undefined;
  return branch[kind];
}

/**
 * Every code entry point of the package: `{ subpath, specifier, import, require, importTypes, requireTypes }`
 * for each key of `exports` except `./package.json` and other non-code files. `subpath` is the key
 * as written (`'.'`, `'./redis'`, `'./packs/*'`); `specifier` is what a user writes
 * (`'maestro-retry'`, `'maestro-retry/redis'`). A pattern key (`./packs/*`) is kept as one entry;
 * {@link expandPatterns} turns it into one entry per file.
 */
export function entryPoints(pkg = readPackage()) {
  const exports = typeof pkg.exports === 'string' ? { '.': pkg.exports } : pkg.exports ?? { '.': pkg.main };
  return Object.entries(exports)
    .filter(([subpath, entry]) => entry !== null && !/\.json$/.test(subpath) && /\.[cm]?js$/.test(target(entry, 'require', 'default') ?? target(entry, 'import', 'default') ?? ''))
    .map(([subpath, entry]) => ({
      subpath,
      specifier: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`,
      import: target(entry, 'import', 'default'),
      require: target(entry, 'require', 'default'),
      importTypes: target(entry, 'import', 'types'),
      requireTypes: target(entry, 'require', 'types'),
    }));
}

/**
 * Replaces each pattern entry (a subpath with one `*`) by one entry per file that matches its
 * `require` target in `files` (paths relative to the package root, as `npm pack` lists them).
 */
export function expandPatterns(entries, files) {
  return entries.flatMap((e) => {
    if (!e.subpath.includes('*')) return [e];
    const [before, after] = e.require.replace(/^\.\//, '').split('*');
    return files
      .filter((f) => f.startsWith(before) && f.endsWith(after) && f.length > before.length + after.length)
      .map((f) => f.slice(before.length, f.length - after.length))
      .filter((stem) => !stem.includes('/'))
      .map((stem) => {
        const fill = (s) => s?.replace('*', stem);
        return { subpath: fill(e.subpath), specifier: fill(e.specifier), import: fill(e.import), require: fill(e.require), importTypes: fill(e.importTypes), requireTypes: fill(e.requireTypes) };
      });
  });
}

/**
 * The `typesVersions` that lets TypeScript's `node10` resolution (no `exports` support) find the
 * declarations of every subpath: each subpath maps to its CommonJS declarations, the root to none
 * (`types` serves it). `undefined` when the package has no subpath.
 */
export function expectedTypesVersions(pkg = readPackage()) {
  const subpaths = entryPoints(pkg).filter((e) => e.subpath !== '.');
  if (subpaths.length === 0) return undefined;
  return { '*': Object.fromEntries(subpaths.map((e) => [e.subpath.slice(2), [e.requireTypes]])) };
}

/**
 * The TypeScript source file of an entry point, from the layout `dist/<format>/<path>.js` ->
 * `src/<path>.ts` (`./dist/cjs/redis/index.js` -> `src/redis/index.ts`).
 */
export function sourceOf(entry) {
  const m = /^\.\/dist\/(?:cjs|esm)\/(.+)\.js$/.exec(entry.require ?? entry.import);
  if (!m) throw new Error(`${entry.subpath}: its target ${entry.require ?? entry.import} is not under dist/cjs or dist/esm`);
  return `src/${m[1]}.ts`;
}
