// Tables and target checks of the core bench. Every ratio is to the baseline of the same run.

export const fmtRatio = (r) => (r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)) + 'x';
export const fmtNs = (ns) => (ns >= 1e6 ? (ns / 1e6).toFixed(2) + ' ms' : ns >= 1e3 ? (ns / 1e3).toFixed(2) + ' us' : ns.toFixed(0) + ' ns');
const fmtRange = (lo, hi) => `${fmtRatio(lo)}-${fmtRatio(hi)}`;

/** Prints a markdown table: `cols` are [header, (row) => cell]; the first `left` columns are left-aligned. */
export function printTable(title, rows, cols, left = 1) {
  const widths = cols.map(([h, get]) => Math.max(h.length, ...rows.map((r) => String(get(r)).length)));
  const line = (cells) => '| ' + cells.map((c, i) => (i < left ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ') + ' |';
  console.log(`\n${title}\n`);
  console.log(line(cols.map(([h]) => h)));
  console.log('|' + widths.map((w, i) => (i < left ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const r of rows) console.log(line(cols.map(([, get]) => get(r))));
}

/**
 * The performance targets of one path, checked on the entry points of the build under test with
 * the registry off: each of `limits` ([{ label, value(row), limit(row) }], ratios to the
 * baseline) against its limit, and the first one against the fastest peer of the same kind.
 * Registry-on rows get the same comparisons, reported without PASS/FAIL. Sets `row.targetCell`
 * and `row.peerCell`; returns the checks [{ path, case, check, measured, limit, pass }].
 */
export function checkTargets(path, rows, limits) {
  const checks = [];
  const [first] = limits;
  for (const r of rows) {
    r.targetCell = '';
    r.peerCell = '';
    if (r.role !== 'maestro' || r.build !== 0) continue;
    const judged = r.registry === 'off';
    const cells = [];
    for (const { label, value, limit } of limits) {
      const max = limit(r);
      const pass = value(r) <= max;
      cells.push(`${label} <= ${max}x ${pass ? 'PASS' : 'FAIL'}`);
      if (judged) checks.push({ path, case: r.name, check: `${label} <= ${max}x the baseline`, measured: value(r), limit: max, pass });
    }
    r.targetCell = judged ? cells.join(', ') : 'reported as is';
    const peers = rows.filter((p) => p.role === 'peer' && p.kind === r.kind);
    if (peers.length === 0) continue;
    const fastest = peers.reduce((a, b) => (first.value(a) <= first.value(b) ? a : b));
    const pass = first.value(r) < first.value(fastest);
    r.peerCell = `${judged ? (pass ? 'PASS' : 'FAIL') : pass ? 'faster' : 'slower'} (fastest ${fmtRatio(first.value(fastest))})`;
    if (judged) {
      checks.push({ path, case: r.name, check: `${first.label} below every ${r.kind} peer's (fastest: ${fastest.name})`, measured: first.value(r), limit: first.value(fastest), pass });
    }
  }
  return checks;
}

const buildCol = (labels) => (labels.length > 1 ? [['build', (r) => (r.role === 'maestro' ? `${r.build === 0 ? 'new' : 'old'} ${labels[r.build]}` : '')]] : []);

/** (a) or (b): one timed path; `clock` ('cpu' or 'wall') is the one the targets judge. */
export function printTimed(title, baselineName, rows, labels, clock) {
  const other = clock === 'cpu' ? 'wall' : 'cpu';
  printTable(title, rows, [
    ['case', (r) => r.name],
    ...buildCol(labels),
    ['kind', (r) => r.kind ?? r.role],
    [`${clock} per call, min / median`, (r) => `${fmtNs(r[clock].min)} / ${fmtNs(r[clock].median)}`],
    [`vs ${baselineName}`, (r) => fmtRatio(r[clock].ratio)],
    ['range over processes', (r) => fmtRange(r[clock].ratioMin, r[clock].ratioMax)],
    [`${other} per call`, (r) => fmtNs(r[other].median)],
    [`${other} vs ${baselineName}`, (r) => fmtRatio(r[other].ratio)],
    ['target', (r) => r.targetCell],
    ['vs peers of its kind', (r) => r.peerCell],
  ]);
}

/** (c): one process per case and round; `clock` as for printTimed. */
export function printConcurrent(title, rows, labels, clock) {
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const ratio = (r, m) => `${fmtRatio(r[m].ratio)} (${fmtRange(r[m].ratioMin, r[m].ratioMax)})`;
  printTable(title, rows, [
    ['case', (r) => r.name],
    ...buildCol(labels),
    ['kind', (r) => r.kind ?? r.role],
    ['wall, min / median', (r) => `${s(r.wall.min)} / ${s(r.wall.median)}`],
    ['wall vs loop', (r) => ratio(r, 'wall')],
    ['CPU, median', (r) => s(r.cpu.median)],
    ['CPU vs loop', (r) => ratio(r, 'cpu')],
    ['heap per call', (r) => `${(r.heap.median / 1024).toFixed(2)} KB`],
    ['heap vs loop', (r) => fmtRatio(r.heap.ratio)],
    ['target', (r) => r.targetCell],
    [`${clock} vs peers of its kind`, (r) => r.peerCell],
  ]);
}

/**
 * The A/B of two builds in one run: each entry point's row in build 0 (new) beside its row in
 * build 1 (old). `compare(newRow, oldRow)` gives { metric: { old, new, newOverOld } }.
 */
export function abRows(rows, compare) {
  return rows.filter((x) => x.role === 'maestro' && x.build === 0).map((r) => {
    const old = rows.find((x) => x.role === 'maestro' && x.build === 1 && x.name === r.name);
    return { case: r.name, ...compare(r, old) };
  });
}

/** Prints abRows' rows: `fmt` formats one metric's median. */
export function printAb(title, rows, labels, fmt) {
  const metrics = Object.keys(rows[0]).filter((k) => k !== 'case');
  printTable(title, rows, [
    ['case', (r) => r.case],
    ...metrics.flatMap((m) => [
      [`${m}, old ${labels[1]}`, (r) => fmt(m, r[m].old)],
      [`${m}, new ${labels[0]}`, (r) => fmt(m, r[m].new)],
      [`${m} new / old`, (r) => fmtRatio(r[m].newOverOld)],
    ]),
  ]);
}
