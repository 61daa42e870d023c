import { expectProblem, expectSuccess } from '../src/harness/expect.ts';
import { freshKey, ping } from '../src/harness/key-operations.ts';
import { readRateLimit } from '../src/harness/rate-limit-headers.ts';
import type { Reply } from '../src/harness/reply.ts';
import { scenario, type Scenario } from '../src/harness/scenario.ts';
import { getSession, NEEDS } from '../src/harness/session.ts';
import type { Operation } from '../src/spec/operations.ts';

/**
 * What a key may do: each operation's scopes come from its security requirement in the spec,
 * and an inactive account's key may do nothing at all.
 */
export default function scopeAndAccountRules(): void {
  const contract = getSession().contract;

  /**
   * A valid request for `op` whose resources were created by a worker key of the same
   * environment, to be sent with `key` — which may itself lack the scopes to create them.
   */
  async function requestFor(s: Scenario, op: Operation, key: string) {
    const worker = await s.session.pool().worker(s, 4);
    const request = await s.session.resources.validRequest(s, op, worker);
    return { ...request, auth: { key } };
  }

  for (const op of contract.authenticatedOperations) {
    const required = op.requiredScopes;
    if (required.length > 0) {
      scenario(['scopes.missing-scope'], `${op.id} without ${required.join(', ')}`, async (s: Scenario) => {
        const others = contract.scopes.filter((x) => !required.includes(x));
        if (others.length === 0) s.skip(`${op.id} needs every scope, so no key can lack only its scopes`);
        const { key } = await freshKey(s, `without ${required.join(' ')}`, { scopes: others });
        const reply = await s.send(await requestFor(s, op, key.secret));
        if (expectProblem(s, 'scopes.missing-scope', reply, 'insufficient_permissions', `${op.id} with a key holding ${others.join(' ')}`)) {
          const missing = (reply.json as { missing_scopes?: string[] }).missing_scopes ?? [];
          s.check('scopes.missing-scope', required.every((x) => missing.includes(x)), `missing_scopes should name ${required.join(', ')}, got ${JSON.stringify(missing)}`, reply);
        }
      });
    }

    scenario(['scopes.granted-scope'], `${op.id} with exactly ${required.length > 0 ? required.join(', ') : 'one unrelated scope (it needs none)'}`, async (s: Scenario) => {
      // An operation that needs no scope must work with a key holding just one, any one.
      const scopes = required.length > 0 ? required : [contract.scopes[contract.scopes.length - 1]];
      const { key } = await freshKey(s, `only ${scopes.join(' ')}`, { scopes });
      const request = await requestFor(s, op, key.secret);
      // Granting scopes needs them too (a key may grant only scopes it holds): ask for its own.
      if (request.json && typeof request.json === 'object' && Array.isArray((request.json as { scopes?: unknown }).scopes)) {
        request.json = { ...(request.json as object), scopes };
      }
      const reply = await s.send(request);
      expectSuccess(s, 'scopes.granted-scope', reply, op, `${op.id} with a key holding only ${scopes.join(' ')}`);
    });
  }

  scenario(['scopes.read-only-key'], 'the read-only key reads and cannot write', async (s: Scenario) => {
    const readOnly = s.session.config.readOnlyApiKey!;
    const who = await ping(s, readOnly);
    s.require('scopes.read-only-key', who.status === 200, `ping with HERALD_READ_ONLY_API_KEY answered ${who.summary}`, who);
    const listed = who.data<{ key?: { scopes?: unknown } }>()?.key?.scopes;
    s.require('scopes.read-only-key', Array.isArray(listed), `ping with HERALD_READ_ONLY_API_KEY should list the key's scopes, got ${JSON.stringify(listed)}`, who);
    const held = listed.filter((x): x is string => typeof x === 'string');
    const writes = contract.authenticatedOperations.filter((op) => op.method !== 'GET');
    s.require('scopes.read-only-key', writes.some((op) => !op.requiredScopes.every((x) => held.includes(x))),
      `HERALD_READ_ONLY_API_KEY holds ${held.join(' ')}, which allows every write: it is not a read-only key`, who);
    for (const op of contract.authenticatedOperations) {
      const allowed = op.requiredScopes.every((x) => held.includes(x));
      if (allowed && op.method !== 'GET') continue; // never let a misconfigured key change anything
      const reply = await s.send(await requestFor(s, op, readOnly));
      if (allowed) expectSuccess(s, 'scopes.read-only-key', reply, op, `${op.id} with the read-only key (it holds ${op.requiredScopes.join(', ') || 'what it needs'})`);
      else expectProblem(s, 'scopes.read-only-key', reply, 'insufficient_permissions', `${op.id} with the read-only key (it lacks ${op.requiredScopes.filter((x) => !held.includes(x)).join(', ')})`);
    }
  }, { needs: [NEEDS.readOnlyKey] });

  scenario(['accounts.inactive'], "an inactive account's key on every operation", async (s: Scenario) => {
    const inactive = s.session.config.inactiveAccountApiKey!;
    const clock = s.session.clock;
    const pending = [...contract.authenticatedOperations];
    let windowsMoved = 0;
    while (pending.length > 0) {
      const op = pending[0];
      const reply: Reply = await s.send(await requestFor(s, op, inactive));
      if (reply.problemCode === 'rate_limit_exceeded') {
        // Inactive accounts tend to sit on the smallest plan: a handful of requests a minute.
        if (clock.controllable && windowsMoved < pending.length) {
          const wait = Number(reply.header(contract.headers.retryAfter) ?? 60);
          await clock.advance(Math.max(1, wait) + 1);
          windowsMoved++;
          continue;
        }
        s.skipRule('accounts.inactive', `the inactive account's key ran out of requests in this window (${readRateLimit(reply, contract.headers).limit ?? '?'} a minute) before ${pending.map((o) => o.id).join(', ')}; set HERALD_TEST_CLOCK_URL or re-run after ${reply.header(contract.headers.retryAfter) ?? 60} s`);
        return;
      }
      expectProblem(s, 'accounts.inactive', reply, 'account_inactive', `${op.id} with the inactive account's key`);
      pending.shift();
    }
  }, { needs: [NEEDS.inactiveAccount] });
}
