import { expectProblem, expectSuccess, requireSuccess } from '../src/harness/expect.ts';
import { unknownWellFormedKey } from '../src/harness/key-material.ts';
import { ping, regenerateKey, revokeKey } from '../src/harness/key-operations.ts';
import { rateLimitInconsistencies, readRateLimit } from '../src/harness/rate-limit-headers.ts';
import type { Reply } from '../src/harness/reply.ts';
import { scenario, type Scenario } from '../src/harness/scenario.ts';
import { getSession, NEEDS } from '../src/harness/session.ts';

/**
 * Brute force: failed authentications from one address are throttled. The check locks this
 * address out, so it runs only with the target's test clock (to move past the lock-out
 * afterwards) and last but for cleanup.
 */
export default function throttleRules(): void {
  const contract = getSession().contract;

  /** A well-formed id for a path parameter (the throttle answers before anything is looked up). */
  function placeholderId(name: string): string {
    const param = contract.operations.flatMap((op) => op.parameters).find((p) => p.in === 'path' && p.name === name);
    const example = param ? contract.spec.deref<{ examples?: unknown[] }>(contract.spec.pointer(param.schemaPointer)).examples?.[0] : undefined;
    return encodeURIComponent(typeof example === 'string' ? example : 'x');
  }
  const names = contract.headers;
  const CONCURRENCY = 16;

  scenario(['throttle.failed-auth'], 'failed authentications from one address', async (s: Scenario) => {
    const clock = s.session.clock;
    const worker = await s.session.pool().worker(s, 10);
    // Keys that once worked fail too: a revoked one and a secret replaced by regenerate.
    const revoked = await s.session.pool().create(s, { creator: worker, body: { name: s.session.keyName('throttle, revoked') } });
    requireSuccess(s, 'throttle.failed-auth', await revokeKey(s, worker, revoked.id), contract.operation('revokeApiKey'), 'revoke a key to fail with');
    s.session.pool().markRevoked(revoked.id);
    const replaced = await s.session.pool().create(s, { creator: worker, body: { name: s.session.keyName('throttle, replaced') } });
    const replacedSecret = replaced.secret;
    requireSuccess(s, 'throttle.failed-auth', await regenerateKey(s, worker, replaced.id, { grace_period_seconds: 0 }), contract.operation('regenerateApiKey'), 'regenerate a key to fail with its old secret');
    // Start a fresh window, so the count of failures below is the whole count.
    await clock.advance(61);
    let failures = 0;
    let throttled: Reply | undefined;
    try {
      for (const [secret, code] of [[revoked.secret, 'revoked_api_key'], [replacedSecret, 'expired_api_key']] as const) {
        const reply = await ping(s, secret);
        if (expectProblem(s, 'throttle.failed-auth', reply, code, `a ${code === 'revoked_api_key' ? 'revoked key' : 'replaced secret'} (it counts as a failed authentication)`)) failures++;
      }
      const budget = s.session.config.maxBurst;
      while (!throttled && failures < budget) {
        const batch = Math.min(CONCURRENCY, budget - failures);
        const replies = await Promise.all(Array.from({ length: batch }, () => ping(s, unknownWellFormedKey(contract.keyFormat))));
        for (const reply of replies) {
          if (reply.status === 401) failures++;
          else if (!throttled) throttled = reply;
        }
      }
      s.require('throttle.failed-auth', throttled !== undefined,
        `${failures} failed authentications from one address within a minute were never throttled (the suite stops at --max-burst ${budget}; raise it if the deployment's limit is higher)`);
      if (!expectProblem(s, 'throttle.failed-auth', throttled, 'authentication_throttled', `after ${failures} failed authentications`)) return;
      const reading = readRateLimit(throttled, names);
      const retryAfter = Number(throttled.header(names.retryAfter));
      s.check('throttle.failed-auth', Number.isInteger(retryAfter) && retryAfter >= 1,
        `the throttle should say Retry-After ≥ 1, got ${JSON.stringify(throttled.header(names.retryAfter))}`, throttled);
      s.check('throttle.failed-auth', reading.policy?.name === 'failed-auth' && reading.state?.name === 'failed-auth' && reading.state?.r === 0 && reading.remaining === 0,
        `the throttle's rate-limit headers should describe the "failed-auth" policy with nothing remaining; got ${names.rateLimitPolicy} ${JSON.stringify(throttled.header(names.rateLimitPolicy))}, ${names.rateLimit} ${JSON.stringify(throttled.header(names.rateLimit))}`, throttled);
      s.check('throttle.failed-auth', reading.policy?.q === failures,
        `the policy allows q=${reading.policy?.q} failures a window, but the throttle began after ${failures} (a revoked key, a replaced secret, then unknown keys)`, throttled);
      const problems = rateLimitInconsistencies(reading);
      s.check('rate-limit.headers-consistent', problems.length === 0, `the throttle's rate-limit headers: ${problems.join('; ')}`, throttled);

      const valid = await ping(s, worker);
      expectProblem(s, 'throttle.failed-auth', valid, 'authentication_throttled', 'a valid key from the throttled address');
      // Every operation, not only the one the failures went to: the throttle is per address.
      for (const op of contract.authenticatedOperations.filter((o) => o.id !== 'ping')) {
        const path = op.pathTemplate.replace(/\{[^}]+\}/g, (name) => placeholderId(name.slice(1, -1)));
        const reply = await s.send({ op, path, auth: { key: worker }, json: op.requestBody?.required ? s.session.resources.exampleBody(op, 0) : undefined });
        expectProblem(s, 'throttle.failed-auth', reply, 'authentication_throttled', `${op.id} with a valid key from the throttled address`);
      }
      const none = await s.send({ op: contract.operation('ping'), auth: null });
      expectProblem(s, 'throttle.failed-auth', none, 'missing_api_key', 'a request without a credential from the throttled address (only credentials are throttled)');
    } finally {
      // Whatever happened, leave the address free for the rest of the run and the next one.
      await clock.advance(61);
    }
    expectSuccess(s, 'throttle.failed-auth', await ping(s, worker), contract.operation('ping'), 'a valid key once the throttle window has passed');
  }, { needs: [NEEDS.testClock] });
}
