/**
 * Small helpers the examples share. None of this is part of maestro-retry: it only prints,
 * and lets each example run on its own (`npx tsx examples/02-transient-recovery.ts`) as well
 * as from `examples/run.ts` and the test suite.
 */
import { basename } from 'node:path';
import type { OperationStatistics, RetryStatistics } from 'maestro-retry';

/** Where an example prints its narration: `console.log` by default, a collector in the tests. */
export type Log = (line: string) => void;

/**
 * Runs `main` when this process was started on the example file itself (`tsx examples/x.ts`),
 * and not when the file is merely imported. It compares the entry script's name, so it works
 * whether the example is compiled as CommonJS or as an ES module.
 */
export function runWhenExecuted(name: string, main: (log: Log) => Promise<unknown>): void {
  const entry = process.argv[1];
  if (entry === undefined || basename(entry).replace(/\.[cm]?[jt]s$/, '') !== name) return;
  main(console.log).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

/** A one-line description of an error, for narration: `HttpError: 503 ...`, `fetch failed (UND_ERR_SOCKET)`. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `a thrown ${typeof error}: ${String(error)}`;
  const code = (error as { code?: unknown }).code;
  const cause = error.cause;
  // fetch() rejects with a bare `TypeError: fetch failed`; the socket error is its cause.
  if (error.message === 'fetch failed' && cause instanceof Error) {
    const causeCode = (cause as { code?: unknown }).code;
    return `fetch failed: ${cause.message}${typeof causeCode === 'string' ? ` (${causeCode})` : ''}`;
  }
  const withCode = typeof code === 'string' && !error.message.includes(code) ? ` (${code})` : '';
  return `${error.name}: ${error.message}${withCode}`;
}

/** Pads `cells` into columns: numbers (and `%`) right-aligned, text left-aligned. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[\d.,]+%?$|^-$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** The give-up reasons of an operation, as `exhausted x2, retry-after`. */
export function formatReasons(stats: Pick<OperationStatistics, 'giveUpReasons'>): string {
  const parts = Object.entries(stats.giveUpReasons).map(([reason, n]) => (n === 1 ? reason : `${reason} x${n}`));
  return parts.length === 0 ? '-' : parts.join(', ');
}

/**
 * The statistics table the demo and the statistics example end with: one row per operation
 * (calls, attempts, retries, success rate, why calls gave up), then a one-line total.
 */
export function formatStatistics(stats: RetryStatistics): string[] {
  const percent = (rate: number): string => `${Math.round(rate * 100)}%`;
  const rows = Object.values(stats.operations).map((op) => [
    op.operationName, String(op.calls), String(op.attempts), String(op.retries), percent(op.successRate), formatReasons(op),
  ]);
  const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  return [
    ...formatTable(['operation', 'calls', 'attempts', 'retries', 'success', 'gave up'], rows),
    `${count(stats.calls, 'call', 'calls')}, ${count(stats.attempts, 'attempt', 'attempts')}, ` +
      `${count(stats.retries, 'retry', 'retries')}: ` +
      `${stats.successes} succeeded (${stats.successesAfterRetry} after retrying), ${stats.failures} gave up`,
  ];
}
