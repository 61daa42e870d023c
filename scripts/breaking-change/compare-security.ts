// Authentication: the security schemes (how a key is sent) and each operation's security
// requirement (which ways are accepted, with which scopes). Generic diff tools compare neither
// an apiKey scheme's `in`/`name` nor scopes per alternative; this is what locks API-key clients
// out, so it is compared on its own terms:
// - A scheme is paired by name, else by what it asks of the client (a renamed scheme with the
//   same `in`, `name`, … is invisible on the wire).
// - Requirements are sets: the order of alternatives, and of scopes, means nothing.
// - A change to a scheme is reported once, at the scheme, with every operation that uses it.
import type { DiffContext, Scope } from './context.ts';
import { scopeFor } from './context.ts';
import { compareTexts } from './documentation.ts';
import type { OperationRef } from './findings.ts';
import type { Operation } from './operations.ts';
import { isObject, type JsonObject, type Node, pointerTo, type Spec } from './spec.ts';

/** Herald's word before the key in `Authorization` (openapi/README.md). */
const AUTHORIZATION_WORD = 'x-herald-authorization-scheme';

interface Scheme {
  name: string;
  node: Node<JsonObject>;
}

export interface SchemePairing {
  /** base scheme name → revision scheme name (the same name, or the one it was renamed to). */
  revisionName: Map<string, string>;
  removed: Set<string>;
  added: Set<string>;
}

export function compareSecurity(context: DiffContext, baseOps: Operation[], revisionOps: Operation[], matched: [Operation, Operation][]): void {
  const pairing = compareSchemes(context, baseOps, revisionOps);
  for (const [base, revision] of matched) compareRequirement(scopeFor(context, revision.ref), pairing, base, revision);
}

function schemesOf(spec: Spec): Map<string, Scheme> {
  const components = spec.child(spec.root(), 'components');
  const schemes = components ? spec.child(components, 'securitySchemes') : undefined;
  return new Map(spec.entries(schemes).map(([name, node]) => [name, { name, node: spec.resolve<JsonObject>(node) }]));
}

/** What a scheme asks of the client, in one string: equal strings are the same scheme on the wire. */
function wireForm(scheme: JsonObject): string {
  const type = String(scheme.type ?? '');
  if (type === 'apiKey') {
    const location = String(scheme.in ?? '');
    const name = String(scheme.name ?? '');
    const word = typeof scheme[AUTHORIZATION_WORD] === 'string' ? scheme[AUTHORIZATION_WORD].toLowerCase() : '';
    return `apiKey ${location} ${location === 'header' ? name.toLowerCase() : name} ${word}`;
  }
  if (type === 'http') return `http ${String(scheme.scheme ?? '').toLowerCase()}`;
  return `${type} ${JSON.stringify(scheme.flows ?? scheme.openIdConnectUrl ?? '')}`;
}

function describeScheme(scheme: JsonObject): string {
  if (scheme.type === 'apiKey') {
    const word = typeof scheme[AUTHORIZATION_WORD] === 'string' ? ` after \`${scheme[AUTHORIZATION_WORD]} \`` : '';
    return `the ${scheme.in === 'header' ? 'header' : `${String(scheme.in)} parameter`} ${String(scheme.name)}${word}`;
  }
  if (scheme.type === 'http') return `Authorization: ${String(scheme.scheme)}`;
  return String(scheme.type);
}

function compareSchemes(context: DiffContext, baseOps: Operation[], revisionOps: Operation[]): SchemePairing {
  const before = schemesOf(context.base);
  const after = schemesOf(context.revision);
  const revisionName = new Map<string, string>();
  for (const name of before.keys()) if (after.has(name)) revisionName.set(name, name);
  const unpairedAfter = () => [...after.values()].filter((scheme) => ![...revisionName.values()].includes(scheme.name));
  for (const [name, scheme] of before) {
    if (revisionName.has(name)) continue;
    const renamed = unpairedAfter().find((other) => wireForm(other.node.value) === wireForm(scheme.node.value));
    if (renamed) revisionName.set(name, renamed.name);
  }
  const removed = new Set([...before.keys()].filter((name) => !revisionName.has(name)));
  const added = new Set(unpairedAfter().map((scheme) => scheme.name));
  const scope = scopeFor(context);
  const usersBefore = (name: string) => operationsUsing(baseOps, name);
  const usersAfter = (name: string) => operationsUsing(revisionOps, name);

  for (const [name, renamed] of revisionName) {
    const b = before.get(name)!;
    const r = after.get(renamed)!;
    const operations = [...usersBefore(name), ...usersAfter(renamed)];
    if (name !== renamed) {
      scope.report({ rule: 'auth.scheme-renamed', base: b.node.pointer, revision: r.node.pointer, change: `renamed from ${name}`, subject: `security scheme ${renamed}`, operations });
    }
    compareScheme(scope, b, r, operations);
  }
  const reportSide = (names: Set<string>, schemes: Map<string, Scheme>, removedSide: boolean) => {
    for (const name of names) {
      const scheme = schemes.get(name)!;
      scope.report({
        rule: removedSide ? 'auth.scheme-removed' : 'auth.scheme-added',
        ...(removedSide ? { base: scheme.node.pointer } : { revision: scheme.node.pointer }),
        change: `${removedSide ? 'removed (it took' : 'added (it takes'} the key in ${describeScheme(scheme.node.value)})`,
        subject: `security scheme ${name}`,
        operations: removedSide ? usersBefore(name) : usersAfter(name),
      });
    }
  };
  reportSide(removed, before, true);
  reportSide(added, after, false);
  return { revisionName, removed, added };
}

