import type { CoverageCell, CoverageResult } from '../results.ts';

/**
 * The coverage matrix as text: one row per operation; a column per documented status, per
 * credential form and per scope outcome. ✓ exercised, · not exercised, – not causable from
 * outside, blank where the operation has no such cell. Below it, every gap with its reason (one
 * line per reason) and the statuses seen that the spec does not document.
 */
export function renderCoverageTable(coverage: CoverageResult): string[] {
  const cells = coverage.cells;
  const operations = [...new Set(cells.map((c) => c.operation))];
  const columns = (kind: CoverageCell['kind']) => {
    const values = [...new Set(cells.filter((c) => c.kind === kind).map((c) => c.value))];
    return kind === 'status' ? values.sort() : values;
  };
  const groups: Array<{ kind: CoverageCell['kind']; values: string[] }> = [
    { kind: 'status', values: columns('status') },
    { kind: 'credential-form', values: columns('credential-form') },
    { kind: 'scope', values: columns('scope') },
  ];
  const nameWidth = Math.max(...operations.map((o) => o.length), 'operation'.length) + 2;
  const header = ['operation'.padEnd(nameWidth)];
  for (const group of groups) header.push(group.values.map((v) => v.padEnd(Math.max(3, v.length))).join(' '), ' ');
  const lines = [
    `Coverage: ${coverage.exercised} of ${coverage.causable} causable cells exercised (${coverage.percent} %)${coverage.minimum !== undefined ? `, --min-coverage ${coverage.minimum} %` : ''}; ${cells.length - coverage.causable} not causable from outside`,
    `  ${header.join('').trimEnd()}`,
  ];
  for (const op of operations) {
    const row = [op.padEnd(nameWidth)];
    for (const group of groups) {
      row.push(group.values.map((value) => {
        const cell = cells.find((c) => c.operation === op && c.kind === group.kind && c.value === value);
        const mark = !cell ? ' ' : !cell.causable ? '–' : cell.exercised ? '✓' : '·';
        return mark.padEnd(Math.max(3, value.length));
      }).join(' '), ' ');
    }
    lines.push(`  ${row.join('').trimEnd()}`);
  }
  const gaps = new Map<string, string[]>();
  for (const cell of cells.filter((c) => c.causable && !c.exercised)) {
    const reason = cell.reason ?? 'not reached in this run';
    gaps.set(reason, [...(gaps.get(reason) ?? []), `${cell.operation} ${cell.value}`]);
  }
  for (const [reason, where] of gaps) lines.push(`  · ${reason}: ${where.join(', ')}`);
  for (const seen of coverage.undocumented) lines.push(`  ! ${seen.operation} answered ${seen.status} (${seen.count}×), a status it does not document`);
  return lines;
}
