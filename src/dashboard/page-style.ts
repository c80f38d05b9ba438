/** The statistics page's style sheet, inlined in the page (allowed by its hash in the CSP). */
export const PAGE_STYLE = `
:root { color-scheme: light dark; --bg: #f6f7f9; --panel: #fff; --ink: #1c2430; --muted: #667085; --line: #e3e6eb;
  --good: #16803c; --bad: #c0352b; --warn: #b26b00; --accent: #2f62d8; }
@media (prefers-color-scheme: dark) { :root { --bg: #111418; --panel: #1a1f26; --ink: #e6e9ee; --muted: #98a2b3; --line: #2a313b;
  --good: #3fb96b; --bad: #ef6a5e; --warn: #e0a63a; --accent: #7aa2ff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--ink); }
header { display: flex; align-items: baseline; gap: 12px; padding: 16px 24px 8px; }
h1 { font-size: 18px; margin: 0; }
h1 small { font-weight: 400; color: var(--muted); }
h2 { font-size: 14px; margin: 0 0 8px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
h2 small { text-transform: none; letter-spacing: 0; font-weight: 400; }
main { padding: 0 24px 24px; display: grid; gap: 16px; }
.status { margin-left: auto; font-size: 12px; padding: 2px 8px; border-radius: 999px; border: 1px solid var(--line); color: var(--muted); }
.status.live { color: var(--good); border-color: var(--good); }
.status.down { color: var(--bad); border-color: var(--bad); }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); gap: 12px; }
.tile { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.tile .label { display: block; font-size: 12px; color: var(--muted); }
.tile .value { display: block; font-size: 22px; font-variant-numeric: tabular-nums; }
section.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 12px 4px; overflow-x: auto; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { font-size: 12px; font-weight: 600; color: var(--muted); }
th:first-child, td:first-child { text-align: left; white-space: normal; word-break: break-all; }
tr:last-child td { border-bottom: 0; }
td.empty { text-align: left; color: var(--muted); }
td.reasons, th.reasons { text-align: left; white-space: normal; }
td.reasons { color: var(--muted); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; border: 1px solid currentColor; }
.state-closed { color: var(--good); }
.state-open { color: var(--bad); }
.state-half-open { color: var(--warn); }
.state-other { color: var(--muted); }
.low { color: var(--bad); }
svg.spark { display: block; margin-left: auto; }
svg.spark polyline { fill: none; stroke: var(--accent); stroke-width: 1.5; }
footer { padding: 0 24px 16px; color: var(--muted); font-size: 12px; }
`;
