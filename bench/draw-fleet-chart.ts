/**
 * Draws bench/results/fleet.json (from `npm run simulate:fleet`) as docs/fleet.svg: load
 * amplification during the outage against the number of workers K, one line per policy, and
 * the breakers' half-open probes per reset period against K. Plain SVG, no dependency.
 *
 *   npx tsx bench/draw-fleet-chart.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FleetRow } from './simulate-fleet.js';

const data = JSON.parse(readFileSync(join(__dirname, 'results', 'fleet.json'), 'utf8')) as { rate: number; rows: FleetRow[] };

interface Series {
  readonly policy: FleetRow['policy'];
  readonly label: string;
  readonly color: string;
  readonly dash?: string;
}
const SERIES: readonly Series[] = [
  { policy: 'plain', label: 'plain retries', color: '#c0392b' },
  { policy: 'budget-local', label: 'ratio budget per process', color: '#e67e22', dash: '5 3' },
  { policy: 'budget-shared', label: 'ratio budget shared (Redis)', color: '#27ae60' },
  { policy: 'breaker-local', label: 'breaker per process', color: '#8e44ad', dash: '5 3' },
  { policy: 'breaker-shared', label: 'breaker shared (Redis)', color: '#2980b9' },
];
const WIDTH = 880;
const HEIGHT = 380;
const PLOT_W = 340;
const PLOT_H = 220;
const TOP = 56;

const fmt = (n: number): string => String(Math.round(n * 10) / 10);

function axisTop(max: number): { top: number; step: number } {
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough)!;
  return { top: Math.ceil(max / step) * step, step };
}

function plot(left: number, title: string, series: readonly Series[], value: (r: FleetRow) => number | null): string[] {
  const ks = [...new Set(data.rows.map((r) => r.k))].sort((a, b) => a - b);
  const values = data.rows.filter((r) => series.some((s) => s.policy === r.policy)).map(value).filter((v): v is number => v !== null);
  const { top, step } = axisTop(Math.max(1, ...values));
  // K on a log scale: 1, 2, 4, 8 evenly spaced.
  const x = (k: number): number => left + (Math.log2(k) / Math.log2(ks.at(-1)!)) * PLOT_W;
  const y = (v: number): number => TOP + PLOT_H - (v / top) * PLOT_H;
  const out = [`<text x="${left + PLOT_W / 2}" y="${TOP - 18}" text-anchor="middle" font-weight="bold">${title}</text>`];
  for (let v = 0; v <= top + 1e-9; v += step) {
    out.push(`<line x1="${left}" x2="${left + PLOT_W}" y1="${fmt(y(v))}" y2="${fmt(y(v))}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${left - 8}" y="${fmt(y(v) + 4)}" text-anchor="end" fill="#555">${fmt(v)}</text>`);
  }
  for (const k of ks) out.push(`<text x="${fmt(x(k))}" y="${TOP + PLOT_H + 18}" text-anchor="middle" fill="#555">${k}</text>`);
  out.push(`<text x="${left + PLOT_W / 2}" y="${TOP + PLOT_H + 38}" text-anchor="middle">worker processes (K)</text>`);
  out.push(`<path d="M${left},${TOP} V${TOP + PLOT_H} H${left + PLOT_W}" fill="none" stroke="#333"/>`);
  for (const s of series) {
    const rows = data.rows.filter((r) => r.policy === s.policy && value(r) !== null).sort((a, b) => a.k - b.k);
    const points = rows.map((r) => `${fmt(x(r.k))},${fmt(y(value(r)!))}`);
    out.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2.2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    for (const p of points) out.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3.2" fill="${s.color}"/>`);
  }
  return out;
}

const legend = SERIES.map((s, i) => {
  const lx = 70 + (i % 3) * 270;
  const ly = HEIGHT - 34 + Math.floor(i / 3) * 18;
  return `<line x1="${lx}" x2="${lx + 26}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2.2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>` +
    `<text x="${lx + 32}" y="${ly}">${s.label}</text>`;
});

const svg = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
  `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
  `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="14">Fleet storm: ${data.rate} calls/s across K workers, dependency down for 10 s (npm run simulate:fleet)</text>`,
  ...plot(70, 'Load amplification during the outage (x)', SERIES, (r) => r.amplification),
  ...plot(70 + PLOT_W + 110, 'Half-open probes per reset period', SERIES.filter((s) => s.policy.startsWith('breaker')), (r) => r.probesPerReset),
  ...legend,
  '</svg>',
];
writeFileSync(join(__dirname, '..', 'docs', 'fleet.svg'), svg.join('\n') + '\n');
console.log('wrote docs/fleet.svg');
