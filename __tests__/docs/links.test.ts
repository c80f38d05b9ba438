import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { markdownFiles } from './support/code-blocks';

// Every relative link of README*.md and docs/**/*.md points at a file of the repository, and every
// `#anchor` at a heading of its page (GitHub's slugs). Links to the files other work is still
// writing are allowed while those files do not exist; once one exists this test says so, and it
// leaves the list.
const root = resolve(__dirname, '../..');
const PAGES_BEING_WRITTEN: string[] = [
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** The anchors of a Markdown text (a repeated heading gets -1, -2... as on GitHub). */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    found.add(n === 0 ? base : `${base}-${n}`);
  }
  return found;
}

/** The relative links of a Markdown text, outside code blocks and code spans. */
function links(markdown: string): string[] {
  const prose = markdown.replace(/^\s*(`{3,}|~{3,})[\s\S]*?^\s*\1\s*$/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!).filter((href) => !/^[a-z][a-z0-9+.-]*:/i.test(href));
}

describe('links in README and docs/', () => {
  const files = markdownFiles(root);

  test('every relative link and anchor resolves', () => {
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const href of links(text)) {
        const [path, anchor] = href.split('#') as [string, string | undefined];
        const target = path === '' ? join(root, file) : resolve(dirname(join(root, file)), decodeURI(path));
        const inRepo = relative(root, target);
        if (!existsSync(target)) {
          if (!PAGES_BEING_WRITTEN.includes(inRepo)) broken.push(`${file}: ${href} (no such file)`);
          continue;
        }
        if (anchor !== undefined && statSync(target).isFile() && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(anchor)) {
          broken.push(`${file}: ${href} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  test('the README (README.next.md while it is on its way in) is at most 250 lines', () => {
    const readme = files.includes('README.next.md') ? 'README.next.md' : 'README.md';
    expect(readFileSync(join(root, readme), 'utf8').trimEnd().split('\n').length).toBeLessThanOrEqual(250);
  });

  test('the pages other work is writing are listed only while they do not exist', () => {
    expect(PAGES_BEING_WRITTEN.filter((page) => existsSync(join(root, page)))).toEqual([]);
  });
});
