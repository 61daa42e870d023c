/**
 * Every rule the suite checks, with a stable id. Reports group results by these ids, so a
 * failure always names the rule the target broke. `stateless: true` marks the rules a stateless
 * mock (Prism) can honour: documented statuses, shapes, headers and the presence of a credential.
 */
export interface RuleDefinition {
  title: string;
  stateless?: boolean;
}

/** What decides which rules a run checks: the profile, `--skip` and `--only`. */
export interface RuleSelection {
  profile: 'full' | 'stateless';
  skip: string[];
  only?: string[];
}

export const RULES = {
  // Every response of every request the suite makes.
  'responses.answered': { title: 'Every request gets a complete HTTP response within the deadline (--timeout), of a size the suite keeps', stateless: true },
  'responses.no-server-error': { title: 'No response is a 5xx', stateless: true },
  'responses.documented-status': { title: "The status is one the operation documents", stateless: true },
  'responses.content-type': { title: 'The content type is the one documented for that status (none for an empty response)', stateless: true },
  'responses.required-headers': { title: 'Every header the response marks required is present', stateless: true },
  'responses.header-schema': { title: 'Every documented header matches its schema', stateless: true },
  'responses.body-schema': { title: 'The body is valid against the documented schema', stateless: true },

  // Authentication, for every operation that needs a key.
  'auth.missing-key': { title: 'No credential → 401 missing_api_key', stateless: true },
  'auth.www-authenticate': { title: 'Every 401 challenges each Authorization scheme, with error="invalid_token" exactly when a key was presented', stateless: true },
  'auth.header-forms': { title: 'Each header form with the same valid key gets the same success', stateless: true },
  'auth.scheme-case-insensitive': { title: 'Scheme names are accepted in any case' },
  'auth.malformed-key': { title: 'Malformed keys (wrong prefix, length, characters, checksum) → 401 invalid_api_key' },
  'auth.unknown-key': { title: 'A well-formed key that belongs to no one → 401 invalid_api_key' },
  'auth.unsupported-scheme': { title: 'Another scheme, or a scheme with no key → 401 invalid_api_key' },
  'auth.ambiguous-credentials': { title: 'Two credentials → 400 ambiguous_credentials; other headers, even ones named like a credential header, never count as one' },
  'auth.malformed-key-no-lookup': { title: "A key malformed in any one way (length, scheme or environment prefix, alphabet, checksum) is refused without a store lookup; a well-formed unknown key costs exactly one (needs the deployment's stats)" },
  'auth.unknown-key-no-state': { title: "A burst of unknown keys on every operation adds no rate-limit window and no idempotency record, and at most its one address to the throttle; a key's first request opens one window (needs the deployment's stats)" },
  'secrets.no-echo': { title: 'No response echoes the key that was presented' },
  'secrets.shown-once': { title: 'A secret appears only in the response that issued it (and its idempotent replay)' },

  // Key lifecycle.
  'lifecycle.create': { title: 'Create returns the key with its secret, matching the requested name and scopes' },
  'lifecycle.default-scopes': { title: 'A key created without scopes gets every scope of the key that created it' },
  'lifecycle.new-key-works': { title: 'A new key authenticates and identifies itself' },
  'lifecycle.prefix': { title: 'Listings show a prefix that is a strict prefix of the secret, never the secret' },
  'lifecycle.list': { title: 'The list pages through every key of the environment, each once' },
  'lifecycle.regenerate': { title: 'Regenerate keeps id, name, scopes and expiry and returns a new working secret' },
  'lifecycle.regenerate-old-key-refused': { title: 'After regenerate without grace the old secret is refused at once with expired_api_key' },
  'lifecycle.regenerate-grace-period': { title: 'With a grace period the old secret works until its end, and from its end on answers expired_api_key' },
  'lifecycle.regenerate-again-ends-grace': { title: 'Regenerating again ends the earlier grace period at once' },
  'lifecycle.revoke': { title: 'Revoke → 204 and the key (and its previous secret) is refused at once with revoked_api_key' },
  'lifecycle.revoked-gone': { title: 'A revoked key is not listed; get, revoke and regenerate of it answer 404' },
  'lifecycle.revoke-under-load': { title: 'Under concurrent requests with one key, every request sent after the revoke was answered is refused with revoked_api_key' },
  'lifecycle.expiry': { title: 'A key works until expires_at; from then on it answers expired_api_key and is listed as expired' },
  'lifecycle.expires-at-in-past': { title: 'An expires_at in the past → 400 validation_failed' },
  'lifecycle.scope-escalation': { title: 'A key cannot grant a scope it does not hold (403 insufficient_permissions)' },
  'isolation.environments': { title: 'Keys and notifications of one environment are invisible (404) from another' },

  // Key-lifecycle webhooks (Standard Webhooks), delivered to the suite's receiver (--callback-host).
  'webhooks.endpoints': { title: "An endpoint's signing secret (whsec_) is shown once, when it is created; list and get never show it; a deleted endpoint answers 404" },
  'webhooks.events': { title: 'Every key-lifecycle event reaches the endpoints that subscribed to it (and no other), valid against its schema and naming the key that changed' },
  'webhooks.signature': { title: "Every delivery carries webhook-id, a webhook-timestamp within 5 minutes, and a webhook-signature that verifies with the endpoint's secret (Standard Webhooks)" },
  'webhooks.no-secret': { title: 'No event carries a secret: no key, no signing secret' },
  'webhooks.retry': { title: 'A failing endpoint is retried on the documented schedule with the same webhook-id, then given up; the deliveries listing shows the attempts, the last status and the outcome' },

  // Leaked-key reports (GitHub's secret scanning partner program).
  'leaks.signature-required': { title: 'A report that is unsigned, signed with an unknown key identifier or another key, or altered after signing → 401 invalid_report_signature, and nothing changes' },
  'leaks.revoke-at-once': { title: "A signed report of a live key → true_positive by the token's SHA-256; from the answer on the key is refused (revoked_api_key) in every header form, and api_key.exposed says where it was found" },
  'leaks.false-positive': { title: 'A reported token that is not a live key (unknown, revoked, not a Herald key) → false_positive, and nothing changes' },
  'leaks.idempotent': { title: 'Reporting the same token again changes nothing and gets the same answer' },

  // Scopes and accounts.
  'scopes.missing-scope': { title: 'A key without the scope an operation needs → 403 insufficient_permissions naming it' },
  'scopes.granted-scope': { title: 'A key holding exactly the scopes an operation needs may call it' },
  'scopes.read-only-key': { title: 'The read-only key may read and is refused every write' },
  'accounts.inactive': { title: "An inactive account's key → 403 account_inactive on every operation" },

  // Rate limits.
  'rate-limit.headers-present': { title: 'Every response to an accepted key carries RateLimit-Policy, RateLimit and X-RateLimit-*' },
  'rate-limit.headers-consistent': { title: 'The two notations agree: q = limit, r = remaining ≤ q, reset = Date + t' },
  'rate-limit.remaining-decrements': { title: 'Remaining falls by one per request' },
  'rate-limit.usage-matches': { title: 'GET /usage reports the same limit and remaining as the headers, and the plan of the spec' },
  'rate-limit.burst-429': { title: 'Past the limit → 429 rate_limit_exceeded with Retry-After ≥ 1 and remaining 0' },
  'rate-limit.per-key': { title: "One key's spent limit does not refuse another key" },
  'rate-limit.window-resets': { title: "A key's window starts with its first request (t = w), Retry-After counts down with time, and once it has passed a new window restores the full limit" },

  // Quotas.
  'quotas.usage': { title: "GET /usage states the plan's quota: limit, used, remaining, counted channels and period" },
  'quotas.uncounted-channels': { title: "Channels the plan does not count are accepted and don't count, even past the quota" },
  'quotas.exceeded': { title: 'The notification past the quota → 429 quota_exceeded with Retry-After and the quota' },

  // Idempotency.
  'idempotency.replay': { title: 'Same Idempotency-Key and body → same status and body with Idempotent-Replayed: true' },
  'idempotency.single-effect': { title: 'A replayed request does nothing again' },
  'idempotency.key-reused': { title: 'Same Idempotency-Key with another body or path → 422 idempotency_key_reused' },
  'idempotency.scoped-to-key': { title: 'Idempotency keys are scoped to the API key that sent them' },

  // Request ids.
  'request-id.present': { title: 'Every response has an X-Request-Id matching the RequestId schema', stateless: true },
  'request-id.distinct': { title: 'Request ids are distinct across the run' },
  'request-id.problem-matches': { title: "A problem's request_id is the response's X-Request-Id", stateless: true },

  // Request errors.
  'errors.problem-details': { title: "A problem's status, type and title are those its code's schema fixes, and its detail says something", stateless: true },
  'errors.unknown-route': { title: 'An unknown route → 404 not_found' },
  'errors.unknown-resource': { title: 'A well-formed id that names nothing → 404 not_found, on every operation with a path parameter' },
  'errors.validation-failed': { title: 'A body that breaks the schema, or is not JSON → 400 validation_failed listing the issues' },
  'errors.payload-too-large': { title: 'A body over the documented size limit → 413 payload_too_large' },
  'errors.unsupported-media-type': { title: 'A body that is not application/json → 415 unsupported_media_type' },
  'errors.ignored-body': { title: 'An operation that takes no body ignores one, whatever its Content-Type: its documented success' },

  // Brute force.
  'throttle.failed-auth': { title: 'Repeated failed authentication (unknown, revoked or replaced keys alike) from one address → 429 authentication_throttled for every credential on every operation, with Retry-After and the "failed-auth" policy' },

  // Input derived from the schemas (fast-check).
  'input.valid-accepted': { title: "Input valid for the schemas (parameters, headers, bodies; full Unicode, every bound's edges) gets the documented success or a documented business refusal — never validation_failed, never a 5xx" },
  'input.invalid-refused': { title: 'Input that breaks one constraint of the schemas (type, required, enum/const, pattern, format, length and range bounds, additionalProperties, uniqueItems, array bounds) → 400 validation_failed locating it' },
} as const satisfies Record<string, RuleDefinition>;

