// The console report: one block per finding (severity, rule, pointer; what changed and why;
// the operations it reaches), then the counts and the verdict.
import { countSeverities, type Finding, operationLabel } from './findings.ts';
import type { GateResult } from './result.ts';

const MAX_SUBJECTS = 3;

export function renderText(result: GateResult): string {
  const lines = [`Breaking-change gate: ${label(result.base)} → ${label(result.revision)}`, ''];
  for (const finding of result.findings) lines.push(...renderFinding(finding), '');
  const counts = countSeverities(result.findings);
  lines.push(`${counts.breaking} breaking, ${counts.security} security, ${counts.compatible} compatible, ${counts.info} info.`);
  lines.push(`Exit ${result.exitCode}: ${result.verdict}.`);
  return `${lines.join('\n')}\n`;
}

export function renderFinding(finding: Finding): string[] {
  return [
    `${finding.severity.toUpperCase().padEnd(10)} ${finding.rule}  ${finding.pointer}`,
    `  ${findingLine(finding)}`,
    ...(finding.operations.length > 0
      ? [`  ${finding.operations.length === 1 ? 'operation' : `${finding.operations.length} operations`}: ${finding.operations.map(operationLabel).join(', ')}`]
      : []),
  ];
}

/** What changed, where, and why, in one line. */
export function findingLine(finding: Finding): string {
  const subjects = finding.subjects.length > MAX_SUBJECTS
    ? `${finding.subjects.slice(0, MAX_SUBJECTS).join(', ')} (+${finding.subjects.length - MAX_SUBJECTS} more)`
    : finding.subjects.join(', ');
  return `${subjects ? `${subjects}: ` : ''}${finding.change} — ${finding.why}`;
}

function label(document: { source: string; version: string }): string {
  return `${document.source} (${document.version || 'no info.version'})`;
}
