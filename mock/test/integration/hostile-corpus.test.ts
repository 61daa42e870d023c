import { describe, expect, it } from 'vitest';
import { judgeAnswer } from '../support/hostile-answers.ts';
import { buildCorpus, CATEGORIES, type HostileRequest } from '../support/hostile-corpus.ts';
import { sendAll, type RawOutcome } from '../support/raw-http.ts';
import { useServer } from '../support/server.ts';

// Issue 7, hostile requests: a fixed corpus of more than 10,000 requests, every family of attack
// the issue names, sent over raw keep-alive sockets (pipelined in batches; malformed HTTP on a
// connection of its own). Every answer must be a documented 4xx problem document or a
// documented success; never a 5xx, no answer within the bound, a stack trace or a secret; and
// the server must be healthy afterwards.

// The failed-auth throttle would soon answer every credential with 429: this server's limit is
// out of reach, and the throttle's own answers are judged by the brute-force tests.
const ctx = useServer({ manualClock: true, failedAuthLimit: 1_000_000_000, rateLimitScale: 10_000 });

interface Tally {
  sent: number;
  statuses: Record<number, number>;
  failures: number;
}

function summarize(corpus: HostileRequest[], outcomes: RawOutcome[], problems: Map<number, string[]>) {
  const tallies = new Map<string, Tally>(CATEGORIES.map((c) => [c, { sent: 0, statuses: {}, failures: 0 }]));
  corpus.forEach((request, i) => {
    const tally = tallies.get(request.category)!;
    tally.sent++;
    const status = outcomes[i]?.response?.status ?? 0;
    tally.statuses[status] = (tally.statuses[status] ?? 0) + 1;
    if (problems.has(i)) tally.failures++;
  });
  return tallies;
}

describe('a fixed corpus of hostile requests', () => {
  it('answers every one with a documented 4xx problem or a documented success, and stays healthy', async () => {
    const { HERALD_API_KEY: full, HERALD_READ_ONLY_API_KEY: readOnly } = ctx.server.keys;
    const corpus = buildCorpus({ full, readOnly });
    expect(corpus.length).toBeGreaterThanOrEqual(10_000);

    const outcomes = await sendAll(ctx.server.origin, corpus, { connections: 16, batch: 8 });

    const secrets = Object.values(ctx.server.keys);
    const problems = new Map<number, string[]>();
    corpus.forEach((request, i) => {
      const found = judgeAnswer({ ...request, secrets: request.presented ? [request.presented, ...secrets] : secrets }, outcomes[i]);
      if (found.length > 0) problems.set(i, found);
    });
    const tallies = summarize(corpus, outcomes, problems);
    const fiveHundreds = outcomes.filter((o) => (o?.response?.status ?? 0) >= 500).length;
    const unanswered = outcomes.filter((o) => !o?.response).length;
    const lines = [...tallies].map(([category, t]) => `  ${category.padEnd(30)} ${String(t.sent).padStart(5)} sent  ${Object.entries(t.statuses).map(([s, n]) => `${s}×${n}`).join(' ')}`);
    console.log(`hostile corpus: ${corpus.length} requests sent, ${fiveHundreds} answered 5xx, ${unanswered} unanswered, ${problems.size} unacceptable answers\n${lines.join('\n')}`);

    for (const [category, tally] of tallies) expect(tally.sent, `${category} is empty`).toBeGreaterThan(0);
    const report = [...problems].slice(0, 15).map(([i, found]) => `${corpus[i].category} · ${corpus[i].label} → ${outcomes[i]?.response?.status ?? 'no answer'}: ${found.join('; ')}`);
    expect(report).toEqual([]);
    expect(fiveHundreds).toBe(0);

    // Still healthy: /health answers and a valid key is served.
    const [health, ping] = await sendAll(ctx.server.origin, [
      { bytes: Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'), head: false },
      { bytes: Buffer.from(`GET /v1/ping HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${full}\r\n\r\n`), head: false },
    ], { connections: 1 });
    expect(health.response?.status).toBe(200);
    expect(ping.response?.status).toBe(200);
  }, 120_000);
});
