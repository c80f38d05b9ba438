// Compiles each case from its own source text. V8 keeps type feedback per closure-creation
// site and caches what the `Function` constructor compiles by its text: a case factory called
// twice (say for two builds of an A/B run), or two runners of identical text, would share
// their call sites, and one case's functions would make another's calls polymorphic. Every
// text compiled here names its case, so each case gets code of its own: its factory, its
// `work` function, its errors and its @Retryable class.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const AsyncFunction = (async () => {}).constructor;

/**
 * Transpiles lib/retryable-api.ts with the project's TypeScript (TC39 decorators, ES2022,
 * CommonJS) into a new temporary directory and returns the file's path.
 */
export function transpileDecorated() {
  const require = createRequire(import.meta.url);
  const ts = require('typescript');
  const file = fileURLToPath(new URL('./retryable-api.ts', import.meta.url));
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, experimentalDecorators: false },
  });
  if (!outputText.includes('__esDecorate')) throw new Error('retryable-api.ts did not compile to TC39 decorators');
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'maestro-bench-')), 'retryable-api.js');
  writeFileSync(out, outputText);
  return out;
}

/** The module `transpileDecorated` wrote, evaluated anew for the case `id`. */
function loadDecorated(source, id) {
  const exports = {};
  new Function('exports', `${source}\n// @Retryable classes of case ${JSON.stringify(id)}`)(exports);
  return exports;
}

/**
 * The function a case measures: `c.make` compiled from its text for this case, given `env`
 * ({ lib, peers, delay, failing, errors: 'preallocated' | 'fresh', decoratedSource }).
 */
export function compileCase(c, env) {
  let source = c.make.toString();
  if (c.role === 'maestro') {
    if (!source.includes('/*registry*/')) throw new Error(`case ${c.name}: its options have no /*registry*/ mark`);
    source = source.replaceAll('/*registry*/', c.registry === 'off' ? 'registry: false,' : '');
  }
  const id = JSON.stringify(`${c.key} ${env.failing ? `failing, ${env.errors} errors` : 'success'}, delay ${env.delay}`);
  const factory = new Function('env', `'use strict'; // case ${id}
    function transient() {
      const error = new Error('read ECONNRESET');
      error.code = 'ECONNRESET';
      return error;
    }
    const preallocated = env.errors === 'preallocated' ? transient() : undefined;
    const fail = preallocated === undefined ? transient : () => preallocated;
    async function target(x) { return x; }
    async function failing(s) {
      if (s.n++ < 2) throw fail();
      return s.n;
    }
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const work = env.failing ? failing : target;
    return (${source})({ ...env, work, fail, sleep });`);
  const decorated = loadDecorated(env.decoratedSource, id);
  return factory({ ...env, decorated });
}

/**
 * A runner of its own per case: awaits `n` sequential calls of `f(<arg>)`, `arg` being the
 * expression passed on each call (`i`, or `{ n: 0 }` for a fresh state per call).
 */
export function makeRunner(arg, key) {
  return new AsyncFunction('f', 'n', `// runner of case ${JSON.stringify(key)}
    let sink = 0;
    for (let i = 0; i < n; i++) sink += (await f(${arg})) === undefined ? 0 : 1;
    if (sink !== n) throw new Error('a case returned undefined');
  `);
}
