import { randomUUID } from 'node:crypto';
import { checkChallenge, expectProblem, expectSuccess } from '../src/harness/expect.ts';
import { malformedVariants, singleFaultKeys, unknownWellFormedKey } from '../src/harness/key-material.ts';
import { ping } from '../src/harness/key-operations.ts';
import { scenario, type Scenario, type SendOptions } from '../src/harness/scenario.ts';
import { getSession, NEEDS } from '../src/harness/session.ts';
import type { StatsReading } from '../src/harness/stats.ts';
import { credentialHeader, type CredentialForm } from '../src/spec/contract.ts';

/**
 * The auth matrix: every operation that needs a key, each way a credential can be right or
 * wrong. The operations come from the spec, so a new operation joins the matrix by itself.
 */
export default function authRules(): void {
  const contract = getSession().contract;

  /** Schemes of the IANA HTTP Authentication Scheme Registry, for look-alikes of the accepted ones. */
  const REGISTERED_SCHEMES = ['Basic', 'Bearer', 'Digest', 'DPoP', 'GNAP', 'HOBA', 'Mutual', 'Negotiate', 'OAuth', 'PrivateToken', 'SCRAM-SHA-1', 'SCRAM-SHA-256', 'vapid'];
  /** Ordinary request headers, for look-alikes of the credential headers' names. */
  const ORDINARY_HEADERS: Array<[string, string]> = [
    ['Cache-Control', 'no-cache'], ['If-None-Match', '"x"'], ['Forwarded', 'for=192.0.2.60'], ['Accept-Language', 'en'],
    ['User-Agent', 'herald-contract'], ['Traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'], ['Pragma', 'no-cache'],
  ];

  /** An unsupported scheme word as long as `accepted` (so only the word itself tells them apart). */
  function lookAlikeScheme(accepted: string): string {
    const taken = contract.credentialForms.map((f) => f.authScheme?.toLowerCase());
    return REGISTERED_SCHEMES.find((s) => s.length === accepted.length && !taken.includes(s.toLowerCase())) ?? 'X'.repeat(accepted.length);
  }

  /** A harmless header whose name is as long as `name`, and the credential header names' own. */
  function lookAlikeHeader(name: string): [string, string] {
    return ORDINARY_HEADERS.find(([n]) => n.length === name.length && n.toLowerCase() !== name.toLowerCase()) ?? [`X-${'a'.repeat(Math.max(1, name.length - 2))}`, '1'];
  }

  for (const op of contract.authenticatedOperations) {
    scenario(['auth.missing-key', 'auth.www-authenticate'], `${op.id}: no credential`, async (s: Scenario) => {
      const worker = await s.session.pool().worker(s, 3);
      const request = await s.session.resources.validRequest(s, op, worker, { fresh: false });
      const reply = await s.send({ ...request, auth: null });
      expectProblem(s, 'auth.missing-key', reply, 'missing_api_key', `${op.id} without a credential`);
      checkChallenge(s, reply, false, `${op.id} without a credential`);
    });

    scenario(['auth.header-forms'], `${op.id}: each header form`, async (s: Scenario) => {
      for (const form of contract.credentialForms) {
        const worker = await s.session.pool().worker(s, 4);
        const request = await s.session.resources.validRequest(s, op, worker);
        const reply = await s.send({ ...request, auth: { key: worker, form } });
        expectSuccess(s, 'auth.header-forms', reply, op, `${op.id} with the key in ${form.header}${form.authScheme ? ` (${form.authScheme})` : ''}`);
      }
    });

    scenario(['auth.scheme-case-insensitive'], `${op.id}: scheme names in any case`, async (s: Scenario) => {
      for (const form of contract.credentialForms.filter((f) => f.authScheme)) {
        for (const scheme of [form.authScheme!.toLowerCase(), form.authScheme!.toUpperCase()]) {
          const worker = await s.session.pool().worker(s, 4);
          const request = await s.session.resources.validRequest(s, op, worker);
          const reply = await s.send({ ...request, auth: { key: worker, form, scheme } });
          expectSuccess(s, 'auth.scheme-case-insensitive', reply, op, `${op.id} with Authorization: ${scheme} <key>`);
        }
      }
    });

    scenario(['auth.malformed-key', 'auth.unknown-key', 'auth.unsupported-scheme', 'auth.www-authenticate'], `${op.id}: keys that do not authenticate`, async (s: Scenario) => {
      const worker = await s.session.pool().worker(s, 3);
      const request = await s.session.resources.validRequest(s, op, worker, { fresh: false });
      const form = contract.credentialForms[0];
      const wrong = async (rule: Parameters<typeof expectProblem>[1], label: string, auth: NonNullable<typeof request.auth>) => {
        const reply = await s.send({ ...request, auth });
        expectProblem(s, rule, reply, 'invalid_api_key', `${op.id} with ${label}`);
        checkChallenge(s, reply, true, `${op.id} with ${label}`);
      };
      for (const variant of malformedVariants(worker, contract.keyFormat)) {
        await wrong('auth.malformed-key', `a key with ${variant.label}`, { key: variant.value, form });
      }
      await wrong('auth.unknown-key', 'a well-formed key that belongs to no one', { key: unknownWellFormedKey(contract.keyFormat), form });
      await wrong('auth.unsupported-scheme', 'Authorization: Basic <key>', { headers: [['Authorization', `Basic ${worker}`]], presented: [worker] });
      const schemeOnly = contract.credentialForms.find((f) => f.authScheme)!;
      await wrong('auth.unsupported-scheme', `Authorization: ${schemeOnly.authScheme} (no key)`, { headers: [['Authorization', schemeOnly.authScheme!]], presented: [] });
      for (const accepted of contract.credentialForms.filter((f) => f.authScheme)) {
        const other = lookAlikeScheme(accepted.authScheme!);
        await wrong('auth.unsupported-scheme', `${accepted.header}: ${other} <key> (a scheme as long as ${accepted.authScheme})`, { headers: [credentialHeader(accepted, worker, other)], presented: [worker] });
      }
      // RFC 9110 §11.4: the scheme and the credentials are separated by spaces, nothing else.
      // (One scheme is enough: each failure here counts toward the target's failed-auth throttle.)
      for (const separator of [':', '\t']) {
        await wrong('auth.unsupported-scheme', `${schemeOnly.header}: ${schemeOnly.authScheme}${JSON.stringify(separator).slice(1, -1)}<key>`, { headers: [[schemeOnly.header, `${schemeOnly.authScheme}${separator}${worker}`]], presented: [worker] });
      }
      const bare = contract.credentialForms.find((f) => !f.authScheme);
      if (bare) await wrong('auth.unsupported-scheme', `an empty ${bare.header}`, { headers: [[bare.header, '']], presented: [] });
    });

    scenario(['auth.ambiguous-credentials'], `${op.id}: two credentials`, async (s: Scenario) => {
      const worker = await s.session.pool().worker(s, 3 + 2 * contract.credentialForms.length);
      const request = await s.session.resources.validRequest(s, op, worker, { fresh: false });
      const headersOf = (form: CredentialForm) => credentialHeader(form, worker);
      const combos: Array<{ label: string; headers: Array<[string, string]> }> = [];
      const authz = contract.credentialForms.find((f) => f.header.toLowerCase() === 'authorization');
      const other = contract.credentialForms.find((f) => f.header.toLowerCase() !== 'authorization');
      if (authz && other) combos.push({ label: `the same key in ${authz.header} and ${other.header}`, headers: [headersOf(authz), headersOf(other)] });
      if (authz) combos.push({ label: `${authz.header} twice`, headers: [headersOf(authz), headersOf(authz)] });
      if (other) combos.push({ label: `${other.header} twice`, headers: [headersOf(other), headersOf(other)] });
      for (const combo of combos) {
        const reply = await s.send({ ...request, auth: { headers: combo.headers, presented: [worker] } });
        expectProblem(s, 'auth.ambiguous-credentials', reply, 'ambiguous_credentials', `${op.id} with ${combo.label}`);
      }
      // Headers that only look like credential headers (names of the same length) are not a second credential.
      for (const form of contract.credentialForms) {
        const decoys = [...new Set(contract.credentialForms.map((f) => f.header))].map(lookAlikeHeader);
        const fresh = await s.session.resources.validRequest(s, op, worker);
        const reply = await s.send({ ...fresh, auth: { headers: [headersOf(form), ...decoys], presented: [worker] } });
        expectSuccess(s, 'auth.ambiguous-credentials', reply, op, `${op.id} with the key in ${form.header} and the ordinary headers ${decoys.map(([n]) => n).join(', ')}`);
      }
    });
  }

  // What a server looks up and keeps is not in its answers: these two read the deployment's
  // counters (HERALD_STATS_URL), and are skipped with the reason without them.

  scenario(['auth.malformed-key-no-lookup'], 'malformed keys are refused before any lookup', async (s: Scenario) => {
    const rule = 'auth.malformed-key-no-lookup';
    let before = await readStats(s, rule);
    for (const variant of singleFaultKeys(contract.keyFormat)) {
      const reply = await ping(s, variant.value);
      expectProblem(s, rule, reply, 'invalid_api_key', `a key with ${variant.label}`);
      const after = await readStats(s, rule);
      s.check(rule, after.lookups === before.lookups,
        `a key with ${variant.label} was looked up: the store's lookups went from ${before.lookups} to ${after.lookups} (the spec: a mistyped key is rejected before anything is looked up)`, reply);
      before = after;
    }
    // The counter does count: a well-formed key that belongs to no one is looked up, once.
    const reply = await ping(s, unknownWellFormedKey(contract.keyFormat));
    expectProblem(s, rule, reply, 'invalid_api_key', 'a well-formed key that belongs to no one');
    const after = await readStats(s, rule);
    s.check(rule, after.lookups === before.lookups + 1,
      `a well-formed key that belongs to no one should be looked up exactly once; the store's lookups went from ${before.lookups} to ${after.lookups}`, reply);
  }, { needs: [NEEDS.stats] });

  scenario(['auth.unknown-key-no-state'], 'a burst of unknown keys leaves no state', async (s: Scenario) => {
    const rule = 'auth.unknown-key-no-state';
    const pool = s.session.pool();
    const worker = await pool.worker(s, 3 + contract.authenticatedOperations.length);
    // Every request is built first (path parameters are real resources the worker creates), and
    // a key no one has used yet is set aside for the counters' own check at the end.
    const requests: SendOptions[] = [];
    for (const op of contract.authenticatedOperations) requests.push(await s.session.resources.validRequest(s, op, worker, { fresh: false }));
    const unused = await pool.create(s, { creator: worker, body: { name: s.session.keyName('unknown-key-no-state, first use') }, rule });

    const before = await readStats(s, rule);
    const forms = contract.credentialForms;
    for (const [i, request] of requests.entries()) {
      const form = forms[i % forms.length];
      const idempotencyKey = request.op!.parameters.some((p) => p.in === 'header' && p.name === contract.idempotencyKeyHeader) ? randomUUID() : undefined;
      const reply = await s.send({ ...request, auth: { key: unknownWellFormedKey(contract.keyFormat), form }, idempotencyKey });
      expectProblem(s, rule, reply, 'invalid_api_key', `${request.op!.id} with a well-formed key that belongs to no one${idempotencyKey ? ' and an Idempotency-Key' : ''}`);
    }
    const after = await readStats(s, rule);
    const burst = `${requests.length} requests with keys that belong to no one`;
    s.check(rule, after.rateLimitedKeys === before.rateLimitedKeys,
      `${burst} changed the rate limiter's table from ${before.rateLimitedKeys} to ${after.rateLimitedKeys} keys (only keys that authenticate may get a window)`);
    s.check(rule, after.idempotencyRecords === before.idempotencyRecords,
      `${burst} changed the idempotency records from ${before.idempotencyRecords} to ${after.idempotencyRecords} (a refused authentication is not remembered)`);
    const addresses = after.throttledAddresses - before.throttledAddresses;
    s.check(rule, addresses === 0 || addresses === 1,
      `${burst}, all from one address, changed the throttle's tracked addresses by ${addresses} (at most the one address may be added)`);

    // The limiter's counter does count: a key's first request opens exactly one window.
    const first = await readStats(s, rule);
    const reply = await ping(s, unused.secret);
    expectSuccess(s, rule, reply, contract.operation('ping'), 'the first request of a new key');
    const opened = await readStats(s, rule);
    s.check(rule, opened.rateLimitedKeys === first.rateLimitedKeys + 1,
      `a new key's first request should open one rate-limit window; the limiter's table went from ${first.rateLimitedKeys} to ${opened.rateLimitedKeys} keys`, reply);
  }, { needs: [NEEDS.stats] });

  /** The deployment's counters; a stats answer without them breaks the rule that needs them. */
  async function readStats(s: Scenario, rule: 'auth.malformed-key-no-lookup' | 'auth.unknown-key-no-state'): Promise<StatsReading> {
    const result = await s.session.stats.read();
    if ('problem' in result) s.require(rule, false, result.problem);
    return result.reading;
  }
}
