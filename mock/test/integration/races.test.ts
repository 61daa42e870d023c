import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { judgeAnswer } from '../support/hostile-answers.ts';
import { RawConnection, rawRequest, type RawResponse } from '../support/raw-http.ts';
import { useServer } from '../support/server.ts';

// Issue 7, races. Under load from many keep-alive connections using one key, the key is revoked
// (or regenerated without grace): every request *sent* after the revoke's (regenerate's) answer
// *arrived* must be refused, whatever was in flight. Client-side clocks record both moments, so
// the check needs no timing assumption: a request written after the answer was read cannot be
// accepted by a server that had already applied the change. Concurrent identical
// Idempotency-Keys on create and regenerate must take effect exactly once.

let secretsIssued = 0;
const ctx = useServer({
  manualClock: true,
  rateLimitScale: 1000,
  failedAuthLimit: 1_000_000_000,
  server: { onSecretIssued: () => void secretsIssued++ },
});

const ITERATIONS = 8;
const CONNECTIONS = 16;
/** Requests each connection sends before the change, and at least after its answer. */
const BEFORE = 4;
const AFTER = 6;

interface Sent {
  sentAt: number;
  status: number;
  code?: string;
}

const bearer = (key: string): [string, string] => ['Authorization', `Bearer ${key}`];
const ping = (key: string) => ({ bytes: rawRequest('GET', '/v1/ping', [bearer(key)]), head: false });
const json = (response: RawResponse | undefined) => JSON.parse(response?.body || 'null');

/** Lets the event loop turn until `condition` holds (the server runs in this process); bounded. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 100_000 && !condition(); turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

async function exchange(connection: RawConnection, method: string, path: string, key: string, body?: unknown, extra: Array<[string, string]> = []): Promise<RawResponse> {
  const headers: Array<[string, string]> = [bearer(key), ...extra];
  if (body !== undefined) headers.push(['Content-Type', 'application/json']);
  const [outcome] = await connection.send([{ bytes: rawRequest(method, path, headers, body === undefined ? undefined : JSON.stringify(body)), head: false }]);
  const problems = judgeAnswer({ method, target: path, mustRefuse: false, secrets: [] }, outcome);
  expect(problems, `${method} ${path}`).toEqual([]);
  return outcome.response!;
}

async function createKey(name: string): Promise<{ id: string; secret: string }> {
  const connection = await RawConnection.open(ctx.server.origin);
  try {
    const created = await exchange(connection, 'POST', '/v1/api-keys', ctx.server.keys.HERALD_API_KEY, { name });
    expect(created.status).toBe(201);
    return json(created).data;
  } finally {
    connection.close();
  }
}

/**
 * Pings with `key` from CONNECTIONS connections at once; once each has been served BEFORE
 * times, `change()` runs on a connection of its own, and the load goes on until each connection
 * has sent AFTER requests after the change's answer arrived. Returns every request and that moment.
 */
async function loadAround(key: string, change: (connection: RawConnection) => Promise<void>): Promise<{ sent: Sent[]; answeredAt: number }> {
  const sent: Sent[] = [];
  const connections = await Promise.all(Array.from({ length: CONNECTIONS }, () => RawConnection.open(ctx.server.origin)));
  const changer = await RawConnection.open(ctx.server.origin);
  let answeredAt = Infinity;
  let warmed = 0;
  let releaseChange!: () => void;
  const warm = new Promise<void>((resolve) => (releaseChange = resolve));
  const changed = warm.then(async () => {
    await change(changer);
    answeredAt = performance.now();
  });
  try {
    await Promise.all([
      changed,
      ...connections.map(async (connection) => {
        let served = 0;
        let after = 0;
        while (after < AFTER) {
          const sentAt = performance.now();
          const [outcome] = await connection.send([ping(key)]);
          const response = outcome.response;
          expect(outcome.failure).toBeUndefined();
          sent.push({ sentAt, status: response!.status, code: json(response).code });
          if (sentAt > answeredAt) after++;
          if (++served === BEFORE && ++warmed === CONNECTIONS) releaseChange();
        }
      }),
    ]);
  } finally {
    for (const connection of [...connections, changer]) connection.close();
  }
  return { sent, answeredAt };
}

