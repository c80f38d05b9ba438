/**
 * Draws bench/results/hedging.json as docs/hedging.svg: the latency percentiles (p50, p99,
 * p99.9, log scale) of each scenario with a healthy server, on the loopback server and on the
 * ManualClock; on the right the extra requests each scenario sent (loopback solid, ManualClock
 * light), with the overloaded server too, against the budget's 10%. Hand-written SVG.
 *
 *   npx tsx bench/draw-hedging-chart.ts
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

interface Figures { p50: number; p99: number; p999: number; extraRequests: number }
interface Row extends Figures { scenario: string; overload: boolean; virtual: Figures }
const data = JSON.parse(readFileSync(join(__dirname, 'results', 'hedging.json'), 'utf8')) as { requests: number; ratePerSecond: number; results: Row[] };

const W = 1180;
const H = 400;
const TOP = 56;
const PANEL_H = 240;
const PANELS = [{ x: 60, w: 330 }, { x: 450, w: 330 }];
const RIGHT = { x: 850, w: 310 };
const PERCENTILES: ReadonlyArray<{ key: 'p50' | 'p99' | 'p999'; label: string; color: string }> = [
  { key: 'p50', label: 'p50', color: '#95a5a6' },
  { key: 'p99', label: 'p99', color: '#2980b9' },
  { key: 'p999', label: 'p99.9', color: '#c0392b' },
];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const num = (n: number): string => (Math.round(n * 10) / 10).toString();
/** Two lines for a scenario's label under its bars. */
const label = (s: string): [string, string] => {
  const at = s.indexOf(' delay ');
  return at < 0 ? [s, ''] : [s.slice(0, at + 6), s.slice(at + 7)];
};

function axisLabel(x: number, y: number, lines: [string, string]): string {
  return `<text x="${num(x)}" y="${y}" text-anchor="middle" fill="#333">${esc(lines[0])}</text>` +
    (lines[1] === '' ? '' : `<text x="${num(x)}" y="${y + 14}" text-anchor="middle" fill="#333">${esc(lines[1])}</text>`);
}

function latencyPanel(rows: readonly Row[], pick: (r: Row) => Figures, LEFT: { x: number; w: number }, title: string): string {
  const lo = 1;
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...rows.flatMap((r) => [r.p999, r.virtual.p999]))));
  const sy = (v: number): number => TOP + PANEL_H - (Math.log10(Math.max(v, lo) / lo) / Math.log10(hi / lo)) * PANEL_H;
  const out: string[] = [`<text x="${LEFT.x + LEFT.w / 2}" y="${TOP - 16}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`];
  for (let v = lo; v <= hi; v *= 10) {
    out.push(`<line x1="${LEFT.x}" x2="${LEFT.x + LEFT.w}" y1="${num(sy(v))}" y2="${num(sy(v))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${LEFT.x - 6}" y="${num(sy(v) + 4)}" text-anchor="end" fill="#555">${v.toLocaleString('en')}</text>`);
  }
  const group = LEFT.w / rows.length;
  const bar = (group * 0.7) / PERCENTILES.length;
  rows.forEach((r, i) => {
    const x0 = LEFT.x + i * group + group * 0.15;
    PERCENTILES.forEach((p, j) => {
      const value = pick(r)[p.key];
      const y = sy(value);
      out.push(`<rect x="${num(x0 + j * bar)}" y="${num(y)}" width="${num(bar - 2)}" height="${num(TOP + PANEL_H - y)}" fill="${p.color}"/>`);
      out.push(`<text x="${num(x0 + j * bar + bar / 2 - 1)}" y="${num(y - 4)}" text-anchor="middle" font-size="10" fill="#333">${Math.round(value)}</text>`);
    });
    out.push(axisLabel(LEFT.x + i * group + group / 2, TOP + PANEL_H + 16, label(r.scenario)));
  });
  out.push(`<line x1="${LEFT.x}" x2="${LEFT.x + LEFT.w}" y1="${TOP + PANEL_H}" y2="${TOP + PANEL_H}" stroke="#333"/>`);
  out.push(`<line x1="${LEFT.x}" x2="${LEFT.x}" y1="${TOP}" y2="${TOP + PANEL_H}" stroke="#333"/>`);
  return out.join('\n  ');
}