function compareScheme(scope: Scope, before: Scheme, after: Scheme, operations: OperationRef[]): void {
  const b = before.node.value;
  const r = after.node.value;
  const subject = `security scheme ${after.name}`;
  const at = (key: string) => ({ base: pointerTo(before.node.pointer, key), revision: pointerTo(after.node.pointer, key) });
  const report = (rule: Parameters<Scope['report']>[0]['rule'], key: string, change: string) =>
    scope.report({ rule, ...at(key), change, subject, operations });
  compareTexts(scope, before.node, after.node, subject);
  if (b.type !== r.type) {
    report('auth.scheme-type-changed', 'type', `the key moves from ${describeScheme(b)} to ${describeScheme(r)}`);
    return;
  }
  if (b.type === 'apiKey') {
    if (b.in !== r.in) report('auth.scheme-location-changed', 'in', `the key moves from ${describeScheme(b)} to ${describeScheme(r)}`);
    const sameName = b.in === 'header' && r.in === 'header'
      ? String(b.name).toLowerCase() === String(r.name).toLowerCase()
      : b.name === r.name;
    if (!sameName) report('auth.scheme-name-changed', 'name', `the key moves from ${describeScheme(b)} to ${describeScheme(r)}`);
  }
  const wordBefore = typeof b[AUTHORIZATION_WORD] === 'string' ? b[AUTHORIZATION_WORD] : undefined;
  const wordAfter = typeof r[AUTHORIZATION_WORD] === 'string' ? r[AUTHORIZATION_WORD] : undefined;
  // Authentication scheme words are case-insensitive (RFC 9110, section 11.1).
  if (wordBefore?.toLowerCase() !== wordAfter?.toLowerCase()) {
    report('auth.authorization-word-changed', AUTHORIZATION_WORD, `the word before the key ${wordBefore ?? '(none)'} → ${wordAfter ?? '(none)'}`);
  }
  if (b.type === 'http') {
    if (String(b.scheme).toLowerCase() !== String(r.scheme).toLowerCase()) {
      report('auth.http-scheme-changed', 'scheme', `Authorization scheme ${String(b.scheme)} → ${String(r.scheme)}`);
    }
    if (b.bearerFormat !== r.bearerFormat) {
      report('auth.bearer-format-changed', 'bearerFormat', `bearerFormat ${JSON.stringify(b.bearerFormat ?? null)} → ${JSON.stringify(r.bearerFormat ?? null)}`);
    }
  }
}

/** The operations whose requirement names the scheme. */
function operationsUsing(operations: Operation[], scheme: string): OperationRef[] {
  return operations.filter((op) => alternativesOf(op).some((alternative) => alternative.has(scheme))).map((op) => op.ref);
}

/** An operation's requirement: its alternatives, each scheme name → scopes. */
function alternativesOf(operation: Operation): Map<string, Set<string>>[] {
  const list = operation.security.node?.value;
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).map((alternative) =>
    new Map(Object.entries(alternative).map(([name, scopes]) => [name, new Set(Array.isArray(scopes) ? scopes.map(String) : [])])));
}

function allowsAnonymous(alternatives: Map<string, Set<string>>[]): boolean {
  return alternatives.length === 0 || alternatives.some((alternative) => alternative.size === 0);
}

