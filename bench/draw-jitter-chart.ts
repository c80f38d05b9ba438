/**
 * Draws bench/results/jitter.json as docs/jitter.svg: total calls and completion time against
 * the number of clients, one line per jitter strategy. Hand-written SVG, no dependency.
 *
 *   npx tsx bench/draw-jitter-chart.ts
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

interface Row { strategy: 'none' | 'full' | 'equal' | 'decorrelated'; clients: number; calls: number; timeMs: number }
const data = JSON.parse(readFileSync(join(__dirname, 'results', 'jitter.json'), 'utf8')) as { runs: number; results: Row[] };

const SERIES: ReadonlyArray<{ key: Row['strategy']; label: string; color: string; dash?: string }> = [
  { key: 'none', label: 'exponential, no jitter', color: '#c0392b' },
  { key: 'equal', label: 'equal jitter', color: '#2980b9', dash: '6 3' },
  { key: 'decorrelated', label: 'decorrelated jitter', color: '#8e44ad', dash: '2 3' },
  { key: 'full', label: 'full jitter', color: '#27ae60' },
];
const W = 860;
const H = 360;
const PANEL_W = 360;
const PANEL_H = 230;
const TOP = 52;
const LEFT = [70, 70 + PANEL_W + 80];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const num = (n: number): string => (Math.round(n * 10) / 10).toString();

/** A "nice" axis maximum and step for values up to `max`. */
function niceScale(max: number): { top: number; step: number } {
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step, step };
}

function panel(x0: number, title: string, value: (r: Row) => number, format: (v: number) => string): string {
  const clients = [...new Set(data.results.map((r) => r.clients))].sort((a, b) => a - b);
  const xMax = clients.at(-1)!;
  const { top, step } = niceScale(Math.max(...data.results.map(value)));
  const sx = (c: number): number => x0 + (c / xMax) * PANEL_W;
  const sy = (v: number): number => TOP + PANEL_H - (v / top) * PANEL_H;
  const out: string[] = [];
  out.push(`<text x="${x0 + PANEL_W / 2}" y="${TOP - 14}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  for (let v = 0; v <= top + 1e-9; v += step) {
    out.push(`<line x1="${x0}" x2="${x0 + PANEL_W}" y1="${num(sy(v))}" y2="${num(sy(v))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x0 - 6}" y="${num(sy(v) + 4)}" text-anchor="end" fill="#555">${esc(format(v))}</text>`);
  }
  for (const c of clients) {
    out.push(`<text x="${num(sx(c))}" y="${TOP + PANEL_H + 16}" text-anchor="middle" fill="#555">${c}</text>`);
  }
  out.push(`<line x1="${x0}" x2="${x0 + PANEL_W}" y1="${TOP + PANEL_H}" y2="${TOP + PANEL_H}" stroke="#333"/>`);
  out.push(`<line x1="${x0}" x2="${x0}" y1="${TOP}" y2="${TOP + PANEL_H}" stroke="#333"/>`);
  out.push(`<text x="${x0 + PANEL_W / 2}" y="${TOP + PANEL_H + 34}" text-anchor="middle" fill="#333">clients</text>`);
  for (const s of SERIES) {
    const rows = data.results.filter((r) => r.strategy === s.key).sort((a, b) => a.clients - b.clients);
    const points = rows.map((r) => `${num(sx(r.clients))},${num(sy(value(r)))}`).join(' ');
    out.push(`<polyline points="${points}" fill="none" stroke="${s.color}" stroke-width="2.2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    for (const r of rows) out.push(`<circle cx="${num(sx(r.clients))}" cy="${num(sy(value(r)))}" r="3" fill="${s.color}"/>`);
  }
  return out.join('\n  ');
}

const legend = SERIES.map((s, i) => {
  const x = 70 + i * 195;
  const y = H - 18;
  return `<line x1="${x}" x2="${x + 26}" y1="${y - 4}" y2="${y - 4}" stroke="${s.color}" stroke-width="2.2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>` +
    `<text x="${x + 32}" y="${y}" fill="#333">${esc(s.label)}</text>`;
}).join('\n  ');

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">
  <title>Jitter simulation: calls and completion time against clients (maestro-retry)</title>
  <rect width="${W}" height="${H}" fill="#fff"/>
  <text x="${W / 2}" y="18" text-anchor="middle" font-size="13" fill="#333">N clients updating one row under optimistic concurrency, each with maestro-retry's retry() (mean of ${data.runs} runs)</text>
  ${panel(LEFT[0]!, 'Total calls (write attempts)', (r) => r.calls, (v) => v.toLocaleString('en'))}
  ${panel(LEFT[1]!, 'Completion time (virtual s)', (r) => r.timeMs / 1000, (v) => `${v}`)}
  ${legend}
</svg>
`;
mkdirSync(join(__dirname, '..', 'docs'), { recursive: true });
writeFileSync(join(__dirname, '..', 'docs', 'jitter.svg'), svg);
console.log('wrote docs/jitter.svg');
