import { writeFileSync } from 'node:fs';

// The shape every measured row takes, and the two ways it is shown: one table on stdout and
// bench/results.json.

export type Verdict = 'pass' | 'short' | 'info' | 'error';

export interface Target {
  /** How the figure is compared: ratio ≥, ratio ≤, value ≤, value =. */
  kind: 'ratio-at-least' | 'ratio-at-most' | 'at-most' | 'equals';
  value: number;
  /** e.g. "≥ 0.90×", "≤ 50 MiB", "= 0". */
  text: string;
  /** The unit of a value compared as it is ("MiB"). */
  unit?: string;
}

export interface Row {
  /** Which row of issue 6 (1–5). */
  group: number;
  /** Stable machine name, e.g. `throughput.ping-apikey.vs-health`. */
  id: string;
  /** What was measured, for people. */
  name: string;
  /** The figure, for people (throughput and latencies, a time, a size). */
  figure: string;
  /** The same figures as numbers (units in the names). */
  values: Record<string, number | null>;
  /** How the figure was measured. */
  method: string;
  /** The number the target applies to (a ratio, or the value itself); null for a plain figure. */
  ratio: number | null;
  /** What the ratio divides by, e.g. "/health"; null for a value compared as it is. */
  comparedWith: string | null;
  target: Target | null;
  result: Verdict;
  /** Why a row could not be measured, or a note on a figure. */
  reason?: string;
}

export function atLeast(value: number): Target {
  return { kind: 'ratio-at-least', value, text: `≥ ${formatRatio(value)}` };
}
export function atMost(value: number): Target {
  return { kind: 'ratio-at-most', value, text: `≤ ${formatRatio(value)}` };
}
export function valueAtMost(value: number, unit: string): Target {
  return { kind: 'at-most', value, text: `≤ ${value} ${unit}`, unit };
}
export function valueEquals(value: number): Target {
  return { kind: 'equals', value, text: `= ${value}` };
}

export function verdict(target: Target | null, figure: number | null): Verdict {
  if (target === null) return 'info';
  if (figure === null || !Number.isFinite(figure)) return 'error';
  switch (target.kind) {
    case 'ratio-at-least':
      return figure >= target.value ? 'pass' : 'short';
    case 'ratio-at-most':
    case 'at-most':
      return figure <= target.value ? 'pass' : 'short';
    case 'equals':
      return figure === target.value ? 'pass' : 'short';
  }
}

/** A row that shows a figure and judges nothing. */
export function infoRow(row: Pick<Row, 'group' | 'id' | 'name' | 'figure' | 'values' | 'method'>): Row {
  return { ...row, ratio: null, comparedWith: null, target: null, result: 'info' };
}

/** A row whose `ratio` is judged against its target. */
export function judgedRow(row: Omit<Row, 'result' | 'target'> & { target: Target }): Row {
  return { ...row, result: verdict(row.target, row.ratio) };
}

/** A row of a group that could not be measured. */
export function errorRow(group: number, id: string, name: string, error: unknown): Row {
  return {
    group,
    id,
    name,
    figure: '—',
    values: {},
    method: '',
    ratio: null,
    comparedWith: null,
    target: null,
    result: 'error',
    reason: error instanceof Error ? error.message : String(error),
  };
}

export function formatRatio(ratio: number): string {
  if (ratio >= 10) return `${ratio.toFixed(1)}×`;
  return `${ratio.toFixed(2)}×`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** autocannon's latency histogram counts whole milliseconds: 0 means under one. */
export function formatMs(ms: number): string {
  return ms < 1 ? '<1 ms' : `${Math.round(ms)} ms`;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** The number a target applies to, as the table shows it. */
function shownFigure(row: Row): string {
  if (row.ratio === null) return '';
  if (row.comparedWith !== null) return `${formatRatio(row.ratio)} ${row.comparedWith}`;
  return row.target?.unit ? `${row.ratio} ${row.target.unit}` : String(row.ratio);
}

/** The table printed at the end of a run. */
export function renderTable(rows: readonly Row[]): string {
  const header = ['#', 'measured', 'figure', 'ratio / value', 'target', 'result'];
  const body = rows.map((row) => [
    String(row.group),
    row.name,
    row.figure,
    shownFigure(row),
    row.target?.text ?? '',
    row.result === 'error' ? `ERROR: ${row.reason}` : row.result,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (i === 5 ? 0 : cells[i].length))));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ');
  const out = [line(header), line(widths.map((w) => '─'.repeat(w)))];
  let group = rows[0]?.group;
  for (const [i, cells] of body.entries()) {
    if (rows[i].group !== group) {
      out.push('');
      group = rows[i].group;
    }
    out.push(line(cells));
  }
  return out.join('\n');
}

export interface Results {
  startedAt: string;
  mode: 'full' | 'tiny';
  command: string;
  wallSeconds: number;
  machine: { cpus: number; node: string; platform: string; loadAverageAtStart: number[] };
  settings: Record<string, unknown>;
  rows: Row[];
}

export function writeResults(path: string, results: Results): void {
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}
