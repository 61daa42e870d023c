// dredd hooks for the Herald contract (CommonJS: package.json says "type": "module", and dredd
// loads hook files with require()).
//
// dredd sends one request per documented response, the same request each time. These hooks make
// every one of them real: each transaction is authenticated with a key the hooks created, and each
// documented error is turned into a request that actually produces it — or skipped with the
// reason. What to send is read from the spec (generated/openapi.json, the 3.1 bundle: the 3.0
// file dredd reads has lost each operation's scopes), never restated here.
//
// Configuration comes from the environment, set by `npm run dredd` (contract-tests/dredd/run.ts):
// HERALD_BASE_URL, HERALD_API_KEY, and optionally HERALD_INACTIVE_ACCOUNT_API_KEY, HERALD_MAX_BURST.
const { createPrivateKey, randomBytes, randomUUID, sign } = require('node:crypto');
const path = require('node:path');
const hooks = require('hooks');

const spec = require(path.join(__dirname, '..', '..', 'generated', 'openapi.json'));
const BASE_URL = (process.env.HERALD_BASE_URL || '').replace(/\/+$/, '');
const ROOT_KEY = process.env.HERALD_API_KEY || '';
const INACTIVE_KEY = process.env.HERALD_INACTIVE_ACCOUNT_API_KEY || '';
const TEST_CLOCK_URL = process.env.HERALD_TEST_CLOCK_URL || '';
const MAX_BURST = Number(process.env.HERALD_MAX_BURST || 1000);
// A leaked-key reporter the target trusts (optional): signs the reports of reportLeakedKeys.
const REPORTER_KEY_IDENTIFIER = process.env.HERALD_REPORTER_KEY_IDENTIFIER || '';
const REPORTER_PRIVATE_KEY = process.env.HERALD_REPORTER_PRIVATE_KEY || '';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// ---------------------------------------------------------------------------------------------
// The spec, read once.

