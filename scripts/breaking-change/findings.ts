// What the comparison reports, and how raw observations become findings: the same change seen
// from several operations (a shared component) is one finding that lists every operation.
import { failsGate, rule, type RuleId, type Severity, SEVERITIES } from './rules.ts';

export interface OperationRef {
  method: string;
  path: string;
  operationId?: string;
}

/** One observation, made while walking one operation (or the document as a whole). */
export interface RawFinding {
  rule: RuleId;
  /** Where the changed thing lives in the base document, if it exists there. */
  base?: string;
  /** Where it lives in the revision, if it exists there. */
  revision?: string;
  /** What changed, in one line, without naming an operation (so that observations group). */
  change: string;
  /** Where it was reached from: "query parameter limit", "response 200 body › data.prefix". */
  subject?: string;
  operations?: OperationRef[];
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** The revision's pointer when the thing still exists there, else the base's. */
  pointer: string;
  basePointer?: string;
  revisionPointer?: string;
  change: string;
  why: string;
  subjects: string[];
  operations: OperationRef[];
}

export type SeverityCounts = Record<Severity, number>;

const METHOD_ORDER = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export class FindingCollector {
  private readonly groups = new Map<string, Finding>();

  add(raw: RawFinding, operation?: OperationRef): void {
    const at = raw.revision ?? raw.base ?? '#';
    const key = `${raw.rule}\u0000${at}\u0000${raw.change}`;
    let finding = this.groups.get(key);
    if (!finding) {
      const { severity, why } = rule(raw.rule);
      finding = {
        rule: raw.rule,
        severity,
        pointer: at,
        ...(raw.base !== undefined ? { basePointer: raw.base } : {}),
        ...(raw.revision !== undefined ? { revisionPointer: raw.revision } : {}),
        change: raw.change,
        why,
        subjects: [],
        operations: [],
      };
      this.groups.set(key, finding);
    }
    if (raw.subject && !finding.subjects.includes(raw.subject)) finding.subjects.push(raw.subject);
    for (const op of [...(raw.operations ?? []), ...(operation ? [operation] : [])]) {
      if (!finding.operations.some((known) => sameOperation(known, op))) finding.operations.push(op);
    }
  }

  findings(): Finding[] {
    const list = [...this.groups.values()];
    for (const finding of list) {
      finding.operations.sort(compareOperations);
      finding.subjects.sort();
    }
    return list.sort(compareFindings);
  }
}

export function countSeverities(findings: Finding[]): SeverityCounts {
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as SeverityCounts;
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

export function hasGateFailures(findings: Finding[]): boolean {
  return findings.some((finding) => failsGate(finding.severity));
}

export function operationLabel(op: OperationRef): string {
  return `${op.method.toUpperCase()} ${op.path}`;
}

function sameOperation(a: OperationRef, b: OperationRef): boolean {
  return a.method === b.method && a.path === b.path;
}

function compareOperations(a: OperationRef, b: OperationRef): number {
  return a.path.localeCompare(b.path) || METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method);
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    a.rule.localeCompare(b.rule) ||
    a.pointer.localeCompare(b.pointer) ||
    a.change.localeCompare(b.change)
  );
}
