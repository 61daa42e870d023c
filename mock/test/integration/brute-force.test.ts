import { describe, expect, it } from 'vitest';
import { judgeAnswer } from '../support/hostile-answers.ts';
import { buildCorpus } from '../support/hostile-corpus.ts';
import { RawConnection, rawRequest, sendAll, type RawResponse } from '../support/raw-http.ts';
import { useServer } from '../support/server.ts';
import { WINDOW_SECONDS } from '../support/spec-values.ts';

// Issue 7, brute force. Failed authentications are throttled per client address; the other
// addresses' valid keys keep their whole rate limit; the table of tracked addresses stays at its
// cap under a spray from many addresses (counted in entries, not bytes). Client addresses are
// real: Linux routes all of 127.0.0.0/8 to loopback, so sockets bind 127.0.0.x as their source.

const ATTACKER = '127.0.0.10';
const HONEST = '127.0.0.20';

const ping = (key: string) => ({ bytes: rawRequest('GET', '/v1/ping', [['Authorization', `Bearer ${key}`]]), head: false });
const code = (response: RawResponse | undefined) => (JSON.parse(response?.body || '{}') as { code?: string }).code;

describe('a guessing address is throttled, an honest one is not slowed', () => {
  const LIMIT = 50;
  // Plan limits as the spec gives them (scale 1), so "its whole rate limit" is the real one.
  const ctx = useServer({ manualClock: true, failedAuthLimit: LIMIT });

  it('throttles the guesses of one address while another address is served its whole rate limit', async () => {
    const { HERALD_API_KEY: key, HERALD_READ_ONLY_API_KEY: readOnly } = ctx.server.keys;
    // Guesses: the credential families of the hostile corpus (wrong lengths, truncated, padded keys…).
    const guesses = buildCorpus({ full: key, readOnly })
      .filter((r) => (r.category === 'truncated-and-padded-keys' || r.category === 'wrong-length-keys') && r.method === 'GET')
      .slice(0, 3 * LIMIT);
    const attacker = await RawConnection.open(ctx.server.origin, ATTACKER);
    const honest = await RawConnection.open(ctx.server.origin, HONEST);
    const attackAnswers: RawResponse[] = [];
    const honestAnswers: RawResponse[] = [];
    try {
      const first = (await honest.send([ping(key)]))[0].response!;
      honestAnswers.push(first);
      const limit = Number(first.headers['x-ratelimit-limit']);
      expect(limit).toBeGreaterThan(LIMIT);
      // Interleaved, one request each in turn: the guesses go on while the honest client works.
      for (let i = 0; i < Math.max(guesses.length, limit); i++) {
        const [guess, honestPing] = await Promise.all([
          i < guesses.length ? attacker.send([guesses[i]]) : Promise.resolve([]),
          i + 1 < limit ? honest.send([ping(key)]) : Promise.resolve([]),
        ]);
        if (guess[0]) {
          expect(judgeAnswer({ ...guesses[i], secrets: [key, readOnly] }, guess[0]), guesses[i].label).toEqual([]);
          attackAnswers.push(guess[0].response!);
        }
        if (honestPing[0]) honestAnswers.push(honestPing[0].response!);
      }

      // The attacker: LIMIT failures, then nothing but documented 429s announcing the throttle.
      expect(attackAnswers.slice(0, LIMIT).every((a) => a.status === 401)).toBe(true);
      const throttled = attackAnswers.slice(LIMIT);
      expect(throttled.length).toBe(guesses.length - LIMIT);
      for (const answer of throttled) {
        expect(answer.status).toBe(429);
        expect(code(answer)).toBe('authentication_throttled');
        expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(answer.headers['ratelimit-policy']).toBe(`"failed-auth";q=${LIMIT};w=${WINDOW_SECONDS}`);
      }
      // Even the real key is refused from the throttled address…
      const [fromAttacker] = await attacker.send([ping(key)]);
      expect(code(fromAttacker.response)).toBe('authentication_throttled');

      // …while the honest address had every request of its window, counted down to 0, and then
      // met its own key's limit, not the throttle.
      expect(honestAnswers.map((a) => a.status)).toEqual(Array(limit).fill(200));
      expect(honestAnswers.map((a) => Number(a.headers['x-ratelimit-remaining']))).toEqual(Array.from({ length: limit }, (_, i) => limit - 1 - i));
      const [otherKey] = await honest.send([ping(readOnly)]);
      expect(otherKey.response?.status).toBe(200);
      const [spent] = await honest.send([ping(key)]);
      expect(spent.response?.status).toBe(429);
      expect(code(spent.response)).toBe('rate_limit_exceeded');
      console.log(`brute force: ${guesses.length} guesses from ${ATTACKER} (${LIMIT} failed, ${throttled.length} throttled), ${limit} requests from ${HONEST} all served`);
    } finally {
      attacker.close();
      honest.close();
    }
  });

  it('answers a throttled address with documented 429s whatever it sends', async () => {
    ctx.server.clock.advance(60_000);
    const { HERALD_API_KEY: key, HERALD_READ_ONLY_API_KEY: readOnly } = ctx.server.keys;
    const corpus = buildCorpus({ full: key, readOnly }).filter((_, i) => i % 7 === 0);
    const outcomes = await sendAll(ctx.server.origin, corpus, { connections: 4, localAddress: '127.0.0.30' });
    let throttled = 0;
    corpus.forEach((request, i) => {
      expect(judgeAnswer({ ...request, secrets: [key, readOnly] }, outcomes[i]), `${request.category} · ${request.label}`).toEqual([]);
      if (code(outcomes[i].response) === 'authentication_throttled') throttled++;
    });
    console.log(`brute force: ${corpus.length} hostile requests from a throttled address, ${throttled} answered authentication_throttled, every answer documented`);
    expect(throttled).toBeGreaterThan(corpus.length / 2);
  });
});

describe('a spray from many addresses', () => {
  const CAPACITY = 200;
  const ADDRESSES = 1_000;
  const ctx = useServer({ manualClock: true, failedAuthLimit: 5, server: { throttleCapacity: CAPACITY } });

  it('keeps the tracked addresses at the cap and the valid keys of a new address working', async () => {
    const before = ctx.server.app.herald.stats();
    const unique = Array.from({ length: ADDRESSES }, (_, i) => `127.1.${i >> 8}.${i & 255}`);
    let next = 0;
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (next < unique.length) {
        const address = unique[next++];
        const connection = await RawConnection.open(ctx.server.origin, address);
        try {
          const answers = await connection.send([ping('hk_test_guess'), ping(`hk_live_${address.replace(/\./g, '')}`)]);
          for (const answer of answers) expect(answer.response?.status).toBe(401);
        } finally {
          connection.close();
        }
      }
    }));
    const after = ctx.server.app.herald.stats();
    console.log(`brute force: ${unique.length} addresses sprayed, ${after.throttledAddresses} tracked (cap ${CAPACITY}), limiter entries ${before.rateLimitedKeys} → ${after.rateLimitedKeys}`);
    expect(after.throttledAddresses).toBe(CAPACITY);
    // Failures create no per-key state at all.
    expect(after.rateLimitedKeys).toBe(before.rateLimitedKeys);
    const fresh = await RawConnection.open(ctx.server.origin, '127.2.0.1');
    try {
      const [answer] = await fresh.send([ping(ctx.server.keys.HERALD_API_KEY)]);
      expect(answer.response?.status).toBe(200);
    } finally {
      fresh.close();
    }
  });
});
