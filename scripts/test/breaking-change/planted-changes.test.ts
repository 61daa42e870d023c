// Planted changes, one per case, each made on a copy of the real bundled spec and classified in
// both directions: the change itself (current → planted) and its undoing (planted → current).
// A case expects exactly the listed `severity rule` pairs (documentation findings aside), so a
// gate that reports too much fails as surely as one that misses the change. At the end, every
// rule of the catalogue must have been expected by some case.
import { describe, expect, it } from 'vitest';
import { RULES } from '../../breaking-change/rules.ts';
import {
  classified, CURRENT, deref, type Doc, holderOf, operation, operations, parameter, parameterEntry, plantedFindings, problem, property,
  propertyRef, refOf, requestSchema, response, responseSchema, securityLists, keyedOperations, operationsSharingParameter,
} from './plant.ts';

interface PlantedCase {
  name: string;
  group: 'authentication' | 'errors' | 'headers and parameters' | 'key format' | 'rest of the contract' | 'compatible';
  plant: (doc: Doc) => void;
  /** `severity rule` of every finding current → planted. */
  forward: string[];
  /** `severity rule` of every finding planted → current. */
  reverse: string[];
  /** Where the forward change is reported, and how many operations it reaches. */
  at?: { rule: string; pointer: string; operations: number };
}

const ALL_OPERATIONS = operations(CURRENT).length;
/** What a security scheme reaches: every operation that takes a key. */
const KEYED_OPERATIONS = keyedOperations(CURRENT).length;

/** How many operations answer `status` with the same shared response as `operationId` does. */
function sharing(status: string, operationId: string): number {
  const ref = refOf(operation(CURRENT, operationId).responses[status]);
  return operations(CURRENT).filter((op: Doc) => op.responses[status]?.$ref === ref).length;
}

function operationsWithoutOwnSecurity(): number {
  return operations(CURRENT).filter((op: Doc) => op.security === undefined).length;
}

