/** Plain-text tables for the simulation scripts (and the Markdown in the README (policies section)). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export const x = (n: number, digits = 2): string => `${n.toFixed(digits)}x`;
export const pct = (n: number, digits = 1): string => `${(n * 100).toFixed(digits)}%`;
export const secs = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
export const reasons = (r: Partial<Record<string, number>>): string =>
  Object.entries(r).map(([k, v]) => `${k} ${v}`).join(', ') || '-';