function deref(node) {
  let current = node;
  while (current && typeof current.$ref === 'string') {
    current = current.$ref.slice(2).split('/').reduce((n, part) => n[part.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  }
  return current;
}

/** `/api-keys/{key_id} > Revoke an API key > 204` → the operation and the status it documents. */
function describeTransaction(transaction) {
  const [pathTemplate, , status] = transaction.name.split(' > ');
  const method = transaction.request.method.toLowerCase();
  const item = deref(spec.paths[pathTemplate]);
  const operation = item && item[method];
  const params = [...(item.parameters || []), ...((operation && operation.parameters) || [])].map(deref);
  const security = (operation && operation.security) || spec.security || [];
  const scopes = [...new Set(security.flatMap((req) => Object.values(req).flat()))];
  return { pathTemplate, method, status: Number(status), operation, params, scopes };
}

/** The documented example of `code` in the operation's response for `status`. */
function exampleOf(operation, status, code) {
  const response = deref(operation.responses[String(status)]);
  for (const media of Object.values(response.content || {})) {
    for (const example of Object.values(media.examples || {})) {
      const value = deref(example).value;
      if (value && value.code === code) return value;
    }
  }
  return undefined;
}

function requestExamples(operation) {
  const body = deref(operation.requestBody);
  const media = body && body.content && body.content['application/json'];
  if (!media) return [];
  return Object.values(media.examples || {}).map((e) => freshen(deref(e).value));
}

// Examples are written once and age: a timestamp that has passed (an `expires_at` that must be
// in the future) is moved a year ahead, as the suite does.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
function freshen(value) {
  if (typeof value === 'string' && TIMESTAMP.test(value) && Date.parse(value) < Date.now() + 86_400_000) {
    return new Date(Date.now() + 365 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  if (Array.isArray(value)) return value.map(freshen);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, freshen(v)]));
  return value;
}

function freshenBody(transaction) {
  if (!transaction.request.body) return;
  try {
    transaction.request.body = JSON.stringify(freshen(JSON.parse(transaction.request.body)));
  } catch {
    // Not JSON: leave it as dredd built it.
  }
}

const allScopes = deref(spec.components.schemas.Scope).enum;

// The credential headers, from the security schemes: `Authorization` (with the scheme word the
// spec names for its apiKey scheme there) and the header that carries the bare key.
const securitySchemes = Object.values(spec.components.securitySchemes).map(deref);
const CREDENTIAL_HEADERS = [...new Set(securitySchemes.map((s) => (s.type === 'http' ? 'Authorization' : s.name)))];
const AUTHORIZATION_SCHEME = securitySchemes.map((s) => s['x-herald-authorization-scheme']).find(Boolean);
const BARE_KEY_HEADER = securitySchemes.find((s) => s.type === 'apiKey' && s.name.toLowerCase() !== 'authorization').name;
// The header parameter whose schema is IdempotencyKey (each POST declares its own, with its own example).
const IDEMPOTENCY_KEY_HEADER = Object.values(spec.paths)
  .flatMap((item) => Object.values(item).filter((op) => op && Array.isArray(op.parameters)))
  .flatMap((op) => op.parameters.map(deref))
  .find((p) => p.in === 'header' && p.schema && p.schema.$ref === '#/components/schemas/IdempotencyKey').name;

// ---------------------------------------------------------------------------------------------
// HTTP, for the setup the transactions need.

async function call(method, pathAndQuery, key, body, extraHeaders = {}) {
  const headers = { Accept: 'application/json', ...extraHeaders };
  if (key) headers.Authorization = `${AUTHORIZATION_SCHEME} ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${BASE_URL}${pathAndQuery}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: response.status, headers: response.headers, json };
}

const state = { worker: undefined, created: [], shared: {}, exhausted: undefined, exhaustedReason: undefined, restricted: new Map() };

async function createKey(creator, body) {
  const reply = await call('POST', '/api-keys', creator, body);
  if (reply.status !== 201) throw new Error(`dredd hooks: creating a key answered ${reply.status} ${reply.json && reply.json.code}`);
  state.created.push({ id: reply.json.data.id, secret: reply.json.data.secret });
  return reply.json.data;
}

function keyName(purpose) {
  return `herald-dredd ${purpose}`;
}

/** A resource for a path parameter: the operation whose success body's `data.id` has its schema creates it. */
/** The `$ref` of a schema's `id` property, looking through `allOf` (a resource shown with its secret). */
function idRefOf(schema) {
  if (!schema) return undefined;
  const id = schema.properties && schema.properties.id;
  if (id && id.$ref) return id.$ref;
  for (const part of schema.allOf || []) {
    const found = idRefOf(deref(part));
    if (found) return found;
  }
  return undefined;
}

async function resourceFor(param, fresh) {
  const schemaName = param.schema && param.schema.$ref && param.schema.$ref.split('/').pop();
  const schema = schemaName;
  if (!fresh && state.shared[schema]) return state.shared[schema];
  let id;
  if (schema === 'KeyId') {
    id = (await createKey(state.worker, { name: keyName('path parameter') })).id;
  } else {
    const [creatorPath, creator] = Object.entries(spec.paths).map(([p, item]) => [p, deref(item).post]).find(([p, post]) => {
      if (!post || p.includes('{')) return false;
      const success = Object.entries(post.responses).find(([s]) => s.startsWith('2'));
      const content = success && deref(success[1]).content;
      const schema = content && content['application/json'] && deref(content['application/json'].schema);
      const data = schema && schema.properties && schema.properties.data;
      const ref = data && idRefOf(deref(data));
      return ref !== undefined && ref.endsWith(`/${schemaName}`);
    }) || [];
    if (!creator) throw new Error(`dredd hooks: no operation creates a ${schema}`);
    const reply = await call('POST', creatorPath, state.worker, requestExamples(creator)[0]);
    id = reply.json && reply.json.data && reply.json.data.id;
    if (!id) throw new Error(`dredd hooks: creating a ${schema} answered ${reply.status}`);
  }
  if (!fresh) state.shared[schema] = id;
  return id;
}

/** A well-formed id nothing has: the example's prefix and 24 random base62 characters. */
function unknownIdLike(example) {
  const prefix = String(example).split('_')[0];
  let body = '';
  for (const byte of randomBytes(24)) body += BASE62[byte % 62];
  return `${prefix}_${body}`;
}

/** A key whose rate limit is spent for the current window: created, then pinged past its limit. */
async function exhaustedKey() {
  if (state.exhausted || state.exhaustedReason) return state.exhausted;
  const key = (await createKey(state.worker, { name: keyName('rate limit spent') })).secret;
  const first = await call('GET', '/ping', key);
  const remaining = Number(first.headers.get('x-ratelimit-remaining'));
  if (!Number.isInteger(remaining)) throw new Error('dredd hooks: ping did not report X-RateLimit-Remaining');
  if (remaining + 1 > MAX_BURST) {
    state.exhaustedReason = `reaching the rate limit takes ${remaining + 1} requests, more than HERALD_MAX_BURST ${MAX_BURST}`;
    return undefined;
  }
  for (let sent = 0; sent < remaining; sent += 16) {
    await Promise.all(Array.from({ length: Math.min(16, remaining - sent) }, () => call('GET', '/ping', key)));
  }
  state.exhausted = key;
  return key;
}

/**
 * Inactive accounts sit on the smallest plan (a few requests a minute), so a run shortly after
 * another may find the key's window spent. With the deployment's test clock, start a new window;
 * that also ends the spent window of the rate-limited key, which is then made again when needed.
 */
async function freshWindow() {
  if (!TEST_CLOCK_URL) return;
  const response = await fetch(TEST_CLOCK_URL, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ advance_seconds: 61 }) });
  if (!response.ok) throw new Error(`dredd hooks: the test clock refused to advance (${response.status})`);
  state.exhausted = undefined;
}

/** A key holding every scope except those the operation needs (undefined when it needs none). */
async function keyLacking(scopes) {
  if (scopes.length === 0) return undefined;
  const others = allScopes.filter((s) => !scopes.includes(s));
  if (others.length === 0) return undefined;
  const cacheKey = others.join(' ');
  if (!state.restricted.has(cacheKey)) state.restricted.set(cacheKey, (await createKey(state.worker, { name: keyName(`without ${scopes.join(' ')}`), scopes: others })).secret);
  return state.restricted.get(cacheKey);
}

// ---------------------------------------------------------------------------------------------
// Each transaction: authenticate it, then make its documented status real.

function setCredential(transaction, key, header = 'Authorization') {
  for (const name of Object.keys(transaction.request.headers)) {
    if (CREDENTIAL_HEADERS.some((h) => h.toLowerCase() === name.toLowerCase())) delete transaction.request.headers[name];
  }
  if (key) transaction.request.headers[header] = header === 'Authorization' ? `${AUTHORIZATION_SCHEME} ${key}` : key;
}

function setPath(transaction, pathTemplate, values) {
  const query = transaction.request.uri.includes('?') ? transaction.request.uri.slice(transaction.request.uri.indexOf('?')) : '';
  const uri = pathTemplate.replace(/\{([^}]+)\}/g, (_, name) => encodeURIComponent(values[name])) + query;
  transaction.fullPath = transaction.fullPath.slice(0, transaction.fullPath.length - transaction.request.uri.length) + uri;
  transaction.request.uri = uri;
}

function expectProblem(transaction, info, code) {
  const example = exampleOf(info.operation, info.status, code);
  if (example) transaction.expected.body = JSON.stringify(example);
}

function skip(transaction, reason) {
  transaction.skip = true;
  hooks.log(`skipping ${transaction.name}: ${reason}`);
}

/** dredd expects every documented header; the spec makes some optional (Idempotent-Replayed). */
function expectOnlyRequiredHeaders(transaction, info) {
  const response = deref(info.operation.responses[String(info.status)]);
  const documented = Object.entries(response.headers || {}).map(([name, header]) => [name.toLowerCase(), deref(header).required === true]);
  for (const name of Object.keys(transaction.expected.headers || {})) {
    const entry = documented.find(([n]) => n === name.toLowerCase());
    if (entry && !entry[1]) delete transaction.expected.headers[name];
  }
}

/** The body limit the spec states (x-herald-max-body-bytes on its 413 response). */
function bodyLimit(info) {
  const own = deref(info.operation.responses['413'])['x-herald-max-body-bytes'];
  const shared = Object.values(spec.components.responses).map(deref).map((r) => r['x-herald-max-body-bytes']).find(Number.isInteger);
  const limit = Number.isInteger(own) ? own : shared;
  if (!Number.isInteger(limit)) throw new Error('the spec states no x-herald-max-body-bytes');
  return limit;
}

/**
 * An operation without a key (`security: []`): the leaked-key report, authenticated by the
 * reporter's signature over the raw body, in the headers the operation declares.
 */
function prepareKeyless(transaction, info) {
  setCredential(transaction, undefined);
  const [identifierHeader, signatureHeader] = info.params.filter((p) => p.in === 'header').map((p) => p.name);
  const signWithReporter = () => {
    const key = REPORTER_PRIVATE_KEY.includes('BEGIN') ? createPrivateKey(REPORTER_PRIVATE_KEY) : createPrivateKey({ key: Buffer.from(REPORTER_PRIVATE_KEY, 'base64'), format: 'der', type: 'pkcs8' });
    transaction.request.headers[identifierHeader] = REPORTER_KEY_IDENTIFIER;
    transaction.request.headers[signatureHeader] = sign('sha256', Buffer.from(transaction.request.body), key).toString('base64');
  };
  const reporter = REPORTER_KEY_IDENTIFIER && REPORTER_PRIVATE_KEY;
  switch (info.status) {
    case 200:
      if (!reporter) return skip(transaction, 'HERALD_REPORTER_KEY_IDENTIFIER and HERALD_REPORTER_PRIVATE_KEY are not set (a reporter the target trusts)');
      return signWithReporter();
    case 400:
      if (!reporter) return skip(transaction, 'HERALD_REPORTER_KEY_IDENTIFIER and HERALD_REPORTER_PRIVATE_KEY are not set (a reporter the target trusts)');
      transaction.request.body = JSON.stringify({ token: 'not an array of matches' });
      signWithReporter();
      return expectProblem(transaction, info, 'validation_failed');
    case 401:
      // The spec's example headers: GitHub's key identifier, which this target does not trust.
      return expectProblem(transaction, info, 'invalid_report_signature');
    case 413:
      transaction.request.body = JSON.stringify([{ token: 'x'.repeat(bodyLimit(info)), type: 'padding' }]);
      return expectProblem(transaction, info, 'payload_too_large');
    case 415:
      transaction.request.headers['Content-Type'] = 'text/plain';
      return expectProblem(transaction, info, 'unsupported_media_type');
    case 500:
      return skip(transaction, 'no request can make a conforming server fail; the spec documents 500 for deployments that do');
    default:
      return skip(transaction, `the hooks do not know how to produce ${info.status} without a key`);
  }
}

async function prepare(transaction) {
  const info = describeTransaction(transaction);
  if (info.operation && Array.isArray(info.operation.security) && info.operation.security.length === 0) {
    expectOnlyRequiredHeaders(transaction, info);
    return prepareKeyless(transaction, info);
  }
  const { status, params, pathTemplate } = info;
  expectOnlyRequiredHeaders(transaction, info);
  freshenBody(transaction);
  // Idempotency keys from the spec's example would collide across transactions: one each.
  for (const name of Object.keys(transaction.request.headers)) {
    if (name.toLowerCase() === IDEMPOTENCY_KEY_HEADER.toLowerCase()) transaction.request.headers[name] = randomUUID();
  }
  setCredential(transaction, state.worker);
  const pathParams = params.filter((p) => p.in === 'path');
  const destroys = info.method !== 'get';
  const values = {};
  for (const param of pathParams) values[param.name] = await resourceFor(param, destroys && status < 300);
  if (pathParams.length > 0) setPath(transaction, pathTemplate, values);

  if (status >= 200 && status < 300) return;
  switch (status) {
    case 400:
      // Two credentials are refused before anything else, on every operation.
      transaction.request.headers[BARE_KEY_HEADER] = state.worker;
      return expectProblem(transaction, info, 'ambiguous_credentials');
    case 401:
      setCredential(transaction, undefined);
      return expectProblem(transaction, info, 'missing_api_key');
    case 403: {
      const lacking = await keyLacking(info.scopes);
      if (lacking) {
        setCredential(transaction, lacking);
        return expectProblem(transaction, info, 'insufficient_permissions');
      }
      if (!INACTIVE_KEY) return skip(transaction, 'the operation needs no scope, so only an inactive account gets 403, and HERALD_INACTIVE_ACCOUNT_API_KEY is not set');
      await freshWindow();
      setCredential(transaction, INACTIVE_KEY);
      return expectProblem(transaction, info, 'account_inactive');
    }
    case 404:
      setPath(transaction, pathTemplate, Object.fromEntries(pathParams.map((p) => [p.name, unknownIdLike(p.example || values[p.name])])));
      return expectProblem(transaction, info, 'not_found');
    case 413: {
      const limit = bodyLimit(info);
      transaction.request.body = JSON.stringify({ padding: 'x'.repeat(limit) });
      transaction.request.headers['Content-Type'] = 'application/json';
      return expectProblem(transaction, info, 'payload_too_large');
    }
    case 415:
      transaction.request.headers['Content-Type'] = 'text/plain';
      return expectProblem(transaction, info, 'unsupported_media_type');
    case 422: {
      // The same Idempotency-Key, first with another (valid) body: the transaction's body is then a reuse.
      const examples = requestExamples(info.operation);
      const other = examples.find((e) => JSON.stringify(e) !== transaction.request.body) || {};
      const idempotencyKey = randomUUID();
      const uri = transaction.request.uri;
      const first = await call(info.method.toUpperCase(), uri, state.worker, other, { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey });
      if (first.status >= 300) throw new Error(`dredd hooks: the request before the 422 answered ${first.status}`);
      if (first.json && first.json.data && first.json.data.secret && !pathParams.length) state.created.push({ id: first.json.data.id, secret: first.json.data.secret });
      transaction.request.headers[IDEMPOTENCY_KEY_HEADER] = idempotencyKey;
      return expectProblem(transaction, info, 'idempotency_key_reused');
    }
    case 429: {
      const key = await exhaustedKey();
      if (!key) return skip(transaction, state.exhaustedReason);
      setCredential(transaction, key);
      return expectProblem(transaction, info, 'rate_limit_exceeded');
    }
    case 500:
      return skip(transaction, 'no request can make a conforming server fail; the spec documents 500 for deployments that do');
    default:
      return skip(transaction, `the hooks do not know how to produce ${status}`);
  }
}

hooks.beforeAll((transactions, done) => {
  if (!BASE_URL || !ROOT_KEY) {
    hooks.log('HERALD_BASE_URL and HERALD_API_KEY must be set');
    done();
    return;
  }
  createKey(ROOT_KEY, { name: keyName('worker') }).then((worker) => {
    state.worker = worker.secret;
    done();
  }, (error) => {
    hooks.log(String(error.message));
    done();
  });
});

hooks.beforeEach((transaction, done) => {
  prepare(transaction).then(() => done(), (error) => {
    transaction.fail = String(error.message);
    done();
  });
});

// dredd compares Content-Type as an exact string, so `application/json; charset=utf-8` would not
// match `application/json`. Parameters are not part of the documented media type: when the media
// types agree, expect the full value that came back.
hooks.beforeEachValidation((transaction) => {
  const expected = transaction.expected.headers || {};
  const realHeaders = (transaction.real && transaction.real.headers) || {};
  const name = Object.keys(expected).find((h) => h.toLowerCase() === 'content-type');
  const real = realHeaders['content-type'];
  if (name && typeof real === 'string' && real.split(';')[0].trim().toLowerCase() === String(expected[name]).toLowerCase()) {
    expected[name] = real;
  }
});

hooks.afterAll((transactions, done) => {
  // Revoke everything the hooks created, the worker key last (it revokes itself).
  const worker = state.worker;
  const others = state.created.filter((k) => k.secret !== worker);
  const me = state.created.find((k) => k.secret === worker);
  Promise.all(others.map((k) => call('DELETE', `/api-keys/${k.id}`, worker)))
    .then(() => (me ? call('DELETE', `/api-keys/${me.id}`, worker) : undefined))
    .then(() => done(), () => done());
});
