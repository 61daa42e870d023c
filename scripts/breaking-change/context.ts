// What every comparison step gets: both documents and where to report. `Scope` reports on behalf
// of one operation, so that a finding knows which operations it reaches.
import type { FindingCollector, OperationRef, RawFinding } from './findings.ts';
import type { KeyFormatProfile } from './key-format.ts';
import type { Spec } from './spec.ts';

export interface DiffContext {
  base: Spec;
  revision: Spec;
  out: FindingCollector;
  /** Where Herald's key-format schemas live on each side. */
  keyFormat: KeyFormatProfile;
}

export interface Scope extends DiffContext {
  /** The operation being compared; undefined for document-wide parts (servers, schemes). */
  operation?: OperationRef;
  report(raw: RawFinding): void;
}

export function scopeFor(context: DiffContext, operation?: OperationRef): Scope {
  return { ...context, operation, report: (raw) => context.out.add(raw, operation) };
}
