// Herald's key format: the secret key (`hk_live_…`/`hk_test_…`, 44 characters with a checksum),
// its public 16-character prefix, and the environment's key prefixes. Clients, secret scanners
// and offline checks validate keys against these schemas, so any change to what they allow
// (tighter or looser) is breaking, whichever direction the schema is read in. The schema
// comparison reports such a change under its generic rule; this turns it into a key-format rule.
//
// The schemas are named by where they live in the released documents. A change reached under
// either side's pointer counts, so a component renamed in the revision is still recognised;
// a test checks that every pointer here exists in the latest release.
import type { RawFinding } from './findings.ts';
import type { RuleId } from './rules.ts';

export interface KeyFormatSchema {
  pointer: string;
  rule: RuleId;
  what: string;
}

export const KEY_FORMAT_SCHEMAS: readonly KeyFormatSchema[] = [
  { pointer: '#/components/schemas/SecretKey', rule: 'key.secret-format-changed', what: 'the secret key' },
  { pointer: '#/components/schemas/KeyPrefix', rule: 'key.prefix-format-changed', what: 'the public key prefix' },
  { pointer: '#/components/schemas/Environment/allOf/1/properties/key_prefix', rule: 'key.prefix-format-changed', what: 'the environment key prefix' },
];

/** The generic rules a key-format change shows up under: what values a string may take. */
const VALUE_RULES = new Set<RuleId>([
  'request.type-narrowed', 'request.type-widened', 'response.type-changed', 'response.type-narrowed',
  'request.value-removed', 'request.value-added', 'response.value-added', 'response.value-removed', 'response.value-replaced',
  'request.bound-tightened', 'request.bound-loosened', 'response.bound-tightened', 'response.bound-loosened',
  'request.pattern-changed', 'response.pattern-changed', 'request.format-changed', 'response.format-changed',
  'response.nullable-added',
]);

export function refineKeyFormat(raw: RawFinding): RawFinding {
  if (!VALUE_RULES.has(raw.rule)) return raw;
  const schema = KEY_FORMAT_SCHEMAS.find((candidate) => within(raw.base, candidate.pointer) || within(raw.revision, candidate.pointer));
  return schema ? { ...raw, rule: schema.rule, change: `${schema.what}: ${raw.change}` } : raw;
}

function within(at: string | undefined, root: string): boolean {
  return at !== undefined && (at === root || at.startsWith(`${root}/`));
}
