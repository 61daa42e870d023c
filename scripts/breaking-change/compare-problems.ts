// The problem catalogue: every machine `code` an application/problem+json answer can carry, with
// the status, `type` and `title` the spec fixes for it. Clients switch on `code` and map it to
// their own handling, so a code that disappears from the closed enum, or whose status, type or
// title changes, is breaking — even though, read as a generic response schema, fewer or other
// constant values would look harmless. The schema comparison leaves these four members to this
// module (compare-schemas.ts, PROBLEM_MEMBERS).
import type { DiffContext } from './context.ts';
import { scopeFor } from './context.ts';
import type { OperationRef } from './findings.ts';
import { normalizeSchema, type NormalSchema } from './normalize-schema.ts';
import type { Operation } from './operations.ts';
import type { RuleId } from './rules.ts';
import type { Spec } from './spec.ts';

const PROBLEM_MEDIA_TYPE = 'application/problem+json';
const MEMBERS = [
  ['status', 'problem.status-changed'],
  ['type', 'problem.type-changed'],
  ['title', 'problem.title-changed'],
] as const satisfies readonly (readonly [string, RuleId])[];

interface MemberValue {
  value: string;
  pointer: string;
}

interface ProblemEntry {
  code: string;
  pointer: string;
  members: Map<string, MemberValue>;
  operations: OperationRef[];
}

interface Catalogue {
  entries: Map<string, ProblemEntry>;
  /** The closed enum of codes: code → pointer of the enum that lists it. */
  closedEnum: Map<string, string>;
  /** Every operation that can answer with a problem body. */
  operations: OperationRef[];
}

export function compareProblems(context: DiffContext, baseOps: Operation[], revisionOps: Operation[]): void {
  const before = catalogueOf(context.base, baseOps);
  const after = catalogueOf(context.revision, revisionOps);
  const scope = scopeFor(context);
  const codesBefore = new Set([...before.entries.keys(), ...before.closedEnum.keys()]);
  const codesAfter = new Set([...after.entries.keys(), ...after.closedEnum.keys()]);
  for (const code of codesBefore) {
    const entry = before.entries.get(code);
    if (!codesAfter.has(code)) {
      scope.report({
        rule: 'problem.code-removed',
        base: before.closedEnum.get(code) ?? entry!.pointer,
        change: 'removed from the closed enum',
        subject: `problem code ${code}`,
        operations: entry?.operations ?? before.operations,
      });
      continue;
    }
    const match = after.entries.get(code);
    if (!entry || !match) continue;
    for (const [member, rule] of MEMBERS) {
      const b = entry.members.get(member);
      const r = match.members.get(member);
      if (!b || !r || b.value === r.value) continue;
      scope.report({
        rule,
        base: b.pointer,
        revision: r.pointer,
        change: `${member} ${b.value} → ${r.value}`,
        subject: `problem code ${code}`,
        operations: [...entry.operations, ...match.operations],
      });
    }
  }
  for (const code of codesAfter) {
    if (codesBefore.has(code)) continue;
    const entry = after.entries.get(code);
    scope.report({
      rule: 'problem.code-added',
      revision: after.closedEnum.get(code) ?? entry!.pointer,
      change: 'added to the closed enum',
      subject: `problem code ${code}`,
      operations: entry?.operations ?? [],
    });
  }
}

function catalogueOf(spec: Spec, operations: Operation[]): Catalogue {
  const catalogue: Catalogue = { entries: new Map(), closedEnum: new Map(), operations: [] };
  for (const operation of operations) {
    for (const [, rawResponse] of spec.entries(spec.child(operation.node, 'responses'))) {
      const response = spec.resolve(rawResponse);
      for (const [type, rawMedia] of spec.entries(spec.child(response, 'content'))) {
        if (type.split(';')[0]!.trim().toLowerCase() !== PROBLEM_MEDIA_TYPE) continue;
        const schema = spec.child(spec.resolve(rawMedia), 'schema');
        if (!schema) continue;
        if (!catalogue.operations.includes(operation.ref)) catalogue.operations.push(operation.ref);
        const normal = normalizeSchema(spec, [schema]);
        const branches = normal.variants ? normal.variants.branches.map((branch) => normalizeSchema(spec, [branch])) : [normal];
        for (const branch of branches) addBranch(spec, catalogue, branch, operation.ref);
      }
    }
  }
  return catalogue;
}

function addBranch(spec: Spec, catalogue: Catalogue, branch: NormalSchema, operation: OperationRef): void {
  const codeNodes = branch.properties.get('code');
  if (!codeNodes) return;
  const code = normalizeSchema(spec, codeNodes);
  for (const part of code.parts) {
    if (!Array.isArray(part.value.enum) || part.value.enum.length < 2) continue;
    for (const value of part.value.enum) if (!catalogue.closedEnum.has(String(value))) catalogue.closedEnum.set(String(value), `${part.pointer}/enum`);
  }
  const value = single(code);
  if (value === undefined) return;
  let entry = catalogue.entries.get(value.value);
  if (!entry) {
    entry = { code: value.value, pointer: branch.parts[0]?.pointer ?? value.pointer, members: new Map(), operations: [] };
    for (const [member] of MEMBERS) {
      const nodes = branch.properties.get(member);
      const memberValue = nodes ? single(normalizeSchema(spec, nodes)) : undefined;
      if (memberValue) entry.members.set(member, memberValue);
    }
    catalogue.entries.set(value.value, entry);
  }
  if (!entry.operations.includes(operation)) entry.operations.push(operation);
}

/** The one value a schema allows (a `const`, or an enum of one), as text. */
function single(schema: NormalSchema): MemberValue | undefined {
  const values = schema.values;
  if (!values || values.value.size !== 1) return undefined;
  const [value] = values.value.values();
  return { value: String(value), pointer: values.pointer };
}

