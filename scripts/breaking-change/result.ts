// The outcome of one gate run, which every report format renders.
import { countSeverities, type Finding, hasGateFailures } from './findings.ts';
import type { Spec } from './spec.ts';

export interface DocumentLabel {
  source: string;
  version: string;
}

export interface GateResult {
  base: DocumentLabel;
  revision: DocumentLabel;
  findings: Finding[];
  exitCode: 0 | 1;
  /** Why the run passes or fails, in one line. */
  verdict: string;
}

export function labelOf(spec: Spec): DocumentLabel {
  return { source: spec.source, version: spec.version };
}

/** The plain rule: exit 1 when any change is breaking or security, else 0. */
export function plainResult(base: Spec, revision: Spec, findings: Finding[]): GateResult {
  const failing = hasGateFailures(findings);
  const counts = countSeverities(findings);
  return {
    base: labelOf(base),
    revision: labelOf(revision),
    findings,
    exitCode: failing ? 1 : 0,
    verdict: failing
      ? [
          ...(counts.breaking > 0 ? [`${plural(counts.breaking, 'breaking change')} (a client that worked may stop working)`] : []),
          ...(counts.security > 0 ? [`${plural(counts.security, 'security change')} (the contract got weaker)`] : []),
        ].join(' and ')
      : findings.length === 0 ? 'no differences' : 'no breaking or security change',
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