function extraPanel(rows: readonly Row[]): string {
  const top = 12;
  const sy = (v: number): number => TOP + PANEL_H - (v / top) * PANEL_H;
  const out: string[] = [`<text x="${RIGHT.x + RIGHT.w / 2}" y="${TOP - 16}" text-anchor="middle" font-weight="bold">Extra requests (% of calls)</text>`];
  for (let v = 0; v <= top; v += 2) {
    out.push(`<line x1="${RIGHT.x}" x2="${RIGHT.x + RIGHT.w}" y1="${num(sy(v))}" y2="${num(sy(v))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${RIGHT.x - 6}" y="${num(sy(v) + 4)}" text-anchor="end" fill="#555">${v}%</text>`);
  }
  out.push(`<line x1="${RIGHT.x}" x2="${RIGHT.x + RIGHT.w}" y1="${num(sy(10))}" y2="${num(sy(10))}" stroke="#8e44ad" stroke-dasharray="5 3"/>`);
  out.push(`<text x="${RIGHT.x + RIGHT.w}" y="${num(sy(10) - 4)}" text-anchor="end" fill="#8e44ad" font-size="11">budget: 10%</text>`);
  const shown = rows.filter((r) => r.scenario !== 'no hedging');
  const group = RIGHT.w / shown.length;
  shown.forEach((r, i) => {
    const x = RIGHT.x + i * group + group * 0.1;
    [r.extraRequests, r.virtual.extraRequests].forEach((share, j) => {
      const value = share * 100;
      const y = sy(Math.min(value, top));
      out.push(`<rect x="${num(x + j * group * 0.4)}" y="${num(y)}" width="${num(group * 0.38)}" height="${num(TOP + PANEL_H - y)}" ` +
        `fill="${r.overload ? '#e67e22' : '#27ae60'}"${j === 1 ? ' fill-opacity="0.45"' : ''}/>`);
      out.push(`<text x="${num(x + j * group * 0.4 + group * 0.19)}" y="${num(y - 4)}" text-anchor="middle" font-size="9" fill="#333">${value.toFixed(1)}</text>`);
    });
    const [a, b] = label(r.scenario.replace('overloaded, ', ''));
    out.push(axisLabel(x + group * 0.4, TOP + PANEL_H + 16, [a.replace(' delay', ''), b]));
  });
  out.push(`<line x1="${RIGHT.x}" x2="${RIGHT.x + RIGHT.w}" y1="${TOP + PANEL_H}" y2="${TOP + PANEL_H}" stroke="#333"/>`);
  out.push(`<line x1="${RIGHT.x}" x2="${RIGHT.x}" y1="${TOP}" y2="${TOP + PANEL_H}" stroke="#333"/>`);
  return out.join('\n  ');
}

const legend = [
  ...PERCENTILES.map((p, i) => `<rect x="${70 + i * 80}" y="${H - 28}" width="12" height="12" fill="${p.color}"/><text x="${88 + i * 80}" y="${H - 18}" fill="#333">${p.label}</text>`),
  `<rect x="850" y="${H - 28}" width="12" height="12" fill="#27ae60"/><text x="868" y="${H - 18}" fill="#333">healthy server</text>`,
  `<rect x="980" y="${H - 28}" width="12" height="12" fill="#e67e22"/><text x="998" y="${H - 18}" fill="#333">every request slow</text>`,
  `<text x="850" y="${H - 4}" fill="#555" font-size="11">solid: loopback server; light: ManualClock</text>`,
].join('\n  ');

const healthy = data.results.filter((r) => !r.overload);
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">
  <title>Hedging simulation: latency percentiles and extra requests (maestro-retry)</title>
  <rect width="${W}" height="${H}" fill="#fff"/>
  <text x="${W / 2}" y="18" text-anchor="middle" font-size="13" fill="#333">${data.requests.toLocaleString('en')} calls at ${data.ratePerSecond}/s to a loopback server (95% ~5 ms, 5% ~250 ms), each through retry() with hedging</text>
  ${latencyPanel(healthy, (r) => r, PANELS[0]!, 'Loopback server: latency (ms, log)')}
  ${latencyPanel(healthy, (r) => r.virtual, PANELS[1]!, 'ManualClock: latency (ms, log)')}
  ${extraPanel(data.results)}
  ${legend}
</svg>
`;
mkdirSync(join(__dirname, '..', 'docs'), { recursive: true });
writeFileSync(join(__dirname, '..', 'docs', 'hedging.svg'), svg);
console.log('wrote docs/hedging.svg');