const CASES: PlantedCase[] = [
  // ── authentication ────────────────────────────────────────────────────────────────────────
  {
    name: 'a security scheme removed (XApiKey, with its alternatives)',
    group: 'authentication',
    plant: (doc) => {
      delete doc.components.securitySchemes.XApiKey;
      for (const list of securityLists(doc)) list.splice(list.findIndex((alt: Doc) => 'XApiKey' in alt), 1);
    },
    forward: ['breaking auth.scheme-removed'],
    reverse: ['compatible auth.scheme-added'],
    at: { rule: 'auth.scheme-removed', pointer: '#/components/securitySchemes/XApiKey', operations: KEYED_OPERATIONS },
  },
  {
    name: 'a security scheme renamed (same header, same scopes)',
    group: 'authentication',
    plant: (doc) => {
      doc.components.securitySchemes.ApiKeyHeader = doc.components.securitySchemes.XApiKey;
      delete doc.components.securitySchemes.XApiKey;
      for (const list of securityLists(doc)) {
        for (const alternative of list) {
          if (!('XApiKey' in alternative)) continue;
          alternative.ApiKeyHeader = alternative.XApiKey;
          delete alternative.XApiKey;
        }
      }
    },
    forward: ['info auth.scheme-renamed'],
    reverse: ['info auth.scheme-renamed'],
  },
  {
    name: "a scheme's type changed (bearer → apiKey on Authorization)",
    group: 'authentication',
    plant: (doc) => {
      doc.components.securitySchemes.AuthorizationBearer = { type: 'apiKey', in: 'header', name: 'Authorization', 'x-herald-authorization-scheme': 'Token' };
    },
    forward: ['breaking auth.scheme-type-changed'],
    reverse: ['breaking auth.scheme-type-changed'],
  },
  {
    name: "a scheme's `in` changed: X-API-Key moved to a query parameter",
    group: 'authentication',
    plant: (doc) => (doc.components.securitySchemes.XApiKey.in = 'query'),
    forward: ['breaking auth.scheme-location-changed'],
    reverse: ['breaking auth.scheme-location-changed'],
    at: { rule: 'auth.scheme-location-changed', pointer: '#/components/securitySchemes/XApiKey/in', operations: KEYED_OPERATIONS },
  },
  {
    name: "a scheme's `name` changed (X-API-Key → X-Herald-Key)",
    group: 'authentication',
    plant: (doc) => (doc.components.securitySchemes.XApiKey.name = 'X-Herald-Key'),
    forward: ['breaking auth.scheme-name-changed'],
    reverse: ['breaking auth.scheme-name-changed'],
  },
  {
    name: "a scheme's `scheme` changed (bearer → basic)",
    group: 'authentication',
    plant: (doc) => (doc.components.securitySchemes.AuthorizationBearer.scheme = 'basic'),
    forward: ['breaking auth.http-scheme-changed'],
    reverse: ['breaking auth.http-scheme-changed'],
  },
  {
    name: "a scheme's `bearerFormat` changed",
    group: 'authentication',
    plant: (doc) => (doc.components.securitySchemes.AuthorizationBearer.bearerFormat = 'JWT'),
    forward: ['info auth.bearer-format-changed'],
    reverse: ['info auth.bearer-format-changed'],
  },
  {
    name: 'the x-herald-authorization-scheme word changed (ApiKey → Key)',
    group: 'authentication',
    plant: (doc) => (doc.components.securitySchemes.AuthorizationApiKey['x-herald-authorization-scheme'] = 'Key'),
    forward: ['breaking auth.authorization-word-changed'],
    reverse: ['breaking auth.authorization-word-changed'],
    at: { rule: 'auth.authorization-word-changed', pointer: '#/components/securitySchemes/AuthorizationApiKey/x-herald-authorization-scheme', operations: KEYED_OPERATIONS },
  },
  {
    name: 'a credential alternative dropped from an operation (X-API-Key on GET /usage)',
    group: 'authentication',
    plant: (doc) => {
      const list = operation(doc, 'getUsage').security;
      list.splice(list.findIndex((alt: Doc) => 'XApiKey' in alt), 1);
    },
    forward: ['breaking auth.alternative-removed'],
    reverse: ['compatible auth.alternative-added'],
    at: { rule: 'auth.alternative-removed', pointer: '#/paths/~1usage/get/security', operations: 1 },
  },
  {
    name: 'a credential alternative dropped from the root (reaches every operation without its own security)',
    group: 'authentication',
    plant: (doc) => doc.security.splice(doc.security.findIndex((alt: Doc) => 'AuthorizationBearer' in alt), 1),
    forward: ['breaking auth.alternative-removed'],
    reverse: ['compatible auth.alternative-added'],
    at: { rule: 'auth.alternative-removed', pointer: '#/security', operations: operationsWithoutOwnSecurity() },
  },
  {
    name: 'an operation stops requiring any key (security: [])',
    group: 'authentication',
    plant: (doc) => (operation(doc, 'getUsage').security = []),
    forward: ['security auth.requirement-removed'],
    reverse: ['breaking auth.requirement-added'],
  },
  {
    name: 'an operation accepts no key besides its keys (an empty alternative {})',
    group: 'authentication',
    plant: (doc) => operation(doc, 'getNotification').security.push({}),
    forward: ['security auth.requirement-removed'],
    reverse: ['breaking auth.requirement-added'],
  },
  {
    name: 'a scope added to an operation: keys:write required on GET /usage',
    group: 'authentication',
    plant: (doc) => {
      for (const alternative of operation(doc, 'getUsage').security) for (const scopes of Object.values<string[]>(alternative)) scopes.push('keys:write');
    },
    forward: ['breaking auth.scope-added'],
    reverse: ['security auth.scope-removed'],
    at: { rule: 'auth.scope-added', pointer: '#/paths/~1usage/get/security', operations: 1 },
  },
  {
    name: "a scope changed in an operation's requirement (usage:read → keys:read)",
    group: 'authentication',
    plant: (doc) => {
      for (const alternative of operation(doc, 'getUsage').security) for (const name of Object.keys(alternative)) alternative[name] = ['keys:read'];
    },
    forward: ['breaking auth.scope-changed'],
    reverse: ['breaking auth.scope-changed'],
  },

  {
    name: 'a credential alternative added that asks for fewer scopes (two keys together, no scope)',
    group: 'authentication',
    plant: (doc) => operation(doc, 'getApiKey').security.push({ XApiKey: [], AuthorizationBearer: [] }),
    forward: ['security auth.scope-removed'],
    reverse: ['breaking auth.alternative-removed'],
  },

  // ── errors ────────────────────────────────────────────────────────────────────────────────
  {
    name: 'a documented status removed from an operation (404 of getApiKey)',
    group: 'errors',
    plant: (doc) => delete operation(doc, 'getApiKey').responses['404'],
    forward: ['breaking response.status-removed'],
    reverse: ['info response.status-added'],
  },
  {
    name: 'a documented status replaced by another (404 → 410 on getApiKey)',
    group: 'errors',
    plant: (doc) => {
      const responses = operation(doc, 'getApiKey').responses;
      responses['410'] = responses['404'];
      delete responses['404'];
    },
    forward: ['breaking response.status-replaced'],
    reverse: ['breaking response.status-replaced'],
  },
  {
    name: 'a problem code removed from the closed enum (ambiguous_credentials, and its problem from the 400)',
    group: 'errors',
    plant: (doc) => {
      const notFound = responseSchema(doc, 'getApiKey', '404');
      const codes = property(doc, notFound, 'code').enum;
      codes.splice(codes.indexOf('ambiguous_credentials'), 1);
      const badRequest = response(doc, 'getUsage', '400').content['application/problem+json'].schema;
      const overlay = problem(doc, 'ambiguous_credentials');
      const gone = badRequest.oneOf.find((branch: Doc) => deref(doc, branch).allOf.some((part: Doc) => deref(doc, part) === overlay));
      badRequest.oneOf = badRequest.oneOf.filter((branch: Doc) => branch !== gone);
      delete holderOf(doc, notFound, 'code').discriminator.mapping.ambiguous_credentials;
      delete doc.components.schemas[refOf(gone).split('/').pop()!];
    },
    forward: ['breaking problem.code-removed', 'compatible response.variant-removed'],
    reverse: ['info problem.code-added', 'info response.variant-added'],
  },
  {
    name: "a problem code's status changed (not_found: 404 → 410)",
    group: 'errors',
    plant: (doc) => (problem(doc, 'not_found').properties.status.const = 410),
    forward: ['breaking problem.status-changed'],
    reverse: ['breaking problem.status-changed'],
  },
  {
    name: "a problem code's type changed",
    group: 'errors',
    plant: (doc) => (problem(doc, 'invalid_api_key').properties.type.const = 'https://docs.herald.example/problems/bad-key'),
    forward: ['breaking problem.type-changed'],
    reverse: ['breaking problem.type-changed'],
  },
  {
    name: "a problem code's title changed",
    group: 'errors',
    plant: (doc) => (problem(doc, 'rate_limit_exceeded').properties.title.const = 'Slow down'),
    forward: ['breaking problem.title-changed'],
    reverse: ['breaking problem.title-changed'],
  },

  // ── headers and parameters ────────────────────────────────────────────────────────────────
  {
    name: 'Retry-After removed from the 429 response',
    group: 'headers and parameters',
    plant: (doc) => delete response(doc, 'getUsage', '429').headers['Retry-After'],
    forward: ['breaking response.header-removed'],
    reverse: ['compatible response.header-added'],
    at: { rule: 'response.header-removed', pointer: `${refOf(operation(CURRENT, 'getUsage').responses['429'])}/headers/Retry-After`, operations: sharing('429', 'getUsage') },
  },
  {
    name: 'the IETF rate-limit header renamed everywhere (RateLimit → RateLimit-State)',
    group: 'headers and parameters',
    plant: (doc) => renameHeaderEverywhere(doc, 'RateLimit', 'RateLimit-State'),
    forward: ['breaking response.header-renamed'],
    reverse: ['breaking response.header-renamed'],
  },
  {
    name: 'a legacy rate-limit header removed everywhere (X-RateLimit-Remaining)',
    group: 'headers and parameters',
    plant: (doc) => removeHeaderEverywhere(doc, 'X-RateLimit-Remaining'),
    forward: ['breaking response.header-removed'],
    reverse: ['compatible response.header-added'],
  },
  {
    name: 'X-Request-Id renamed everywhere (→ X-Correlation-Id)',
    group: 'headers and parameters',
    plant: (doc) => renameHeaderEverywhere(doc, 'X-Request-Id', 'X-Correlation-Id'),
    forward: ['breaking response.header-renamed'],
    reverse: ['breaking response.header-renamed'],
  },
  {
    name: 'WWW-Authenticate removed from the 401 response',
    group: 'headers and parameters',
    plant: (doc) => delete response(doc, 'getUsage', '401').headers['WWW-Authenticate'],
    forward: ['breaking response.header-removed'],
    reverse: ['compatible response.header-added'],
    at: { rule: 'response.header-removed', pointer: `${refOf(operation(CURRENT, 'getUsage').responses['401'])}/headers/WWW-Authenticate`, operations: sharing('401', 'getUsage') },
  },
  {
    name: 'Idempotent-Replayed and Location removed from the 201 of createApiKey',
    group: 'headers and parameters',
    plant: (doc) => {
      delete response(doc, 'createApiKey', '201').headers['Idempotent-Replayed'];
      delete response(doc, 'createApiKey', '201').headers.Location;
    },
    forward: ['breaking response.header-removed'],
    reverse: ['compatible response.header-added'],
  },
  {
    name: 'a response header no longer always sent (X-Request-Id required: false)',
    group: 'headers and parameters',
    plant: (doc) => (deref(doc, response(doc, 'ping', '200').headers['X-Request-Id']).required = false),
    forward: ['breaking response.header-made-optional'],
    reverse: ['compatible response.header-made-required'],
    at: { rule: 'response.header-made-optional', pointer: `${refOf(response(CURRENT, 'ping', '200').headers['X-Request-Id'])}/required`, operations: ALL_OPERATIONS },
  },
  {
    name: 'a request header made required (Idempotency-Key)',
    group: 'headers and parameters',
    plant: (doc) => (parameter(doc, 'createApiKey', 'Idempotency-Key').required = true),
    forward: ['breaking param.made-required'],
    reverse: ['compatible param.made-optional'],
  },
  {
    name: 'a parameter removed (limit on listApiKeys)',
    group: 'headers and parameters',
    plant: (doc) => {
      const op = operation(doc, 'listApiKeys');
      op.parameters = op.parameters.filter((p: Doc) => deref(doc, p).name !== 'limit');
    },
    forward: ['breaking param.removed'],
    reverse: ['compatible param.optional-added'],
  },
  {
    name: 'a parameter moved (cursor: query → header)',
    group: 'headers and parameters',
    plant: (doc) => (parameter(doc, 'listApiKeys', 'cursor').in = 'header'),
    forward: ['breaking param.moved'],
    reverse: ['breaking param.moved'],
  },
  {
    name: 'a parameter renamed (cursor → page_token)',
    group: 'headers and parameters',
    plant: (doc) => (parameter(doc, 'listApiKeys', 'cursor').name = 'page_token'),
    forward: ['breaking param.renamed'],
    reverse: ['breaking param.renamed'],
  },
  {
    name: 'a required parameter added (query `region` on getUsage)',
    group: 'headers and parameters',
    plant: (doc) => {
      operation(doc, 'getUsage').parameters = [{ name: 'region', in: 'query', required: true, schema: { type: 'string' } }];
    },
    forward: ['breaking param.required-added'],
    reverse: ['breaking param.removed'],
  },
  {
    name: "a parameter's serialization changed (limit: form → spaceDelimited)",
    group: 'headers and parameters',
    plant: (doc) => (parameter(doc, 'listApiKeys', 'limit').style = 'spaceDelimited'),
    forward: ['breaking param.serialization-changed'],
    reverse: ['breaking param.serialization-changed'],
  },
  {
    name: 'a parameter deprecated (cursor)',
    group: 'headers and parameters',
    plant: (doc) => (parameter(doc, 'listApiKeys', 'cursor').deprecated = true),
    forward: ['info param.deprecated'],
    reverse: [],
  },
  {
    name: "a path parameter renamed ({key_id} → {id}): the URL is the same",
    group: 'headers and parameters',
    plant: (doc) => {
      parameter(doc, 'getApiKey', 'key_id').name = 'id';
      doc.paths = Object.fromEntries(Object.entries(doc.paths).map(([path, item]) => [path.replace('{key_id}', '{id}'), item]));
    },
    forward: ['info param.path-renamed'],
    reverse: ['info param.path-renamed'],
  },

  // ── the key format ────────────────────────────────────────────────────────────────────────
  {
    name: "the secret key's pattern changed",
    group: 'key format',
    plant: (doc) => (property(doc, responseSchema(doc, 'createApiKey', '201'), 'data.secret').pattern = '^hk_(live|test)_[0-9A-Za-z]{40}$'),
    forward: ['breaking key.secret-format-changed'],
    reverse: ['breaking key.secret-format-changed'],
    at: { rule: 'key.secret-format-changed', pointer: `${propertyRef(CURRENT, responseSchema(CURRENT, 'createApiKey', '201'), 'data.secret')}/pattern`, operations: 2 },
  },
  {
    name: "the secret key's length changed (44 → 48)",
    group: 'key format',
    plant: (doc) => {
      const secret = property(doc, responseSchema(doc, 'createApiKey', '201'), 'data.secret');
      secret.minLength = 48;
      secret.maxLength = 48;
    },
    forward: ['breaking key.secret-format-changed'],
    reverse: ['breaking key.secret-format-changed'],
  },
  {
    name: "the secret key's format changed to one that validates (byte: base64)",
    group: 'key format',
    plant: (doc) => (property(doc, responseSchema(doc, 'createApiKey', '201'), 'data.secret').format = 'byte'),
    forward: ['breaking key.secret-format-changed'],
    reverse: ['breaking key.secret-format-changed'],
  },
  {
    name: "the public key prefix's pattern changed (a new environment prefix)",
    group: 'key format',
    plant: (doc) => (property(doc, responseSchema(doc, 'ping', '200'), 'data.key.prefix').pattern = '^hk_(live|test|prod)_[0-9A-Za-z]{8}$'),
    forward: ['breaking key.prefix-format-changed'],
    reverse: ['breaking key.prefix-format-changed'],
  },
  {
    name: "an environment's key prefixes changed (hk_prod_ added)",
    group: 'key format',
    plant: (doc) => property(doc, responseSchema(doc, 'getEnvironment', '200'), 'data.key_prefix').enum.push('hk_prod_'),
    forward: ['breaking key.prefix-format-changed'],
    reverse: ['breaking key.prefix-format-changed'],
  },

  // ── the rest of the contract ──────────────────────────────────────────────────────────────
  {
    name: 'an operation removed (DELETE /api-keys/{key_id})',
    group: 'rest of the contract',
    plant: (doc) => delete doc.paths['/api-keys/{key_id}'].delete,
    forward: ['breaking op.removed'],
    reverse: ['compatible op.added'],
  },
  {
    name: 'a path removed (/usage)',
    group: 'rest of the contract',
    plant: (doc) => delete doc.paths['/usage'],
    forward: ['breaking path.removed'],
    reverse: ['compatible path.added'],
  },
  {
    name: "an operation's operationId changed",
    group: 'rest of the contract',
    plant: (doc) => (operation(doc, 'getUsage').operationId = 'readUsage'),
    forward: ['info op.operation-id-changed'],
    reverse: ['info op.operation-id-changed'],
  },
  {
    name: 'an operation deprecated',
    group: 'rest of the contract',
    plant: (doc) => (operation(doc, 'getUsage').deprecated = true),
    forward: ['info op.deprecated'],
    reverse: [],
  },
  {
    name: 'a required request property added (createApiKey `owner`)',
    group: 'rest of the contract',
    plant: (doc) => {
      const schema = requestSchema(doc, 'createApiKey');
      schema.properties.owner = { type: 'string', maxLength: 100 };
      schema.required = [...(schema.required ?? []), 'owner'];
    },
    forward: ['breaking request.required-property-added'],
    reverse: ['breaking request.property-removed'],
  },
  {
    name: 'a request property removed where unknown properties are refused (createApiKey `expires_at`)',
    group: 'rest of the contract',
    plant: (doc) => delete requestSchema(doc, 'createApiKey').properties.expires_at,
    forward: ['breaking request.property-removed'],
    reverse: ['compatible request.optional-property-added'],
  },
  {
    name: 'a request property removed where unknown properties are tolerated',
    group: 'rest of the contract',
    plant: (doc) => {
      const schema = requestSchema(doc, 'createApiKey');
      delete schema.additionalProperties;
      delete schema.properties.expires_at;
    },
    forward: ['compatible request.unknown-properties-accepted', 'info request.property-removed-tolerated'],
    reverse: ['breaking request.unknown-properties-refused', 'compatible request.optional-property-added'],
  },
  {
    name: 'a request property made required (createApiKey `name`)',
    group: 'rest of the contract',
    plant: (doc) => {
      const schema = requestSchema(doc, 'createApiKey');
      schema.required = [...(schema.required ?? []), 'name'];
    },
    forward: ['breaking request.property-made-required'],
    reverse: ['compatible request.property-made-optional'],
  },
  {
    name: 'a request type widened / narrowed (grace_period_seconds: integer ↔ number)',
    group: 'rest of the contract',
    plant: (doc) => (property(doc, requestSchema(doc, 'regenerateApiKey'), 'grace_period_seconds').type = 'number'),
    forward: ['compatible request.type-widened'],
    reverse: ['breaking request.type-narrowed'],
  },
  {
    name: 'a request accepts null / no longer accepts null (expires_at)',
    group: 'rest of the contract',
    plant: (doc) => {
      const schema = requestSchema(doc, 'createApiKey');
      schema.properties.expires_at = { oneOf: [schema.properties.expires_at, { type: 'null' }] };
    },
    forward: ['compatible request.type-widened'],
    reverse: ['breaking request.type-narrowed'],
  },
  {
    name: 'an enum value removed (scope usage:read: requests refuse it, responses never carry it)',
    group: 'rest of the contract',
    plant: (doc) => {
      const scopes = deref(doc, property(doc, requestSchema(doc, 'createApiKey'), 'scopes').allOf[0]).items;
      const scope = deref(doc, scopes);
      scope.enum = scope.enum.filter((value: string) => value !== 'usage:read');
    },
    forward: ['breaking request.value-removed', 'compatible response.value-removed'],
    reverse: ['compatible request.value-added', 'info response.value-added'],
  },
  {
    name: "a request const changed (the email notification's channel `email` → `mail`)",
    group: 'rest of the contract',
    plant: (doc) => {
      const email = deref(doc, requestSchema(doc, 'sendNotification').oneOf[0]);
      email.properties.channel.const = 'mail';
      if (email.properties.channel.enum) email.properties.channel.enum = ['mail'];
      const mapping = requestSchema(doc, 'sendNotification').discriminator.mapping;
      mapping.mail = mapping.email;
      delete mapping.email;
    },
    forward: ['breaking request.variant-removed', 'compatible request.variant-added'],
    reverse: ['breaking request.variant-removed', 'compatible request.variant-added'],
  },
  {
    name: "a request enum value added where there was a const (the webhook's channel also `hook`)",
    group: 'rest of the contract',
    plant: (doc) => {
      const webhook = deref(doc, requestSchema(doc, 'sendNotification').oneOf[1]);
      webhook.properties.channel = { type: 'string', enum: ['webhook', 'hook'] };
    },
    forward: ['compatible request.value-added'],
    reverse: ['breaking request.value-removed'],
  },
  {
    name: 'a bound tightened: the limit parameter maximum lowered to 50',
    group: 'rest of the contract',
    plant: (doc) => (parameter(doc, 'listApiKeys', 'limit').schema.maximum = 50),
    forward: ['breaking request.bound-tightened'],
    reverse: ['compatible request.bound-loosened'],
    at: { rule: 'request.bound-tightened', pointer: `${refOf(parameterEntry(CURRENT, 'listApiKeys', 'limit'))}/schema/maximum`, operations: operationsSharingParameter(CURRENT, 'listApiKeys', 'limit').length },
  },
  {
    name: 'maxLength lowered on a schema read both ways (KeyName 100 → 50)',
    group: 'rest of the contract',
    plant: (doc) => (property(doc, requestSchema(doc, 'createApiKey'), 'name').maxLength = 50),
    forward: ['breaking request.bound-tightened', 'compatible response.bound-tightened'],
    reverse: ['compatible request.bound-loosened', 'info response.bound-loosened'],
  },
  {
    name: 'minLength raised (email subject 1 → 5)',
    group: 'rest of the contract',
    plant: (doc) => (deref(doc, requestSchema(doc, 'sendNotification').oneOf[0]).properties.subject.minLength = 5),
    forward: ['breaking request.bound-tightened'],
    reverse: ['compatible request.bound-loosened'],
  },
  {
    name: 'minimum raised (grace_period_seconds 0 → 60)',
    group: 'rest of the contract',
    plant: (doc) => (property(doc, requestSchema(doc, 'regenerateApiKey'), 'grace_period_seconds').minimum = 60),
    forward: ['breaking request.bound-tightened'],
    reverse: ['compatible request.bound-loosened'],
  },
  {
    name: 'maxItems lowered and minItems raised (the scope list)',
    group: 'rest of the contract',
    plant: (doc) => {
      const list = deref(doc, property(doc, requestSchema(doc, 'createApiKey'), 'scopes').allOf[0]);
      list.maxItems = 3;
      list.minItems = 2;
    },
    forward: ['breaking request.bound-tightened', 'compatible response.bound-tightened'],
    reverse: ['compatible request.bound-loosened', 'info response.bound-loosened'],
  },
  {
    name: 'uniqueItems dropped from a request list (the scope list)',
    group: 'rest of the contract',
    plant: (doc) => delete deref(doc, property(doc, requestSchema(doc, 'createApiKey'), 'scopes').allOf[0]).uniqueItems,
    forward: ['compatible request.bound-loosened', 'info response.bound-loosened'],
    reverse: ['breaking request.bound-tightened', 'compatible response.bound-tightened'],
  },
  {
    name: 'a request pattern changed (webhook url)',
    group: 'rest of the contract',
    plant: (doc) => (deref(doc, requestSchema(doc, 'sendNotification').oneOf[1]).properties.url.pattern = '^https://hooks\\.'),
    forward: ['breaking request.pattern-changed'],
    reverse: ['breaking request.pattern-changed'],
  },
  {
    name: 'a request format changed (email `to`: email → idn-email)',
    group: 'rest of the contract',
    plant: (doc) => (deref(doc, requestSchema(doc, 'sendNotification').oneOf[0]).properties.to.format = 'idn-email'),
    forward: ['breaking request.format-changed'],
    reverse: ['breaking request.format-changed'],
  },
  {
    name: 'the request body limit lowered (x-herald-max-body-bytes 16384 → 8192)',
    group: 'rest of the contract',
    plant: (doc) => (response(doc, 'createApiKey', '413')['x-herald-max-body-bytes'] = 8192),
    forward: ['breaking request.body-limit-lowered'],
    reverse: ['compatible request.body-limit-raised'],
  },
  {
    name: 'a request body made optional / required (createApiKey)',
    group: 'rest of the contract',
    plant: (doc) => (deref(doc, operation(doc, 'createApiKey').requestBody).required = false),
    forward: ['compatible request.body-made-optional'],
    reverse: ['breaking request.body-made-required'],
  },
  {
    name: 'a request body removed (regenerateApiKey)',
    group: 'rest of the contract',
    plant: (doc) => delete operation(doc, 'regenerateApiKey').requestBody,
    forward: ['breaking request.body-removed'],
    reverse: ['compatible request.body-added'],
  },
  {
    name: 'a request content type removed / added',
    group: 'rest of the contract',
    plant: (doc) => {
      const content = deref(doc, operation(doc, 'createApiKey').requestBody).content;
      content['application/merge-patch+json'] = content['application/json'];
      delete content['application/json'];
    },
    forward: ['breaking request.media-type-removed', 'compatible request.media-type-added'],
    reverse: ['breaking request.media-type-removed', 'compatible request.media-type-added'],
  },
  {
    name: 'a response content type removed / added',
    group: 'rest of the contract',
    plant: (doc) => {
      const content = response(doc, 'getUsage', '200').content;
      content['application/vnd.herald+json'] = content['application/json'];
      delete content['application/json'];
    },
    forward: ['breaking response.media-type-removed', 'compatible response.media-type-added'],
    reverse: ['breaking response.media-type-removed', 'compatible response.media-type-added'],
  },
  {
    name: 'a required response property removed (Notification `counted_toward_quota`)',
    group: 'rest of the contract',
    plant: (doc) => {
      const notification = property(doc, responseSchema(doc, 'getNotification', '200'), 'data');
      delete notification.properties.counted_toward_quota;
      notification.required = notification.required.filter((name: string) => name !== 'counted_toward_quota');
    },
    forward: ['breaking response.required-property-removed'],
    reverse: ['compatible response.property-added'],
  },
  {
    name: 'an optional response property removed / added (Notification `sent_at`)',
    group: 'rest of the contract',
    plant: (doc) => (property(doc, responseSchema(doc, 'getNotification', '200'), 'data').properties.sent_at = { type: 'string', format: 'date-time' }),
    forward: ['compatible response.property-added'],
    reverse: ['info response.optional-property-removed'],
  },
  {
    name: 'a response property made optional (ApiKey `last_used_at`)',
    group: 'rest of the contract',
    plant: (doc) => {
      const apiKey = property(doc, responseSchema(doc, 'getApiKey', '200'), 'data');
      apiKey.required = apiKey.required.filter((name: string) => name !== 'last_used_at');
    },
    forward: ['breaking response.property-made-optional'],
    reverse: ['compatible response.property-made-required'],
  },
  {
    name: 'a response type changed (counted_toward_quota: boolean → string)',
    group: 'rest of the contract',
    plant: (doc) => (property(doc, responseSchema(doc, 'getNotification', '200'), 'data.counted_toward_quota').type = 'string'),
    forward: ['breaking response.type-changed'],
    reverse: ['breaking response.type-changed'],
  },
  {
    name: 'a response type widened / narrowed (counted_toward_quota: boolean ↔ boolean|string)',
    group: 'rest of the contract',
    plant: (doc) => (property(doc, responseSchema(doc, 'getNotification', '200'), 'data.counted_toward_quota').type = ['boolean', 'string']),
    forward: ['breaking response.type-changed'],
    reverse: ['compatible response.type-narrowed'],
  },
  {
    name: 'nullability added to a response property (ApiKey `created_at`)',
    group: 'rest of the contract',
    plant: (doc) => {
      const apiKey = property(doc, responseSchema(doc, 'getApiKey', '200'), 'data');
      apiKey.properties.created_at = { oneOf: [apiKey.properties.created_at, { type: 'null' }] };
    },
    forward: ['breaking response.nullable-added'],
    reverse: ['compatible response.type-narrowed'],
  },
  {
    name: 'a response enum value added (ApiKey status `revoked`)',
    group: 'rest of the contract',
    plant: (doc) => property(doc, responseSchema(doc, 'getApiKey', '200'), 'data.status').enum.push('revoked'),
    forward: ['info response.value-added'],
    reverse: ['compatible response.value-removed'],
  },
  {
    name: 'a response const replaced (Notification status `queued` → `accepted`)',
    group: 'rest of the contract',
    plant: (doc) => (property(doc, responseSchema(doc, 'getNotification', '200'), 'data.status').enum = ['accepted']),
    forward: ['breaking response.value-replaced'],
    reverse: ['breaking response.value-replaced'],
  },
  {
    name: 'a response pattern and format changed (X-Request-Id pattern; Location format)',
    group: 'rest of the contract',
    plant: (doc) => {
      deref(doc, deref(doc, response(doc, 'ping', '200').headers['X-Request-Id']).schema).pattern = '^req_[0-9a-z]{24}$';
      deref(doc, response(doc, 'createApiKey', '201').headers.Location).schema.format = 'uri';
    },
    forward: ['info response.format-changed', 'info response.pattern-changed'],
    reverse: ['info response.format-changed', 'info response.pattern-changed'],
  },
  {
    name: 'a tagged response variant added (a fourth plan)',
    group: 'rest of the contract',
    plant: (doc) => {
      const plan = property(doc, responseSchema(doc, 'getUsage', '200'), 'data.plan');
      doc.components.schemas.ScalePlan = { ...structuredClone(deref(doc, plan.oneOf[2])), title: 'ScalePlan' };
      doc.components.schemas.ScalePlan.properties.name = { type: 'string', const: 'scale' };
      plan.oneOf.push({ $ref: '#/components/schemas/ScalePlan' });
      plan.discriminator.mapping.scale = '#/components/schemas/ScalePlan';
    },
    forward: ['info response.variant-added'],
    reverse: ['compatible response.variant-removed'],
  },
  {
    name: 'an untagged response shape added (usage `data` may also be a string)',
    group: 'rest of the contract',
    plant: (doc) => {
      const body = responseSchema(doc, 'getUsage', '200');
      body.properties.data = { oneOf: [body.properties.data, { type: 'string' }] };
    },
    forward: ['breaking response.type-changed'],
    reverse: ['compatible response.variant-removed'],
  },

  // ── compatible ────────────────────────────────────────────────────────────────────────────
  {
    name: 'an optional request property added (createApiKey `note`)',
    group: 'compatible',
    plant: (doc) => (requestSchema(doc, 'createApiKey').properties.note = { type: 'string', maxLength: 200 }),
    forward: ['compatible request.optional-property-added'],
    reverse: ['breaking request.property-removed'],
  },
  {
    name: 'a new operation (PATCH /api-keys/{key_id})',
    group: 'compatible',
    plant: (doc) => {
      doc.paths['/api-keys/{key_id}'].patch = { ...structuredClone(operation(doc, 'getApiKey')), operationId: 'updateApiKey' };
    },
    forward: ['compatible op.added'],
    reverse: ['breaking op.removed'],
  },
  {
    name: 'a new path (/status)',
    group: 'compatible',
    plant: (doc) => (doc.paths['/status'] = { get: { ...structuredClone(operation(doc, 'ping')), operationId: 'status' } }),
    forward: ['compatible path.added'],
    reverse: ['breaking path.removed'],
  },
  {
    name: 'a new server',
    group: 'compatible',
    plant: (doc) => doc.servers.push({ url: 'https://ap.api.herald.example/v1', description: 'AP region, production' }),
    forward: ['compatible server.added'],
    reverse: ['breaking server.removed'],
  },
  {
    name: 'descriptions and examples changed',
    group: 'compatible',
    plant: (doc) => {
      operation(doc, 'ping').description = 'Checks the key.';
      property(doc, responseSchema(doc, 'getApiKey', '200'), 'data.id').examples = ['key_000000000000000000000000'];
    },
    forward: [],
    reverse: [],
  },
];