function compareRequirement(scope: Scope, pairing: SchemePairing, base: Operation, revision: Operation): void {
  const before = alternativesOf(base).map((alternative) =>
    new Map([...alternative].map(([name, scopes]) => [pairing.revisionName.get(name) ?? `removed:${name}`, scopes])));
  const after = alternativesOf(revision);
  const at = { base: base.security.pointer, revision: revision.security.pointer };
  const subject = 'security requirement';
  const anonymousBefore = allowsAnonymous(before);
  const anonymousAfter = allowsAnonymous(after);
  if (!anonymousBefore && anonymousAfter) {
    scope.report({ rule: 'auth.requirement-removed', ...at, change: 'no key required any more', subject });
    return;
  }
  if (anonymousBefore && !anonymousAfter) {
    scope.report({ rule: 'auth.requirement-added', ...at, change: `a key is now required (${after.map(alternativeLabel).join(' or ')})`, subject });
    return;
  }
  if (anonymousBefore) return;

  const keyOf = (alternative: Map<string, Set<string>>) => [...alternative.keys()].sort().join(' + ');
  const afterByKey = new Map(after.map((alternative) => [keyOf(alternative), alternative]));
  const beforeKeys = new Set(before.map(keyOf));
  // Alternatives whose scopes changed the same way are reported together.
  const scopeChanges = new Map<string, { added: string[]; removed: string[]; alternatives: string[] }>();
  for (const alternative of before) {
    const key = keyOf(alternative);
    const match = afterByKey.get(key);
    if (!match) {
      if ([...alternative.keys()].some((name) => name.startsWith('removed:'))) continue; // reported as auth.scheme-removed
      scope.report({ rule: 'auth.alternative-removed', ...at, change: `${alternativeLabel(alternative)} no longer accepted`, subject });
      continue;
    }
    const added: string[] = [];
    const removed: string[] = [];
    for (const [name, scopes] of alternative) {
      const scopesAfter = match.get(name)!;
      added.push(...[...scopesAfter].filter((s) => !scopes.has(s)));
      removed.push(...[...scopes].filter((s) => !scopesAfter.has(s)));
    }
    if (added.length === 0 && removed.length === 0) continue;
    const signature = `${[...new Set(added)].sort().join(',')}|${[...new Set(removed)].sort().join(',')}`;
    const entry = scopeChanges.get(signature) ?? { added: [...new Set(added)].sort(), removed: [...new Set(removed)].sort(), alternatives: [] };
    entry.alternatives.push(key);
    scopeChanges.set(signature, entry);
  }
  const matchedCount = before.filter((alternative) => afterByKey.has(keyOf(alternative))).length;
  for (const { added, removed, alternatives } of scopeChanges.values()) {
    const where = alternatives.length === matchedCount && matchedCount > 1 ? 'every credential alternative' : alternatives.join(', ');
    const rule = added.length > 0 && removed.length > 0 ? 'auth.scope-changed' : added.length > 0 ? 'auth.scope-added' : 'auth.scope-removed';
    const what = [
      ...(added.length > 0 ? [`now requires scope ${added.join(', ')}`] : []),
      ...(removed.length > 0 ? [`no longer requires scope ${removed.join(', ')}`] : []),
    ].join(' and ');
    scope.report({ rule, ...at, change: `${what} (${where})`, subject });
  }
  // A new alternative that asks for fewer scopes than every old one did lets weaker keys in.
  const requiredEverywhere = before.map(scopesOf).reduce((common, scopes) => new Set([...common].filter((s) => scopes.has(s))));
  for (const alternative of after) {
    const key = keyOf(alternative);
    if (beforeKeys.has(key)) continue;
    const missing = [...requiredEverywhere].filter((s) => !scopesOf(alternative).has(s)).sort();
    if (missing.length > 0) {
      scope.report({ rule: 'auth.scope-removed', ...at, change: `${alternativeLabel(alternative)} now accepted without scope ${missing.join(', ')}`, subject });
      continue;
    }
    if ([...alternative.keys()].some((name) => pairing.added.has(name))) continue; // reported as auth.scheme-added
    scope.report({ rule: 'auth.alternative-added', ...at, change: `${alternativeLabel(alternative)} now accepted`, subject });
  }
}

function scopesOf(alternative: Map<string, Set<string>>): Set<string> {
  return new Set([...alternative.values()].flatMap((scopes) => [...scopes]));
}

function alternativeLabel(alternative: Map<string, Set<string>>): string {
  const names = [...alternative.keys()].map((name) => name.replace(/^removed:/, ''));
  return names.length === 1 ? names[0]! : `${names.join(' and ')} together`;
}
