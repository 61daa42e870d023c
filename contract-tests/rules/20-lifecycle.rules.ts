import { performance } from 'node:perf_hooks';
import { expectProblem, expectSuccess, requireSuccess } from '../src/harness/expect.ts';
import {
  freshKey, getKey, letTimePass, listAllKeys, ping, pollUntil, regenerateKey, revokeKey, sameSet, targetNow, timestamp,
} from '../src/harness/key-operations.ts';
import type { Reply } from '../src/harness/reply.ts';
import { scenario, type Scenario } from '../src/harness/scenario.ts';
import { getSession, NEEDS } from '../src/harness/session.ts';

/**
 * The life of a key: created with its secret shown once, used, listed by prefix, regenerated
 * (with and without a grace period), expired, revoked — and invisible from other environments.
 */
export default function lifecycleRules(): void {
  const contract = getSession().contract;
  const prefixLength = contract.keyFormat.listedPrefixLength;

  // With the target's test clock, time is moved past these; without it the suite waits for
  // real time, so the values are short.
  const GRACE_WITH_CLOCK = 60;
  const GRACE_REAL_TIME = 2;
  const EXPIRY_WITH_CLOCK = 120;
  const EXPIRY_REAL_TIME = 3;
  // Revoke under load: connections using one key at once; requests each sends before the revoke
  // starts, at most while it runs, and after its answer arrived (in all well within the key's
  // rate limit).
  const LOAD_CONNECTIONS = 8;
  const LOAD_BEFORE = 3;
  const LOAD_DURING = 6;
  const LOAD_AFTER = 3;

  function dataOf(reply: Reply): Record<string, unknown> {
    return reply.data<Record<string, unknown>>() ?? {};
  }

  /** A new key holding every scope, and a worker with room for a scenario's dozen requests. */
  function fullKey(s: Scenario, purpose: string) {
    return freshKey(s, purpose, { scopes: contract.scopes }, 12);
  }

  scenario(['lifecycle.create', 'lifecycle.new-key-works', 'lifecycle.prefix'], 'create a key, use it, find it by its prefix', async (s: Scenario) => {
    const worker = await s.session.pool().worker(s, 12);
    const scopes = contract.scopes.filter((_, i) => i % 2 === 0);
    const name = s.session.keyName('created');
    const expiresAt = s.session.keyExpiry();
    const key = await s.session.pool().create(s, { creator: worker, body: { name, scopes, expires_at: expiresAt } });
    const created = dataOf(key.reply);
    const getOp = contract.operation('getApiKey');
    const where = key.reply.header(contract.headers.location);
    s.check('lifecycle.create', created.name === name && sameSet(created.scopes as string[], scopes) && created.status === 'active'
      && typeof created.expires_at === 'string' && Date.parse(created.expires_at) === Date.parse(expiresAt) && created.previous_secret === null,
      `the created key should echo name ${JSON.stringify(name)}, scopes ${scopes.join(' ')}, status active, expiry ${expiresAt}, no previous secret; got ${JSON.stringify({ ...created, secret: undefined })}`, key.reply);
    s.check('lifecycle.create', where !== undefined && where.endsWith(getOp.pathTemplate.replace('{key_id}', key.id)),
      `Location should point at the new key (…${getOp.pathTemplate.replace('{key_id}', key.id)}), got ${JSON.stringify(where)}`, key.reply);
    s.check('lifecycle.prefix', key.prefix === key.secret.slice(0, prefixLength),
      `the created key's prefix should be the first ${prefixLength} characters of its secret`, key.reply);

    const pinged = await ping(s, key.secret);
    if (expectSuccess(s, 'lifecycle.new-key-works', pinged, contract.operation('ping'), 'ping with the new key')) {
      const identity = (dataOf(pinged).key ?? {}) as Record<string, unknown>;
      s.check('lifecycle.new-key-works', identity.id === key.id && identity.prefix === key.prefix && sameSet(identity.scopes as string[], scopes),
        `ping with the new key should name key ${key.id} (${key.prefix}) with scopes ${scopes.join(' ')}, got ${JSON.stringify(identity)}`, pinged);
    }

    const fetched = await getKey(s, worker, key.id);
    if (expectSuccess(s, 'lifecycle.prefix', fetched, getOp, 'get the new key')) {
      const data = dataOf(fetched);
      s.check('lifecycle.prefix', !('secret' in data) && typeof data.prefix === 'string' && key.secret.startsWith(data.prefix) && data.prefix.length < key.secret.length,
        `get should show a strict prefix of the secret and never the secret; got prefix ${JSON.stringify(data.prefix)}${'secret' in data ? ' and a secret field' : ''}`, fetched);
    }
    const listed = await listAllKeys(s, worker, 'lifecycle.prefix');
    if (listed) {
      const entry = listed.keys.find((k) => k.id === key.id);
      s.check('lifecycle.prefix', entry !== undefined && !('secret' in entry) && key.secret.startsWith(entry.prefix) && entry.prefix.length < key.secret.length,
        entry ? `the list should show the key by a strict prefix of its secret, never the secret; got ${JSON.stringify(entry.prefix)}` : `the new key ${key.id} is not in the list`, listed.pages.at(-1));
    }
  });

  scenario(['lifecycle.default-scopes', 'lifecycle.scope-escalation'], 'scopes a key may grant', async (s: Scenario) => {
    const createOp = contract.operation('createApiKey');
    const worker = await s.session.pool().worker(s, 6);
    // A creator holding only what creating needs, plus one more scope, so the default is visible.
    const granted = [...new Set([...createOp.requiredScopes, contract.scopes.find((x) => !createOp.requiredScopes.includes(x))!])];
    const creator = await s.session.pool().create(s, { creator: worker, body: { name: s.session.keyName('limited creator'), scopes: granted } });
    const child = await s.session.pool().create(s, { creator: creator.secret, body: { name: s.session.keyName('default scopes') }, rule: 'lifecycle.default-scopes' });
    s.check('lifecycle.default-scopes', sameSet(child.scopes, granted),
      `a key created without scopes should get its creator's ${granted.join(' ')}, got ${child.scopes.join(' ')}`, child.reply);
    const lacking = contract.scopes.filter((x) => !granted.includes(x));
    for (const scope of lacking.slice(0, 2)) {
      const reply = await s.send({ op: createOp, auth: { key: creator.secret }, json: { name: s.session.keyName('escalation'), scopes: [...granted, scope] } });
      if (expectProblem(s, 'lifecycle.scope-escalation', reply, 'insufficient_permissions', `a key without ${scope} creating a key with ${scope}`)) {
        const missing = (reply.json as { missing_scopes?: string[] }).missing_scopes ?? [];
        s.check('lifecycle.scope-escalation', missing.includes(scope), `missing_scopes should name ${scope}, got ${JSON.stringify(missing)}`, reply);
      }
    }
  });

  scenario(['lifecycle.list'], 'the list pages through every key once', async (s: Scenario) => {
    const worker = await s.session.pool().worker(s, 40);
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push(await s.session.pool().create(s, { creator: worker, body: { name: s.session.keyName(`listed ${i}`) } }));
    // Small pages, so that paging really happens — but no more than about 20 of them, however
    // many keys the environment holds.
    const everything = await listAllKeys(s, worker, 'lifecycle.list');
    if (!everything) return;
    const pageSize = Math.min(100, Math.max(2, Math.ceil(everything.keys.length / 20)));
    const listed = await listAllKeys(s, worker, 'lifecycle.list', pageSize, 30);
    if (!listed) return;
    const ids = listed.keys.map((k) => k.id);
    const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
    s.check('lifecycle.list', duplicates.length === 0, `pages of ${pageSize} listed ${duplicates.join(', ')} more than once`, listed.pages.at(-1));
    const oversized = listed.pages.find((p) => ((p.json as { data?: unknown[] }).data ?? []).length > pageSize);
    s.check('lifecycle.list', oversized === undefined, `a page of limit=${pageSize} held more than ${pageSize} keys`, oversized);
    s.check('lifecycle.list', ids.length === everything.keys.length, `pages of ${pageSize} listed ${ids.length} keys, pages of 100 listed ${everything.keys.length}`, listed.pages.at(-1));
    const missing = mine.filter((k) => !ids.includes(k.id)).map((k) => k.id);
    s.check('lifecycle.list', missing.length === 0, `the pages never listed ${missing.join(', ')}`, listed.pages.at(-1));
  });

  scenario(['lifecycle.regenerate', 'lifecycle.regenerate-old-key-refused'], 'regenerate without a grace period', async (s: Scenario) => {
    const { worker, key } = await fullKey(s, 'regenerated');
    const old = key.secret;
    requireSuccess(s, 'lifecycle.regenerate', await ping(s, old), contract.operation('ping'), 'ping before regenerating');
    const reply = await regenerateKey(s, worker, key.id);
    requireSuccess(s, 'lifecycle.regenerate', reply, contract.operation('regenerateApiKey'), 'regenerate');
    const data = dataOf(reply);
    const fresh = data.secret as string;
    s.check('lifecycle.regenerate', data.id === key.id && data.name === key.name && sameSet(data.scopes as string[], key.scopes) && data.expires_at === key.expiresAt,
      `regenerate should keep id, name, scopes and expiry; got ${JSON.stringify({ ...data, secret: undefined })}`, reply);
    s.check('lifecycle.regenerate', typeof fresh === 'string' && fresh !== old && data.prefix === fresh.slice(0, prefixLength) && data.regenerated_at !== null && data.previous_secret === null,
      'regenerate without a grace period should return a new secret with its prefix, a regenerated_at and no previous secret', reply);
    const withNew = await ping(s, fresh);
    expectSuccess(s, 'lifecycle.regenerate', withNew, contract.operation('ping'), 'ping with the regenerated secret');
    const withOld = await ping(s, old);
    expectProblem(s, 'lifecycle.regenerate-old-key-refused', withOld, 'expired_api_key', 'ping with the replaced secret right after regenerating');
  });

  scenario(['lifecycle.regenerate-grace-period'], 'regenerate with a grace period', async (s: Scenario) => {
    const clock = s.session.clock.controllable;
    const grace = clock ? GRACE_WITH_CLOCK : GRACE_REAL_TIME;
    const { worker, key } = await fullKey(s, 'grace');
    const old = key.secret;
    const reply = await regenerateKey(s, worker, key.id, { grace_period_seconds: grace });
    requireSuccess(s, 'lifecycle.regenerate-grace-period', reply, contract.operation('regenerateApiKey'), `regenerate with grace_period_seconds ${grace}`);
    const previous = (dataOf(reply).previous_secret ?? null) as { prefix?: string; expires_at?: string } | null;
    s.require('lifecycle.regenerate-grace-period', previous !== null && previous.prefix === old.slice(0, prefixLength) && typeof previous.expires_at === 'string',
      `the response should describe the old secret in previous_secret (prefix ${old.slice(0, prefixLength)}), got ${JSON.stringify(previous)}`, reply);
    const graceEnds = Date.parse(previous.expires_at!);

    const during = await ping(s, old);
    if (expectSuccess(s, 'lifecycle.regenerate-grace-period', during, contract.operation('ping'), 'ping with the old secret during its grace period')) {
      const identity = (dataOf(during).key ?? {}) as Record<string, unknown>;
      s.check('lifecycle.regenerate-grace-period', identity.prefix === previous.prefix && typeof identity.expires_at === 'string' && Date.parse(identity.expires_at) === graceEnds,
        `during its grace period the old secret should report its own prefix and the grace end as expires_at; got ${JSON.stringify(identity)}`, during);
    }
    expectSuccess(s, 'lifecycle.regenerate-grace-period', await ping(s, dataOf(reply).secret as string), contract.operation('ping'), 'ping with the new secret during the grace period');

    let after: Reply;
    if (clock) {
      await letTimePass(s, grace - 5);
      expectSuccess(s, 'lifecycle.regenerate-grace-period', await ping(s, old), contract.operation('ping'), 'ping with the old secret 5 s before its grace period ends');
      // To the end of the grace period (later, on a target whose clock also runs): from then on, refused.
      await letTimePass(s, 5);
      after = await ping(s, old);
    } else {
      after = await pollUntil(() => ping(s, old), (r) => r.status !== 200, (grace + 5) * 1000);
      const answeredAt = Date.parse(after.header('date') ?? '');
      s.check('lifecycle.regenerate-grace-period', Number.isNaN(answeredAt) || answeredAt >= graceEnds - 1000,
        `the old secret stopped working at ${after.header('date')}, before its grace period ended at ${previous.expires_at}`, after);
    }
    expectProblem(s, 'lifecycle.regenerate-grace-period', after, 'expired_api_key', 'ping with the old secret after its grace period');
    const fetched = await getKey(s, worker, key.id);
    s.check('lifecycle.regenerate-grace-period', fetched.status === 200 && dataOf(fetched).previous_secret === null,
      `after the grace period previous_secret should be null, got ${JSON.stringify(dataOf(fetched).previous_secret)}`, fetched);
  });

  scenario(['lifecycle.regenerate-again-ends-grace'], 'regenerating again ends the earlier grace period', async (s: Scenario) => {
    const { worker, key } = await fullKey(s, 'twice regenerated');
    const first = key.secret;
    const once = await regenerateKey(s, worker, key.id, { grace_period_seconds: 3600 });
    requireSuccess(s, 'lifecycle.regenerate-again-ends-grace', once, contract.operation('regenerateApiKey'), 'first regenerate with a grace period');
    const second = dataOf(once).secret as string;
    expectSuccess(s, 'lifecycle.regenerate-again-ends-grace', await ping(s, first), contract.operation('ping'), 'the first secret during its grace period');
    const twice = await regenerateKey(s, worker, key.id, { grace_period_seconds: 3600 });
    requireSuccess(s, 'lifecycle.regenerate-again-ends-grace', twice, contract.operation('regenerateApiKey'), 'second regenerate');
    expectProblem(s, 'lifecycle.regenerate-again-ends-grace', await ping(s, first), 'expired_api_key', 'the first secret once the key was regenerated again');
    expectSuccess(s, 'lifecycle.regenerate-again-ends-grace', await ping(s, second), contract.operation('ping'), 'the second secret, now in its own grace period');
    expectSuccess(s, 'lifecycle.regenerate-again-ends-grace', await ping(s, dataOf(twice).secret as string), contract.operation('ping'), 'the newest secret');
  });

  scenario(['lifecycle.revoke', 'lifecycle.revoked-gone'], 'revoke a key', async (s: Scenario) => {
    const { worker, key } = await fullKey(s, 'revoked');
    const original = key.secret;
    const regenerated = await regenerateKey(s, worker, key.id, { grace_period_seconds: 3600 });
    requireSuccess(s, 'lifecycle.revoke', regenerated, contract.operation('regenerateApiKey'), 'regenerate with a grace period before revoking');
    const current = dataOf(regenerated).secret as string;
    const revoked = await revokeKey(s, worker, key.id);
    requireSuccess(s, 'lifecycle.revoke', revoked, contract.operation('revokeApiKey'), 'revoke');
    s.session.pool().markRevoked(key.id);
    expectProblem(s, 'lifecycle.revoke', await ping(s, current), 'revoked_api_key', 'ping with the revoked key');
    expectProblem(s, 'lifecycle.revoke', await ping(s, original), 'revoked_api_key', 'ping with the revoked key\'s previous secret (it was in a grace period)');
    expectProblem(s, 'lifecycle.revoked-gone', await getKey(s, worker, key.id), 'not_found', 'get of a revoked key');
    expectProblem(s, 'lifecycle.revoked-gone', await revokeKey(s, worker, key.id), 'not_found', 'revoking a revoked key again');
    expectProblem(s, 'lifecycle.revoked-gone', await regenerateKey(s, worker, key.id), 'not_found', 'regenerating a revoked key');
    const listed = await listAllKeys(s, worker, 'lifecycle.revoked-gone');
    if (listed) s.check('lifecycle.revoked-gone', !listed.keys.some((k) => k.id === key.id), `the revoked key ${key.id} is still listed`, listed.pages.at(-1));
  });

  scenario(['lifecycle.revoke'], 'a key revokes itself', async (s: Scenario) => {
    const { key } = await fullKey(s, 'self-revoked');
    const reply = await revokeKey(s, key.secret, key.id);
    requireSuccess(s, 'lifecycle.revoke', reply, contract.operation('revokeApiKey'), 'a key revoking itself');
    s.session.pool().markRevoked(key.id);
    expectProblem(s, 'lifecycle.revoke', await ping(s, key.secret), 'revoked_api_key', 'ping with a key that revoked itself');
  });

  scenario(['lifecycle.revoke-under-load'], 'revoke a key while it is in use', async (s: Scenario) => {
    const { worker, key } = await fullKey(s, 'revoked under load');
    const records: Array<{ sentAt: number; reply: Reply }> = [];
    let answeredAt = Infinity;
    let warmed = 0;
    let startRevoke!: () => void;
    const revoking = new Promise<void>((resolve) => (startRevoke = resolve)).then(async () => {
      const reply = await revokeKey(s, worker, key.id);
      // The moment its answer is in: any request written after it was written after the revoke.
      answeredAt = performance.now();
      requireSuccess(s, 'lifecycle.revoke-under-load', reply, contract.operation('revokeApiKey'), 'revoke while the key is in use');
      s.session.pool().markRevoked(key.id);
    });
    const loads = Array.from({ length: LOAD_CONNECTIONS }, async () => {
      let sent = 0;
      let after = 0;
      while (after < LOAD_AFTER) {
        // Requests overlap the revoke, but not without end: a slow revoke must not spend the key's limit.
        if (sent >= LOAD_BEFORE + LOAD_DURING && answeredAt === Infinity) await revoking;
        const sentAt = performance.now();
        sent++;
        const reply = await ping(s, key.secret);
        records.push({ sentAt, reply });
        if (sentAt > answeredAt) after++;
        if (sent === LOAD_BEFORE && ++warmed === LOAD_CONNECTIONS) startRevoke();
      }
    });
    await Promise.all([revoking, ...loads]);
    const served = records.filter((r) => r.sentAt < answeredAt && r.reply.status === 200).length;
    s.require('lifecycle.revoke-under-load', served >= LOAD_CONNECTIONS,
      `the key should have been served under load before the revoke; ${served} of its requests were`);
    const afterwards = records.filter((r) => r.sentAt > answeredAt);
    s.require('lifecycle.revoke-under-load', afterwards.length >= LOAD_CONNECTIONS * LOAD_AFTER,
      `only ${afterwards.length} requests were sent after the revoke was answered`);
    for (const { reply } of afterwards) {
      expectProblem(s, 'lifecycle.revoke-under-load', reply, 'revoked_api_key', `a request sent ${LOAD_CONNECTIONS} connections wide after the revoke was answered`);
    }
  });

  scenario(['lifecycle.expiry'], 'a key past its expires_at', async (s: Scenario) => {
    const clock = s.session.clock.controllable;
    const worker = await s.session.pool().worker(s, 12);
    const now = await targetNow(s, worker);
    const lifetime = clock ? EXPIRY_WITH_CLOCK : EXPIRY_REAL_TIME;
    const expiresAt = timestamp(now + lifetime * 1000 + 1000);
    const key = await s.session.pool().create(s, { creator: worker, body: { name: s.session.keyName('expiring'), expires_at: expiresAt }, rule: 'lifecycle.expiry' });
    s.check('lifecycle.expiry', typeof key.expiresAt === 'string' && Date.parse(key.expiresAt) === Date.parse(expiresAt),
      `the key should expire at ${expiresAt}, the response says ${JSON.stringify(key.expiresAt)}`, key.reply);
    expectSuccess(s, 'lifecycle.expiry', await ping(s, key.secret), contract.operation('ping'), 'ping before expires_at');
    let after: Reply;
    if (clock) {
      // To 2 s before expires_at, then to expires_at itself (or later, on a target whose clock
      // also runs): the key works until then, and from then on it is refused.
      const untilExpiry = Math.ceil((Date.parse(expiresAt) - now) / 1000);
      await letTimePass(s, untilExpiry - 2);
      expectSuccess(s, 'lifecycle.expiry', await ping(s, key.secret), contract.operation('ping'), 'ping 2 s before expires_at');
      await letTimePass(s, 2);
      after = await ping(s, key.secret);
    } else {
      after = await pollUntil(() => ping(s, key.secret), (r) => r.status !== 200, (lifetime + 6) * 1000);
    }
    expectProblem(s, 'lifecycle.expiry', after, 'expired_api_key', 'ping at (or after) expires_at');
    const listed = await listAllKeys(s, worker, 'lifecycle.expiry');
    if (listed) {
      const entry = listed.keys.find((k) => k.id === key.id);
      s.check('lifecycle.expiry', entry?.status === 'expired', `an expired key should be listed with status expired, got ${JSON.stringify(entry?.status ?? '(not listed)')}`, listed.pages.at(-1));
    }
  });

  scenario(['lifecycle.expires-at-in-past'], 'expires_at in the past', async (s: Scenario) => {
    const worker = await s.session.pool().worker(s, 3);
    const now = await targetNow(s, worker);
    const reply = await s.send({ op: contract.operation('createApiKey'), auth: { key: worker }, json: { name: s.session.keyName('already expired'), expires_at: timestamp(now - 3_600_000) } });
    expectProblem(s, 'lifecycle.expires-at-in-past', reply, 'validation_failed', 'create with expires_at an hour ago');
  });

  scenario(['isolation.environments'], 'keys and notifications of another environment', async (s: Scenario) => {
    const other = s.session.config.otherEnvApiKey!;
    const { worker, key } = await fullKey(s, 'isolated');
    const send = contract.operation('sendNotification');
    const notification = await s.send({ op: send, auth: { key: worker }, json: s.session.resources.exampleBody(send, 0) });
    requireSuccess(s, 'isolation.environments', notification, send, 'send a notification in the first environment');
    const ntf = dataOf(notification).id as string;

    const mine = dataOf(await ping(s, worker)).environment as { id?: string } | undefined;
    const theirs = dataOf(await ping(s, other)).environment as { id?: string } | undefined;
    s.require('isolation.environments', mine?.id !== undefined && theirs?.id !== undefined && mine.id !== theirs.id,
      `HERALD_OTHER_ENV_API_KEY should belong to another environment than HERALD_API_KEY (${mine?.id} vs ${theirs?.id})`);

    expectProblem(s, 'isolation.environments', await getKey(s, other, key.id), 'not_found', 'get of a key of another environment');
    expectProblem(s, 'isolation.environments', await s.send({ op: contract.operation('getNotification'), auth: { key: other }, pathParams: { notification_id: ntf } }), 'not_found', 'get of a notification of another environment');
    expectProblem(s, 'isolation.environments', await regenerateKey(s, other, key.id), 'not_found', 'regenerating a key of another environment');
    expectProblem(s, 'isolation.environments', await revokeKey(s, other, key.id), 'not_found', 'revoking a key of another environment');
    const listed = await listAllKeys(s, other, 'isolation.environments');
    if (listed) s.check('isolation.environments', !listed.keys.some((k) => k.id === key.id), `the other environment lists key ${key.id}`, listed.pages.at(-1));
    expectSuccess(s, 'isolation.environments', await ping(s, key.secret), contract.operation('ping'), 'the key still works after another environment tried to regenerate and revoke it');
  }, { needs: [NEEDS.otherEnvironment] });
}
