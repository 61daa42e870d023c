import { expectProblem, expectSuccess } from '../src/harness/expect.ts';
import { freshKey, ping, usage } from '../src/harness/key-operations.ts';
import { rateLimitInconsistencies, readRateLimit } from '../src/harness/rate-limit-headers.ts';
import type { Reply } from '../src/harness/reply.ts';
import { scenario, type Scenario } from '../src/harness/scenario.ts';
import { getSession } from '../src/harness/session.ts';

/**
 * Rate limits per key: the headers on every accepted response are checked everywhere (see
 * response-checks.ts); here, with fresh keys, the counting itself and the refusal past the limit.
 */
export default function rateLimitRules(): void {
  const contract = getSession().contract;
  const names = contract.headers;
  const BURST_CONCURRENCY = 16;

  scenario(['rate-limit.remaining-decrements', 'rate-limit.usage-matches'], 'remaining falls by one per request', async (s: Scenario) => {
    const { key } = await freshKey(s, 'counting');
    const readings = [];
    for (let i = 0; i < 5; i++) {
      const reply = await ping(s, key.secret);
      readings.push({ reply, reading: readRateLimit(reply, names) });
    }
    const first = readings[0].reading;
    s.check('rate-limit.remaining-decrements', first.limit !== undefined && first.remaining === first.limit - 1,
      `a fresh key's first request should leave limit - 1 = ${first.limit === undefined ? '?' : first.limit - 1} remaining, got ${first.remaining}`, readings[0].reply);
    for (let i = 1; i < readings.length; i++) {
      const before = readings[i - 1].reading;
      const after = readings[i].reading;
      // A window that reset in between starts counting again; that is not a decrement to check.
      if (before.state && after.state && after.state.t > before.state.t) continue;
      s.check('rate-limit.remaining-decrements', before.remaining !== undefined && after.remaining === before.remaining - 1,
        `remaining went from ${before.remaining} to ${after.remaining} in one request`, readings[i].reply);
    }

    const reply = await usage(s, key.secret);
    if (!expectSuccess(s, 'rate-limit.usage-matches', reply, contract.operation('getUsage'), 'GET /usage with a fresh key')) return;
    const body = reply.data<{ plan?: { name?: string; requests_per_minute?: number }; rate_limit?: { limit?: number; remaining?: number; window_seconds?: number; resets_at?: string } }>() ?? {};
    const headers = readRateLimit(reply, names);
    const rate = body.rate_limit ?? {};
    s.check('rate-limit.usage-matches', rate.limit === headers.limit && rate.remaining === headers.remaining && rate.window_seconds === headers.policy?.w,
      `GET /usage says limit ${rate.limit}, remaining ${rate.remaining}, window ${rate.window_seconds}; its headers say ${headers.limit}, ${headers.remaining}, ${headers.policy?.w}`, reply);
    const resetsAt = rate.resets_at ? Math.round(Date.parse(rate.resets_at) / 1000) : NaN;
    s.check('rate-limit.usage-matches', headers.reset !== undefined && Math.abs(resetsAt - headers.reset) <= 1,
      `rate_limit.resets_at ${rate.resets_at} should be X-RateLimit-Reset ${headers.reset}`, reply);
    const plan = body.plan?.name ? contract.plan(body.plan.name) : undefined;
    s.check('rate-limit.usage-matches', plan !== undefined && body.plan?.requests_per_minute === plan.requestsPerMinute,
      `the plan ${JSON.stringify(body.plan)} should be one the spec defines, with its requests_per_minute`, reply);
  });

  scenario(['rate-limit.burst-429', 'rate-limit.per-key', 'rate-limit.window-resets'], 'a burst past the limit', async (s: Scenario) => {
    const { key } = await freshKey(s, 'burst');
    const first = await ping(s, key.secret);
    const start = readRateLimit(first, names);
    s.require('rate-limit.burst-429', first.status === 200 && start.remaining !== undefined && start.limit !== undefined,
      `a fresh key's first ping should succeed and report its limit, got ${first.summary}`, first);
    // The window starts with the key's first request (spec, "Rate limits"): a whole window to go.
    s.check('rate-limit.window-resets', start.state?.t === start.policy?.w,
      `a fresh key's first request opens its window, so t should be the whole window w=${start.policy?.w}; got ${first.header(names.rateLimit)}`, first);
    const remaining = start.remaining!;
    if (remaining + 1 > s.session.config.maxBurst) {
      s.skip(`the limit is ${start.limit} requests a minute: reaching it takes ${remaining + 1} requests, more than --max-burst ${s.session.config.maxBurst}`);
    }

    // Spend the window with concurrent requests; every one of them is still within the limit.
    const within: Reply[] = [];
    for (let sent = 0; sent < remaining; sent += BURST_CONCURRENCY) {
      const batch = Math.min(BURST_CONCURRENCY, remaining - sent);
      within.push(...await Promise.all(Array.from({ length: batch }, () => ping(s, key.secret))));
    }
    const refusedEarly = within.filter((r) => r.status !== 200);
    s.check('rate-limit.burst-429', refusedEarly.length === 0,
      `${refusedEarly.length} of the ${remaining} requests within the limit of ${start.limit} were refused (${refusedEarly[0]?.summary})`, refusedEarly[0]);

    const past = await ping(s, key.secret);
    let retryAfter = NaN;
    if (expectProblem(s, 'rate-limit.burst-429', past, 'rate_limit_exceeded', `request ${start.limit! + 1} of a window limited to ${start.limit}`)) {
      const reading = readRateLimit(past, names);
      retryAfter = Number(past.header(names.retryAfter));
      s.check('rate-limit.burst-429', Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= (reading.policy?.w ?? 60),
        `Retry-After should be a whole number of seconds from 1 to the window, got ${JSON.stringify(past.header(names.retryAfter))}`, past);
      s.check('rate-limit.burst-429', reading.remaining === 0 && reading.state?.r === 0 && reading.policy?.name === start.policy?.name,
        `the 429 should report remaining 0 under the key's own policy; got ${names.rateLimitRemaining} ${reading.remaining}, ${names.rateLimit} ${past.header(names.rateLimit)}`, past);
      const problems = rateLimitInconsistencies(reading);
      s.check('rate-limit.headers-consistent', problems.length === 0, `the 429's rate-limit headers: ${problems.join('; ')}`, past);
      const again = await ping(s, key.secret);
      expectProblem(s, 'rate-limit.burst-429', again, 'rate_limit_exceeded', 'the next request in the same window');
    }

    const worker = await s.session.pool().worker(s, 2);
    expectSuccess(s, 'rate-limit.per-key', await ping(s, worker), contract.operation('ping'), "another key of the same environment, while the first key's limit is spent");

    if (!s.session.clock.controllable) {
      s.skipRule('rate-limit.window-resets', 'HERALD_TEST_CLOCK_URL is not set (waiting a whole real minute is not worth it)');
      return;
    }
    if (!Number.isInteger(retryAfter)) return;
    // Time passes: Retry-After (and t) count down with it…
    const step = Math.min(20, retryAfter - 1);
    if (step >= 1) {
      await s.session.clock.advance(step);
      const later = await ping(s, key.secret);
      if (expectProblem(s, 'rate-limit.window-resets', later, 'rate_limit_exceeded', `the spent key ${step} s later, still in its window`)) {
        const left = Number(later.header(names.retryAfter));
        const t = readRateLimit(later, names).state?.t;
        s.check('rate-limit.window-resets', Number.isInteger(left) && left >= 1 && left <= retryAfter - step && t === left,
          `${step} s after Retry-After said ${retryAfter}, it should say at most ${retryAfter - step} (and t the same); got Retry-After ${later.header(names.retryAfter)}, t=${t}`, later);
        retryAfter = Number.isInteger(left) && left >= 1 ? left : retryAfter - step;
      } else {
        retryAfter -= step;
      }
    }
    // …and once it has passed (exactly, on a target whose clock stands still), the window is new.
    await s.session.clock.advance(retryAfter);
    const fresh = await ping(s, key.secret);
    const reading = readRateLimit(fresh, names);
    s.check('rate-limit.window-resets', fresh.status === 200 && reading.remaining === (start.limit ?? 0) - 1,
      `once Retry-After has passed, the key should be back to ${start.limit! - 1} remaining, got ${fresh.summary} with ${reading.remaining}`, fresh);
  });
}
