// The rule catalogue: every kind of difference the gate reports, with its severity and the one
// line that says why. Every finding names one of these ids; the README's catalogue table is
// checked against this list by a test, so the two cannot drift apart.

/**
 * breaking: a client that worked stops working. security: the contract got weaker (less
 * authentication or authorization than before). compatible: nothing that worked stops working.
 * info: nothing breaks on the wire, but someone should know.
 */
export type Severity = 'breaking' | 'security' | 'compatible' | 'info';

export const SEVERITIES: readonly Severity[] = ['breaking', 'security', 'compatible', 'info'];

/** Severities that make the gate exit 1. */
export function failsGate(severity: Severity): boolean {
  return severity === 'breaking' || severity === 'security';
}

export type RuleGroup =
  | 'authentication'
  | 'errors'
  | 'headers and parameters'
  | 'key format'
  | 'operations'
  | 'requests'
  | 'responses'
  | 'servers'
  | 'documentation';

export interface Rule {
  id: string;
  severity: Severity;
  group: RuleGroup;
  why: string;
}

type RuleSpec = readonly [Severity, RuleGroup, string];

const CATALOGUE = {
  // Authentication: the security schemes and each operation's security requirement.
  'auth.scheme-added': ['compatible', 'authentication', 'a new way to send the key; every existing way still works'],
  'auth.scheme-removed': ['breaking', 'authentication', 'clients that send the key this way are refused (401)'],
  'auth.scheme-renamed': ['info', 'authentication', 'a scheme name is never sent on the wire; only tools that show scheme names see it'],
  'auth.scheme-type-changed': ['breaking', 'authentication', 'clients build the credential for the old scheme type and are refused (401)'],
  'auth.scheme-location-changed': ['breaking', 'authentication', 'clients send the key where the API no longer reads it and are refused (401)'],
  'auth.scheme-name-changed': ['breaking', 'authentication', 'clients send the key under a name the API no longer reads and are refused (401)'],
  'auth.http-scheme-changed': ['breaking', 'authentication', 'clients send an Authorization scheme the API no longer accepts (401)'],
  'auth.authorization-word-changed': ['breaking', 'authentication', 'clients put the old word before the key in Authorization and are refused (401)'],
  'auth.bearer-format-changed': ['info', 'authentication', 'bearerFormat only describes the token; check the key-format rules for what clients send'],
  'auth.alternative-removed': ['breaking', 'authentication', 'clients that authenticate this way are refused (401)'],
  'auth.alternative-added': ['compatible', 'authentication', 'one more way to authenticate; every existing way still works'],
  'auth.requirement-added': ['breaking', 'authentication', 'clients that call it without a key are refused (401)'],
  'auth.requirement-removed': ['security', 'authentication', 'the operation no longer requires a key: anyone can call it'],
  'auth.scope-added': ['breaking', 'authentication', 'keys without the new scope are refused (403) where they were served'],
  'auth.scope-changed': ['breaking', 'authentication', 'keys that hold only the old scope are refused (403) where they were served'],
  'auth.scope-removed': ['security', 'authentication', 'keys with fewer permissions than before are now served'],

  // Errors: documented statuses and the problem catalogue.
  'response.status-removed': ['breaking', 'errors', 'clients that handle this documented answer never get it; the API answers something they were not told about'],
  'response.status-replaced': ['breaking', 'errors', 'clients that handle the old status get one they were not told about'],
  'response.status-added': ['info', 'errors', 'a new documented answer; clients that switch on the status should know'],
  'problem.code-removed': ['breaking', 'errors', 'clients that handle this machine code never see it again: the failure now comes under another code or none'],
  'problem.code-added': ['info', 'errors', 'a new machine code in the closed enum; clients that switch on `code` should know'],
  'problem.status-changed': ['breaking', 'errors', 'clients that map this code to its status see another status'],
  'problem.type-changed': ['breaking', 'errors', 'clients that identify the problem by its `type` URI no longer recognise it'],
  'problem.title-changed': ['breaking', 'errors', 'clients that compare or show the documented `title` get another one'],

  // Headers and parameters.
  'response.header-removed': ['breaking', 'headers and parameters', 'clients that read this header find nothing'],
  'response.header-renamed': ['breaking', 'headers and parameters', 'clients that read the header under its old name find nothing'],
  'response.header-made-optional': ['breaking', 'headers and parameters', 'clients that rely on the header may not get it'],
  'response.header-made-required': ['compatible', 'headers and parameters', 'the header is always sent now; clients that coped without it still work'],
  'response.header-added': ['compatible', 'headers and parameters', 'an extra response header; clients that do not read it are unaffected'],
  'param.removed': ['breaking', 'headers and parameters', 'clients that send it are no longer understood: the value is refused or silently ignored'],
  'param.moved': ['breaking', 'headers and parameters', 'clients send the value where the API no longer reads it'],
  'param.renamed': ['breaking', 'headers and parameters', 'clients send the value under a name the API no longer reads'],
  'param.path-renamed': ['info', 'headers and parameters', 'a path parameter\'s name is never sent: the URL is the same; generated SDK signatures change'],
  'param.required-added': ['breaking', 'headers and parameters', 'clients that do not send the new required parameter are refused (400)'],
  'param.made-required': ['breaking', 'headers and parameters', 'clients that leave out the parameter are refused (400)'],
  'param.optional-added': ['compatible', 'headers and parameters', 'an optional parameter; clients that do not send it are unaffected'],
  'param.made-optional': ['compatible', 'headers and parameters', 'clients that send it still may'],
  'param.serialization-changed': ['breaking', 'headers and parameters', 'clients serialize the value the old way (style/explode) and are misread'],
  'param.deprecated': ['info', 'headers and parameters', 'still works; clients should plan to stop sending it'],

  // The key format: the secret key and its public prefix.
  'key.secret-format-changed': ['breaking', 'key format', 'clients, secret scanners and offline checks that validate keys against the published format reject real keys or accept wrong ones'],
  'key.prefix-format-changed': ['breaking', 'key format', 'clients that recognise keys and listings by the published prefix format reject real keys or accept wrong ones'],

  // Operations and paths.
  'path.removed': ['breaking', 'operations', 'clients that call it get 404'],
  'path.added': ['compatible', 'operations', 'a new path; nothing existing changes'],
  'op.removed': ['breaking', 'operations', 'clients that call it get 404 or 405'],
  'op.added': ['compatible', 'operations', 'a new operation; nothing existing changes'],
  'op.operation-id-changed': ['info', 'operations', 'nothing changes on the wire; generated SDK method names change'],
  'op.deprecated': ['info', 'operations', 'still works; clients should plan to move off it'],

  // Requests: what the client sends, the server validates.
  'request.body-removed': ['breaking', 'requests', 'clients that send a body are refused or their body is ignored'],
  'request.body-made-required': ['breaking', 'requests', 'clients that send no body are refused (400)'],
  'request.body-made-optional': ['compatible', 'requests', 'clients that send a body still may'],
  'request.body-added': ['compatible', 'requests', 'an optional request body; clients that send none are unaffected'],
  'request.media-type-removed': ['breaking', 'requests', 'clients that send this content type are refused (415)'],
  'request.media-type-added': ['compatible', 'requests', 'one more accepted content type'],
  'request.required-property-added': ['breaking', 'requests', 'clients that do not send the new property are refused (400)'],
  'request.property-made-required': ['breaking', 'requests', 'clients that leave out the property are refused (400)'],
  'request.property-removed': ['breaking', 'requests', 'unknown properties are refused here: clients that still send it get 400'],
  'request.property-removed-tolerated': ['info', 'requests', 'unknown properties are tolerated: clients that still send it are not refused, but the value is ignored'],
  'request.optional-property-added': ['compatible', 'requests', 'an optional property; clients that do not send it are unaffected'],
  'request.property-made-optional': ['compatible', 'requests', 'clients that send it still may'],
  'request.unknown-properties-refused': ['breaking', 'requests', 'clients that send properties the schema does not list are refused (400)'],
  'request.unknown-properties-accepted': ['compatible', 'requests', 'more bodies are accepted'],
  'request.type-narrowed': ['breaking', 'requests', 'values of the removed type are refused (400)'],
  'request.type-widened': ['compatible', 'requests', 'more values are accepted'],
  'request.value-removed': ['breaking', 'requests', 'clients that send the removed value are refused (400)'],
  'request.value-added': ['compatible', 'requests', 'more values are accepted'],
  'request.bound-tightened': ['breaking', 'requests', 'values that were valid are now refused (400)'],
  'request.bound-loosened': ['compatible', 'requests', 'more values are accepted'],
  'request.pattern-changed': ['breaking', 'requests', 'values that matched the old pattern may now be refused (400)'],
  'request.format-changed': ['breaking', 'requests', 'values valid under the old format may now be refused (400)'],
  'request.variant-removed': ['breaking', 'requests', 'clients that send this shape are refused (400)'],
  'request.variant-added': ['compatible', 'requests', 'one more accepted shape'],
  'request.body-limit-lowered': ['breaking', 'requests', 'bodies between the new and the old limit are refused (413)'],
  'request.body-limit-raised': ['compatible', 'requests', 'larger bodies are accepted'],

  // Responses: what the server sends, the client reads.
  'response.media-type-removed': ['breaking', 'responses', 'clients that expect this content type get another one or no body'],
  'response.media-type-added': ['compatible', 'responses', 'one more content type; clients that ask for the old one still get it'],
  'response.required-property-removed': ['breaking', 'responses', 'clients that read the property find nothing'],
  'response.property-made-optional': ['breaking', 'responses', 'clients that read the property may find nothing'],
  'response.property-made-required': ['compatible', 'responses', 'the property is always there now; clients that coped without it still work'],
  'response.optional-property-removed': ['info', 'responses', 'it was optional, so careful clients already coped without it'],
  'response.property-added': ['compatible', 'responses', 'clients ignore properties they do not know'],
  'response.type-changed': ['breaking', 'responses', 'clients get a value of a type (or shape) they cannot read'],
  'response.type-narrowed': ['compatible', 'responses', 'fewer kinds of value than before; clients already handle them all'],
  'response.nullable-added': ['breaking', 'responses', 'clients that read the value get null'],
  'response.value-added': ['info', 'responses', 'clients that switch on this value should know there is a new one'],
  'response.value-replaced': ['breaking', 'responses', 'none of the values clients know is sent any more'],
  'response.value-removed': ['compatible', 'responses', 'fewer values than before; clients already handle them all'],
  'response.bound-loosened': ['info', 'responses', 'values may be longer or larger than before; clients that validate or size buffers should know'],
  'response.bound-tightened': ['compatible', 'responses', 'values stay within what clients already handle'],
  'response.pattern-changed': ['info', 'responses', 'clients that validate this value should know'],
  'response.format-changed': ['info', 'responses', 'clients that parse this value by its format should know'],
  'response.variant-added': ['info', 'responses', 'a new tagged shape; clients that switch on the tag should know'],
  'response.variant-removed': ['compatible', 'responses', 'one shape fewer; clients already handle the others'],

  // Servers.
  'server.removed': ['breaking', 'servers', 'clients configured with this base URL lose it'],
  'server.added': ['compatible', 'servers', 'one more base URL'],

  // Documentation.
  'doc.text-changed': ['compatible', 'documentation', 'wording only; nothing changes on the wire'],
  'doc.example-changed': ['compatible', 'documentation', 'examples only; nothing changes on the wire'],
  'doc.format-hint-changed': ['compatible', 'documentation', 'a format that only tells tools how to show the value (password, binary); the values allowed are the same'],
} as const satisfies Record<string, RuleSpec>;

export type RuleId = keyof typeof CATALOGUE;

export const RULES: readonly Rule[] = Object.entries(CATALOGUE).map(([id, [severity, group, why]]) => ({ id, severity, group, why }));

const BY_ID = new Map(RULES.map((rule) => [rule.id, rule]));

export function rule(id: RuleId): Rule {
  return BY_ID.get(id)!;
}
