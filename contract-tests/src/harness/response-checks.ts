import type { Contract } from '../spec/contract.ts';
import type { ResponseSpec } from '../spec/operations.ts';
import { rateLimitInconsistencies, readRateLimit } from './rate-limit-headers.ts';
import type { Reply } from './reply.ts';
import type { Scenario } from './scenario.ts';

/** Codes that say the credential was not accepted: the response then carries no rate-limit headers. */
const CREDENTIAL_REFUSALS = new Set(['missing_api_key', 'invalid_api_key', 'expired_api_key', 'revoked_api_key', 'ambiguous_credentials', 'authentication_throttled']);

export function credentialAccepted(reply: Reply): boolean {
  if (reply.presented.length === 0) return false;
  if (reply.status === 401) return false;
  const code = reply.problemCode;
  return !(code && CREDENTIAL_REFUSALS.has(code));
}

/**
 * The checks every response gets, whatever the scenario that caused it: what Schemathesis checks
 * on every response (no 5xx, documented status, content type, headers, body), plus Herald's own
 * (problem details, request id, no echoed or re-shown secret, rate-limit headers).
 */
export function checkEveryResponse(s: Scenario, reply: Reply): void {
  const contract = s.session.contract;
  if (!s.check('responses.answered', reply.answered, `${reply.label}: ${reply.exchange.failure}`, reply)) return;

  s.check('responses.no-server-error', reply.status < 500, `${reply.label} answered ${reply.summary}`, reply);
  checkRequestId(s, reply, contract);
  checkSecrets(s, reply);

  const op = reply.op;
  if (!op) return;
  const documented = op.responses.get(String(reply.status)) ?? op.responses.get(`${String(reply.status)[0]}XX`) ?? op.responses.get('default');
  if (!s.check('responses.documented-status', documented !== undefined,
    `${op.id} does not document ${reply.status} (documents ${[...op.responses.keys()].join(', ')})`, reply)) return;
  checkContentAndBody(s, reply, documented!, contract);
  checkHeaders(s, reply, documented!, contract);
  checkProblem(s, reply, documented!, contract);

  if (credentialAccepted(reply) && s.enabled('rate-limit.headers-present')) {
    const names = contract.headers;
    const wanted = [names.rateLimitPolicy, names.rateLimit, names.rateLimitLimit, names.rateLimitRemaining, names.rateLimitReset];
    const missing = wanted.filter((h) => reply.header(h) === undefined);
    if (s.check('rate-limit.headers-present', missing.length === 0, `${reply.label} → ${reply.summary} accepted the key but lacks ${missing.join(', ')}`, reply)) {
      const problems = rateLimitInconsistencies(readRateLimit(reply, names));
      s.check('rate-limit.headers-consistent', problems.length === 0, `${reply.label}: ${problems.join('; ')}`, reply);
    }
  }
}

function checkContentAndBody(s: Scenario, reply: Reply, documented: ResponseSpec, contract: Contract): void {
  const media = reply.mediaType;
  if (documented.content.size === 0) {
    s.check('responses.content-type', reply.body === '', `${reply.label} → ${reply.status} documents no body but got ${reply.body.length} bytes${media ? ` of ${media}` : ''}`, reply);
    return;
  }
  const schemaPointer = media ? documented.content.get(media) : undefined;
  if (!s.check('responses.content-type', schemaPointer !== undefined,
    `${reply.label} → ${reply.status} has content type ${media ?? '(none)'}; documented: ${[...documented.content.keys()].join(', ')}`, reply)) return;
  if (!reply.isJson) {
    s.check('responses.body-schema', false, `${reply.label} → ${reply.status}: the body is not JSON`, reply);
    return;
  }
  const errors = contract.validator.validate(schemaPointer!, reply.json);
  s.check('responses.body-schema', errors.length === 0, `${reply.label} → ${reply.summary}: body breaks the schema: ${errors.join('; ')}`, reply);
}

function checkHeaders(s: Scenario, reply: Reply, documented: ResponseSpec, contract: Contract): void {
  for (const header of documented.headers) {
    const value = reply.header(header.name);
    if (header.required) {
      s.check('responses.required-headers', value !== undefined, `${reply.label} → ${reply.summary} lacks the required header ${header.name}`, reply);
    }
    if (value === undefined) continue;
    const typed = header.type === 'integer' || header.type === 'number' ? (/^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value.trim()) : value) : value;
    const errors = contract.validator.validate(header.schemaPointer, typed);
    s.check('responses.header-schema', errors.length === 0, `${reply.label} → ${reply.summary}: header ${header.name}: ${JSON.stringify(value)} ${errors.join('; ')}`, reply);
  }
}

function checkProblem(s: Scenario, reply: Reply, documented: ResponseSpec, contract: Contract): void {
  const code = reply.problemCode;
  if (!code || reply.status < 400) return;
  const problem = contract.problems.get(code);
  const json = reply.json as Record<string, unknown>;
  const issues: string[] = [];
  if (!problem) issues.push(`code ${code} is not in the spec's closed list`);
  else {
    if (problem.status !== reply.status) issues.push(`${code} is a ${problem.status} in the spec, answered with ${reply.status}`);
    if (json.status !== reply.status) issues.push(`body status ${JSON.stringify(json.status)} differs from the HTTP status ${reply.status}`);
    if (problem.type !== undefined && json.type !== problem.type) issues.push(`type ${JSON.stringify(json.type)} should be ${problem.type}`);
    if (problem.title !== undefined && json.title !== problem.title) issues.push(`title ${JSON.stringify(json.title)} should be ${JSON.stringify(problem.title)}`);
    if (!documented.problemCodes.includes(code)) issues.push(`${reply.op?.id}'s ${reply.status} response does not list ${code}`);
    // The spec's detail is "what went wrong with this request, for people": an empty one says nothing.
    if (typeof json.detail === 'string' && json.detail.trim() === '') issues.push('detail is empty: it should say what went wrong');
  }
  s.check('errors.problem-details', issues.length === 0, `${reply.label} → ${reply.summary}: ${issues.join('; ')}`, reply);
  if (typeof json.request_id === 'string' || reply.header(contract.headers.requestId) !== undefined) {
    s.check('request-id.problem-matches', json.request_id === reply.header(contract.headers.requestId),
      `${reply.label}: request_id ${JSON.stringify(json.request_id)} but ${contract.headers.requestId} ${JSON.stringify(reply.header(contract.headers.requestId))}`, reply);
  }
}

function checkRequestId(s: Scenario, reply: Reply, contract: Contract): void {
  const name = contract.headers.requestId;
  const value = reply.header(name);
  const errors = value === undefined ? [`no ${name} header`] : contract.validator.validate(contract.headerSchemas.get(name.toLowerCase())!, value);
  if (s.check('request-id.present', errors.length === 0, `${reply.label} → ${reply.summary}: ${errors.join('; ')}${value ? ` (${JSON.stringify(value)})` : ''}`, reply) && value) {
    s.ledger.requestIds.push(value);
  }
}

function checkSecrets(s: Scenario, reply: Reply): void {
  const response = reply.exchange.response!;
  const everything = `${Object.values(response.headers).join('\n')}\n${response.body}`;
  const presented = reply.presented.filter((key) => key.trim().length >= 12);
  if (presented.length > 0) {
    const echoed = presented.some((key) => everything.includes(key.trim()));
    s.check('secrets.no-echo', !echoed, `${reply.label} → ${reply.summary} echoes the key it was sent`, reply);
  }
  s.session.secrets.checkResponse(s, reply, everything);
}
