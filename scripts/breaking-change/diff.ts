// The comparison of two documents, start to end: everything the gate reports about a base and
// a revision, as findings grouped by change (a change in a shared component is one finding that
// lists every operation it reaches).
import { compareOperations } from './compare-operations.ts';
import { compareProblems } from './compare-problems.ts';
import { compareSecurity } from './compare-security.ts';
import { compareServers } from './compare-servers.ts';
import type { DiffContext } from './context.ts';
import { scopeFor } from './context.ts';
import { compareTexts } from './documentation.ts';
import { type Finding, FindingCollector } from './findings.ts';
import { locateKeyFormat } from './key-format.ts';
import { listOperations, pairOperations } from './operations.ts';
import type { Spec } from './spec.ts';

export function diffSpecs(base: Spec, revision: Spec): Finding[] {
  const context: DiffContext = {
    base,
    revision,
    out: new FindingCollector(),
    keyFormat: { base: locateKeyFormat(base), revision: locateKeyFormat(revision) },
  };
  const baseOps = listOperations(base);
  const revisionOps = listOperations(revision);
  const pairing = pairOperations(baseOps, revisionOps);
  compareTexts(scopeFor(context), base.at(base.root(), 'info'), revision.at(revision.root(), 'info'), 'info');
  compareServers(context);
  compareSecurity(context, baseOps, revisionOps, pairing.matched);
  compareOperations(context, baseOps, revisionOps, pairing);
  compareProblems(context, baseOps, revisionOps);
  return context.out.findings();
}
