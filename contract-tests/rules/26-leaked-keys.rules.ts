import { createHash, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { expectProblem, expectSuccess, requireSuccess } from '../src/harness/expect.ts';
import { unknownWellFormedKey } from '../src/harness/key-material.ts';
import { freshKey, ping, revokeKey } from '../src/harness/key-operations.ts';
import { scenario, type Scenario } from '../src/harness/scenario.ts';
import { getSession, NEEDS } from '../src/harness/session.ts';
import { credentialHeader } from '../src/spec/contract.ts';
import { safeKeyId } from '../src/harness/webhook-receiver.ts';

/**
 * Leaked-key reports as GitHub's secret scanning partner program sends them: a JSON array of
 * matches, signed with ECDSA P-256 / SHA-256 over the raw body (base64 DER signature), the key
 * named by its identifier. Refusals need nothing; the rest needs a reporter the target trusts
 * (`HERALD_REPORTER_KEY_IDENTIFIER`, `HERALD_REPORTER_PRIVATE_KEY`) and is skipped without one.
 */
export default function leakedKeyRules(): void {
  const contract = getSession().contract;
  if (!contract.operations.some((op) => op.id === 'reportLeakedKeys')) return;
  const reportOp = contract.operation('reportLeakedKeys');
  const [identifierHeader, signatureHeader] = reportOp.parameters.filter((p) => p.in === 'header').map((p) => p.name);
  const TYPE = 'herald_api_key';
  const FOUND_AT = 'https://github.com/herald-contract-suite/leak/blob/0000000/.env';

  function reporterKey(): KeyObject {
    const text = getSession().config.reporterPrivateKey as string;
    return text.includes('BEGIN') ? createPrivateKey(text) : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
  }
  const signWith = (key: KeyObject, body: string) => sign('sha256', Buffer.from(body), key).toString('base64');
  const reportBody = (tokens: string[], source = 'content') => JSON.stringify(tokens.map((token) => ({ token, type: TYPE, url: FOUND_AT, source })));
  const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

  function send(s: Scenario, body: string, headers: Array<[string, string]>, contentType = 'application/json') {
    return s.send({ op: reportOp, auth: null, headers, rawBody: body, contentType });
  }
  function signed(s: Scenario, body: string) {
    return send(s, body, [[identifierHeader, s.session.config.reporterKeyIdentifier ?? ''], [signatureHeader, signWith(reporterKey(), body)]]);
  }

  scenario(['leaks.signature-required', 'errors.payload-too-large', 'errors.unsupported-media-type'], 'reports that are not signed by a trusted reporter change nothing', async (s: Scenario) => {
    const { key } = await freshKey(s, 'reported without a valid signature', {}, 1);
    const body = reportBody([key.secret]);
    const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const cases: Array<[string, string, Array<[string, string]>]> = [
      ['without signature headers', body, []],
      ['with an unknown key identifier', body, [[identifierHeader, 'f'.repeat(64)], [signatureHeader, signWith(stranger, body)]]],
    ];
    const trusted = s.session.config.reporterKeyIdentifier;
    if (trusted && s.session.config.reporterPrivateKey) {
      cases.push(['signed by another key under the trusted identifier', body, [[identifierHeader, trusted], [signatureHeader, signWith(stranger, body)]]]);
      cases.push(['altered after signing', body.replace('"content"', '"commit"'), [[identifierHeader, trusted], [signatureHeader, signWith(reporterKey(), body)]]]);
      cases.push(['with a signature that is not base64 DER', body, [[identifierHeader, trusted], [signatureHeader, 'bm90IGEgc2lnbmF0dXJl']]]);
    } else s.skipRule('leaks.signature-required', `only unsigned reports and unknown identifiers were tried: ${NEEDS.reporter.reason}`);
    for (const [what, sent, headers] of cases) {
      expectProblem(s, 'leaks.signature-required', await send(s, sent, headers), 'invalid_report_signature', `a report ${what}`);
    }
    expectProblem(s, 'errors.unsupported-media-type', await send(s, body, [], 'text/plain'), 'unsupported_media_type', 'a report sent as text/plain');
    const limit = contract.payloadLimitBytes;
    if (limit) expectProblem(s, 'errors.payload-too-large', await send(s, `[${' '.repeat(limit)}]`, []), 'payload_too_large', `a report of more than ${limit} bytes`);
    expectSuccess(s, 'leaks.signature-required', await ping(s, key.secret), contract.operation('ping'), 'the key named in the refused reports still works');
  });

  scenario(['leaks.revoke-at-once', 'leaks.idempotent', 'webhooks.events'], 'a signed report of a live key revokes it at once', async (s: Scenario) => {
    const createOp = contract.operation('createWebhookEndpoint');
    const receiver = await s.session.receiver();
    const inbox = receiver.inbox();
    const endpoint = await s.send({ op: createOp, auth: { key: s.session.config.apiKey }, json: { url: inbox.url, events: ['api_key.revoked', 'api_key.exposed'] } });
    requireSuccess(s, 'webhooks.events', endpoint, createOp, 'register the receiver for api_key.revoked and api_key.exposed');
    const endpointId = endpoint.data<{ id: string }>()!.id;
    try {
      const { key } = await freshKey(s, 'leaked', {}, 1);
      const body = reportBody([key.secret]);
      const first = await signed(s, body);
      if (!expectSuccess(s, 'leaks.revoke-at-once', first, reportOp, 'a signed report of a live key')) return;
      s.check('leaks.revoke-at-once', isDeepStrictEqual(first.json, [{ token_hash: sha256(key.secret), token_type: TYPE, label: 'true_positive' }]),
        `the answer should label the key true_positive by its SHA-256, got ${first.body.slice(0, 300)}`, first);
      s.check('leaks.revoke-at-once', !first.body.includes(key.secret), 'the answer must never carry the raw token', first);
      for (const form of contract.credentialForms) {
        const reply = await s.send({ op: contract.operation('ping'), auth: { headers: [credentialHeader(form, key.secret)], presented: [key.secret] } });
        expectProblem(s, 'leaks.revoke-at-once', reply, 'revoked_api_key', `the reported key in ${form.header}${form.authScheme ? ` ${form.authScheme}` : ''}, right after the report was answered`);
      }
      s.session.pool().markRevoked(key.id);
      const again = await signed(s, body);
      if (expectSuccess(s, 'leaks.idempotent', again, reportOp, 'the same report again')) {
        s.check('leaks.idempotent', isDeepStrictEqual(again.json, first.json), `a repeated report should get the same answer; got ${again.body.slice(0, 300)}`, again);
      }
      const received = (await receiver.waitUntil(inbox.path, (list) => list.filter((d) => safeKeyId(d) === key.id).length >= 2, 15_000)).filter((d) => safeKeyId(d) === key.id);
      const bodies = received.map((d) => JSON.parse(d.body) as { type: string; data: Record<string, unknown> });
      const exposed = bodies.find((b) => b.type === 'api_key.exposed');
      s.check('webhooks.events', exposed !== undefined && exposed.data.url === FOUND_AT && exposed.data.source === 'content',
        `api_key.exposed should name where the key was found (${FOUND_AT}, content); got ${JSON.stringify(exposed?.data ?? bodies.map((b) => b.type))}`);
      const revoked = bodies.find((b) => b.type === 'api_key.revoked');
      s.check('webhooks.events', revoked?.data.reason === 'exposed', `api_key.revoked on a report should say reason "exposed", got ${JSON.stringify(revoked?.data.reason)}`);
      s.check('leaks.idempotent', bodies.length === 2, `the repeated report should send no second pair of events; ${bodies.length} events arrived about the key`);
    } finally {
      await s.send({ op: contract.operation('deleteWebhookEndpoint'), auth: { key: s.session.config.apiKey }, pathParams: { endpoint_id: endpointId } });
      s.session.webhookEndpoints.delete(endpointId);
    }
  }, { needs: [NEEDS.reporter] });

  scenario(['leaks.false-positive', 'errors.validation-failed'], 'what is not a live key is a false positive', async (s: Scenario) => {
    const { worker, key: revoked } = await freshKey(s, 'revoked before its report', {}, 3);
    requireSuccess(s, 'leaks.false-positive', await revokeKey(s, worker, revoked.id), contract.operation('revokeApiKey'), 'revoke a key to report');
    s.session.pool().markRevoked(revoked.id);
    const bystander = await s.session.pool().create(s, { creator: worker, body: { name: s.session.keyName('bystander of a report') } });
    const tokens = [revoked.secret, unknownWellFormedKey(contract.keyFormat), 'hk_test_tooShort', bystander.secret.slice(0, -1) + (bystander.secret.endsWith('A') ? 'B' : 'A')];
    const reply = await signed(s, reportBody(tokens, 'npm'));
    if (expectSuccess(s, 'leaks.false-positive', reply, reportOp, 'a report of tokens that are not live keys')) {
      const labels = (reply.json as Array<{ token_hash?: string; label?: string }>) ?? [];
      s.check('leaks.false-positive', labels.length === tokens.length && labels.every((l, i) => l.label === 'false_positive' && l.token_hash === sha256(tokens[i])),
        `each should be labelled false_positive by its SHA-256, in order; got ${reply.body.slice(0, 400)}`, reply);
    }
    expectSuccess(s, 'leaks.false-positive', await ping(s, bystander.secret), contract.operation('ping'), 'a key one character away from a reported token still works');
    expectProblem(s, 'errors.validation-failed', await signed(s, JSON.stringify({ token: bystander.secret })), 'validation_failed', 'a signed report that is an object, not an array of matches');
    expectSuccess(s, 'leaks.false-positive', await ping(s, bystander.secret), contract.operation('ping'), 'the key named in a malformed report still works');
  }, { needs: [NEEDS.reporter] });
}