function eachResponseHeaders(doc: Doc, visit: (headers: Doc) => void): void {
  const responses = [
    ...Object.values<Doc>(doc.components.responses),
    ...operations(doc).flatMap((op) => Object.values<Doc>(op.responses).filter((r) => !r.$ref)),
  ];
  for (const found of responses) if (found.headers) visit(found.headers);
}

function renameHeaderEverywhere(doc: Doc, from: string, to: string): void {
  eachResponseHeaders(doc, (headers) => {
    if (!(from in headers)) return;
    const entries = Object.entries(headers).map(([name, value]) => [name === from ? to : name, value]);
    for (const name of Object.keys(headers)) delete headers[name];
    Object.assign(headers, Object.fromEntries(entries));
  });
}

function removeHeaderEverywhere(doc: Doc, name: string): void {
  eachResponseHeaders(doc, (headers) => delete headers[name]);
}

describe('planted changes are classified in both directions', () => {
  it('plants at least 25 distinct changes across every group', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(new Set(CASES.map((c) => c.group))).toEqual(new Set(['authentication', 'errors', 'headers and parameters', 'key format', 'rest of the contract', 'compatible']));
  });

  describe.each(CASES)('$group: $name', (plantedCase) => {
    it('current → planted', () => {
      const findings = plantedFindings(plantedCase.plant);
      expect(findings.length).toBeGreaterThan(0);
      expect(classified(findings)).toEqual([...plantedCase.forward].sort());
      if (plantedCase.at) {
        const finding = findings.find((f) => f.rule === plantedCase.at!.rule);
        expect(finding?.pointer).toBe(plantedCase.at.pointer);
        expect(finding?.operations).toHaveLength(plantedCase.at.operations);
      }
    });

    it('planted → current', () => {
      const findings = plantedFindings(plantedCase.plant, 'reverse');
      expect(classified(findings)).toEqual([...plantedCase.reverse].sort());
    });
  });

  it('expects every rule of the catalogue in some case', () => {
    const expected = new Set(CASES.flatMap((c) => [...c.forward, ...c.reverse]).map((entry) => entry.split(' ')[1]));
    const documentation = RULES.filter((rule) => rule.group === 'documentation').map((rule) => rule.id);
    const missing = RULES.map((rule) => rule.id).filter((id) => !expected.has(id) && !documentation.includes(id));
    expect(missing).toEqual([]);
  });

  it('reports a change inside a shared component once, with every operation it reaches', () => {
    const findings = plantedFindings((doc) => (deref(doc, response(doc, 'ping', '200').headers['X-RateLimit-Limit']).schema.maximum = 1000));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.pointer).toBe(`${refOf(response(CURRENT, 'ping', '200').headers['X-RateLimit-Limit'])}/schema/maximum`);
    // The rate-limit headers follow an accepted key: every operation that takes one.
    const reaching = keyedOperations(CURRENT).length;
    expect(findings[0]!.operations).toHaveLength(reaching);
  });
});