describe('revoking a key under load', () => {
  it('refuses every request sent after the revoke was answered', async () => {
    let late = 0;
    let after = 0;
    let inFlightServed = 0;
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const key = await createKey(`revoke race ${iteration}`);
      const { sent, answeredAt } = await loadAround(key.secret, async (connection) => {
        const revoked = await exchange(connection, 'DELETE', `/v1/api-keys/${key.id}`, ctx.server.keys.HERALD_API_KEY);
        expect(revoked.status).toBe(204);
      });
      const before = sent.filter((r) => r.sentAt < answeredAt);
      const afterwards = sent.filter((r) => r.sentAt > answeredAt);
      expect(before.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(CONNECTIONS * BEFORE);
      expect(afterwards.length).toBeGreaterThanOrEqual(CONNECTIONS * AFTER);
      late += afterwards.filter((r) => r.status !== 401 || r.code !== 'revoked_api_key').length;
      after += afterwards.length;
      inFlightServed += before.filter((r) => r.status === 200).length;
    }
    console.log(`revoke race: ${ITERATIONS} iterations × ${CONNECTIONS} connections, ${after} requests sent after the revoke was answered, ${late} accepted late (${inFlightServed} served before)`);
    expect(late).toBe(0);
  });

  it('refuses a request whose headers arrived before the revoke and its body after', async () => {
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const key = await createKey(`slow body ${iteration}`);
      const body = JSON.stringify({ channel: 'email', to: 'ada@example.com', subject: 'Hi', text: 'Hello' });
      const slow = await RawConnection.open(ctx.server.origin);
      const admin = await RawConnection.open(ctx.server.origin);
      try {
        const whole = rawRequest('POST', '/v1/notifications', [bearer(key.secret), ['Content-Type', 'application/json']], body);
        const cut = whole.length - 10;
        // The headers and most of the body go first; the server authenticates on the headers…
        const answer = slow.send([{ bytes: whole.subarray(0, cut), head: false }]);
        await until(() => ctx.server.store.getKey(key.id)?.lastUsedAt !== null);
        // …the key is revoked while the rest of the body is on its way…
        expect((await exchange(admin, 'DELETE', `/v1/api-keys/${key.id}`, ctx.server.keys.HERALD_API_KEY)).status).toBe(204);
        // …and arrives after the revoke was answered: the request must not run.
        slow.write(whole.subarray(cut));
        const [outcome] = await answer;
        expect(outcome.response?.status).toBe(401);
        expect(json(outcome.response).code).toBe('revoked_api_key');
      } finally {
        slow.close();
        admin.close();
      }
    }
  });
});

describe('regenerating a key without grace under load', () => {
  it('refuses the old secret on every request sent after the regenerate was answered; the new one works', async () => {
    let late = 0;
    let after = 0;
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const key = await createKey(`regenerate race ${iteration}`);
      let fresh = '';
      const { sent, answeredAt } = await loadAround(key.secret, async (connection) => {
        const regenerated = await exchange(connection, 'POST', `/v1/api-keys/${key.id}/regenerate`, ctx.server.keys.HERALD_API_KEY, { grace_period_seconds: 0 });
        expect(regenerated.status).toBe(200);
        fresh = json(regenerated).data.secret;
      });
      const afterwards = sent.filter((r) => r.sentAt > answeredAt);
      expect(afterwards.length).toBeGreaterThanOrEqual(CONNECTIONS * AFTER);
      late += afterwards.filter((r) => r.status !== 401 || r.code !== 'expired_api_key').length;
      after += afterwards.length;
      const connection = await RawConnection.open(ctx.server.origin);
      try {
        expect((await exchange(connection, 'GET', '/v1/ping', fresh)).status).toBe(200);
      } finally {
        connection.close();
      }
    }
    console.log(`regenerate race: ${ITERATIONS} iterations × ${CONNECTIONS} connections, ${after} requests with the old secret sent after the regenerate was answered, ${late} accepted late`);
    expect(late).toBe(0);
  });
});

describe('concurrent identical Idempotency-Keys', () => {
  const DUPLICATES = 20;

  /** Sends the same request on DUPLICATES connections at once; returns the answers. */
  async function all(method: string, path: string, body: unknown, idempotencyKey: string): Promise<RawResponse[]> {
    const connections = await Promise.all(Array.from({ length: DUPLICATES }, () => RawConnection.open(ctx.server.origin)));
    try {
      const request = rawRequest(method, path, [bearer(ctx.server.keys.HERALD_API_KEY), ['Content-Type', 'application/json'], ['Idempotency-Key', idempotencyKey]], JSON.stringify(body));
      const outcomes = await Promise.all(connections.map((c) => c.send([{ bytes: request, head: false }])));
      return outcomes.map(([outcome]) => {
        expect(judgeAnswer({ method, target: path, mustRefuse: false, secrets: [] }, outcome)).toEqual([]);
        return outcome.response!;
      });
    } finally {
      for (const connection of connections) connection.close();
    }
  }

  it('create: one key, one secret, every duplicate a replay of it', async () => {
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const name = `idempotent create ${iteration}`;
      const issuedBefore = secretsIssued;
      const answers = await all('POST', '/v1/api-keys', { name }, `create-race-${iteration}`);
      expect(secretsIssued - issuedBefore).toBe(1);
      expect(new Set(answers.map((a) => a.status))).toEqual(new Set([201]));
      expect(new Set(answers.map((a) => json(a).data.id)).size).toBe(1);
      expect(new Set(answers.map((a) => json(a).data.secret)).size).toBe(1);
      expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true').length).toBe(DUPLICATES - 1);
      const listed = ctx.server.store.dump() as { keys: Array<{ name: string }> };
      expect(listed.keys.filter((k) => k.name === name).length).toBe(1);
    }
  });

  it('regenerate: one new secret, every duplicate a replay of it', async () => {
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const key = await createKey(`idempotent regenerate ${iteration}`);
      const issuedBefore = secretsIssued;
      const answers = await all('POST', `/v1/api-keys/${key.id}/regenerate`, { grace_period_seconds: 0 }, `regenerate-race-${iteration}`);
      expect(secretsIssued - issuedBefore).toBe(1);
      expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
      const secrets = new Set(answers.map((a) => json(a).data.secret));
      expect(secrets.size).toBe(1);
      expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true').length).toBe(DUPLICATES - 1);
      const connection = await RawConnection.open(ctx.server.origin);
      try {
        expect((await exchange(connection, 'GET', '/v1/ping', [...secrets][0])).status).toBe(200);
        const old = await exchange(connection, 'GET', '/v1/ping', key.secret);
        expect(json(old).code).toBe('expired_api_key');
      } finally {
        connection.close();
      }
    }
  });
});