export type RuleId = keyof typeof RULES;

export function ruleIds(): RuleId[] {
  return Object.keys(RULES) as RuleId[];
}

/** Whether a run with this profile, `--skip` and `--only` checks the rule. */
export function ruleApplies(id: RuleId, selection: RuleSelection): boolean {
  return whyNotApplied(id, selection) === undefined;
}

/** Reasons a rule is left out on purpose (the user asked for it), as opposed to for want of something. */
export const DELIBERATE_SKIPS = ['not part of the stateless profile', 'left out with --skip', 'left out by --only'] as const;

/** Why a run does not check the rule, or undefined when it does. */
export function whyNotApplied(id: RuleId, { profile, skip, only = [] }: RuleSelection): string | undefined {
  const definition: RuleDefinition = RULES[id];
  const named = (list: string[]) => list.some((s) => s === id || s === ruleGroup(id));
  if (profile === 'stateless' && !definition.stateless) return DELIBERATE_SKIPS[0];
  if (named(skip)) return DELIBERATE_SKIPS[1];
  if (only.length > 0 && !named(only)) return DELIBERATE_SKIPS[2];
  return undefined;
}

/** The group a rule belongs to, for reports: the part of its id before the first dot. */
export function ruleGroup(id: string): string {
  return id.split('.')[0];
}
