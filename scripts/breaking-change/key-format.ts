// Herald's key format: the secret key (`hk_live_…`/`hk_test_…`, 44 characters with a checksum),
// its public 16-character prefix, and the environment's key prefixes. Clients, secret scanners
// and offline checks validate keys against these schemas, so any change to what they allow
// (tighter or looser) is breaking, whichever direction the schema is read in. The schema
// comparison reports such a change under its generic rule; this turns it into a key-format rule.
//
// The schemas are found the way a client meets them — an operation's success body and a property
// path — not by component name, so a renamed component is still recognised; a test checks that
// each is found in the latest release and in the current spec.
import type { RawFinding } from './findings.ts';
import { normalizeSchema } from './normalize-schema.ts';
import { listOperations } from './operations.ts';
import type { RuleId } from './rules.ts';
import type { Node, Spec } from './spec.ts';

export interface KeyFormatSchema {
  operationId: string;
  /** Property path in the operation's success body. */
  path: string;
  rule: RuleId;
  what: string;
}

export const KEY_FORMAT_SCHEMAS: readonly KeyFormatSchema[] = [
  { operationId: 'createApiKey', path: 'data.secret', rule: 'key.secret-format-changed', what: 'the secret key' },
  { operationId: 'getApiKey', path: 'data.prefix', rule: 'key.prefix-format-changed', what: 'the public key prefix' },
  { operationId: 'getEnvironment', path: 'data.key_prefix', rule: 'key.prefix-format-changed', what: "the environment's key prefixes" },
];

/** Where each key-format schema lives in one document. */
export interface KeyFormatLocation {
  schema: KeyFormatSchema;
  /** The schema's parts (itself, its `$ref` target, its `allOf` parts), resolved. */
  pointers: string[];
}

export function locateKeyFormat(spec: Spec): KeyFormatLocation[] {
  const operations = listOperations(spec);
  return KEY_FORMAT_SCHEMAS.flatMap((schema) => {
    const operation = operations.find((op) => op.ref.operationId === schema.operationId);
    const body = operation ? successBodySchema(spec, operation.node) : undefined;
    const found = body ? propertyAt(spec, [body], schema.path.split('.')) : undefined;
    return found ? [{ schema, pointers: found }] : [];
  });
}

export interface KeyFormatProfile {
  base: KeyFormatLocation[];
  revision: KeyFormatLocation[];
}

/** The generic rules a key-format change shows up under: what values a string may take. */
const VALUE_RULES = new Set<RuleId>([
  'request.type-narrowed', 'request.type-widened', 'response.type-changed', 'response.type-narrowed',
  'request.value-removed', 'request.value-added', 'response.value-added', 'response.value-removed', 'response.value-replaced',
  'request.bound-tightened', 'request.bound-loosened', 'response.bound-tightened', 'response.bound-loosened',
  'request.pattern-changed', 'response.pattern-changed', 'request.format-changed', 'response.format-changed',
  'response.nullable-added',
]);

export function refineKeyFormat(raw: RawFinding, profile: KeyFormatProfile): RawFinding {
  if (!VALUE_RULES.has(raw.rule)) return raw;
  const location =
    profile.base.find((known) => known.pointers.some((at) => within(raw.base, at))) ??
    profile.revision.find((known) => known.pointers.some((at) => within(raw.revision, at)));
  return location ? { ...raw, rule: location.schema.rule, change: `${location.schema.what}: ${raw.change}` } : raw;
}

function within(at: string | undefined, root: string): boolean {
  return at !== undefined && (at === root || at.startsWith(`${root}/`));
}

function successBodySchema(spec: Spec, operation: Node): Node | undefined {
  for (const [status, raw] of spec.entries(spec.child(operation, 'responses'))) {
    if (!/^2\d\d$/.test(status)) continue;
    for (const [type, media] of spec.entries(spec.child(spec.resolve(raw), 'content'))) {
      if (type.split(';')[0]!.trim().toLowerCase().endsWith('json')) return spec.child(spec.resolve(media), 'schema');
    }
  }
  return undefined;
}

/** The pointers of the schema at a property path (each property taken as its parts, resolved). */
function propertyAt(spec: Spec, nodes: Node[], path: string[]): string[] | undefined {
  const [name, ...rest] = path;
  const schema = normalizeSchema(spec, nodes);
  if (name === undefined) return schema.parts.map((part) => part.pointer);
  const property = schema.properties.get(name);
  return property ? propertyAt(spec, property, rest) : undefined;
}
