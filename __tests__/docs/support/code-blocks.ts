import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * One TypeScript code block of a Markdown file. The fence's info string is the language (`ts` or
 * `typescript`) followed by flags, the convention written down in docs/contributing.md:
 * - none: the block is a whole module; it is type-checked against the package;
 * - `run`: type-checked, then run (it must end in well under 10 s, and assert what it shows);
 * - `legacy`: checked (and run, with `run`) under `experimentalDecorators` + `emitDecoratorMetadata`;
 * - `jest`: a Jest test file (importing from `@jest/globals`): type-checked, then run by Jest.
 * There is no flag to leave a block unchecked.
 */
export interface CodeBlock {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** The line of the first line of code (1-based), for messages. */
  readonly line: number;
  readonly code: string;
  readonly run: boolean;
  readonly legacy: boolean;
  readonly jest: boolean;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)\s*(.*)$/;
const KNOWN_FLAGS = new Set(['run', 'legacy', 'jest']);

/** The TypeScript blocks of one Markdown text, code un-indented by its fence's indentation. */
export function extractBlocks(markdown: string, file: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang, rest] = open as unknown as [string, string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      if (line.trim().startsWith(fence[0]!.repeat(fence.length)) && line.trim().replace(/[`~]/g, '') === '') break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    if (lang === 'ts' || lang === 'typescript') {
      const flags = rest.split(/\s+/).filter(Boolean);
      const unknown = flags.filter((f) => !KNOWN_FLAGS.has(f));
      if (unknown.length > 0) throw new Error(`${file}:${i + 1}: unknown code-block flag ${unknown.join(', ')} (known: ${[...KNOWN_FLAGS].join(', ')})`);
      blocks.push({ file, line: i + 2, code: body.join('\n') + '\n', run: flags.includes('run'), legacy: flags.includes('legacy'),
        jest: flags.includes('jest') });
    }
    i = j;
  }
  return blocks;
}

/**
 * The Markdown files whose code blocks are checked: the ones at the root, and docs/ (but the
 * generated docs/api/). While README.next.md exists, it is the README on its way in and the old
 * README.md, on its way out, is not checked.
 */
export function markdownFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (relative(root, path) !== join('docs', 'api')) walk(path);
      } else if (entry.name.endsWith('.md')) found.push(relative(root, path));
    }
  };
  for (const entry of readdirSync(root, { withFileTypes: true })) if (entry.isFile() && entry.name.endsWith('.md')) found.push(entry.name);
  walk(join(root, 'docs'));
  return found.filter((f) => f !== 'README.md' || !found.includes('README.next.md')).sort();
}

/**
 * A file name for a block, unique and readable: `docs__guide__options.md-L42.mts` (an ES module,
 * so top-level `await` works), or `...-L42.test.ts` for a Jest block (CommonJS, as Jest runs it).
 */
export function blockFileName(block: CodeBlock): string {
  return `${block.file.replace(/[\\/]/g, '__')}-L${block.line}${block.jest ? '.test.ts' : '.mts'}`;
}

/** The package specifiers a block imports (`maestro-retry`, `maestro-retry/redis`). */
export function packageImports(code: string, packageName: string): string[] {
  const specifiers = [...code.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.filter((s) => s === packageName || s.startsWith(`${packageName}/`));
}
