import { expectProblem, expectSuccess } from '../src/harness/expect.ts';
import { sameSet, usage } from '../src/harness/key-operations.ts';
import { readRateLimit } from '../src/harness/rate-limit-headers.ts';
import type { Reply } from '../src/harness/reply.ts';
import { scenario, type Scenario } from '../src/harness/scenario.ts';
import { getSession, NEEDS } from '../src/harness/session.ts';

/**
 * Monthly quotas: which channels count comes from the plan (the spec's Plan schemas). The suite
 * reads GET /usage first and sends only as many notifications as it needs, so it can run again
 * and again against the same deployment.
 */
export default function quotaRules(): void {
  const contract = getSession().contract;
  const sendOp = contract.operation('sendNotification');

  interface UsageData {
    plan?: { name?: string; monthly_notification_quota?: number; counted_channels?: string[] };
    quota?: { period_start?: string; resets_at?: string; limit?: number; used?: number; remaining?: number; counted_channels?: string[]; sent?: Record<string, number> };
  }

  function usageData(reply: Reply): UsageData {
    return reply.data<UsageData>() ?? {};
  }

  /** The documented example of a notification on `channel` (the examples carry their channel). */
  function exampleOn(channel: string): Record<string, unknown> | undefined {
    const examples = (sendOp.requestBody?.examples ?? []) as Array<Record<string, unknown>>;
    const index = examples.findIndex((e) => e.channel === channel);
    return index < 0 ? undefined : getSession().resources.exampleBody(sendOp, index) as Record<string, unknown>;
  }

  function checkUsage(s: Scenario, reply: Reply): UsageData {
    const data = usageData(reply);
    const plan = data.plan?.name ? contract.plan(data.plan.name) : undefined;
    const quota = data.quota ?? {};
    if (!s.check('quotas.usage', plan !== undefined, `the plan ${JSON.stringify(data.plan?.name)} is not one the spec defines`, reply)) return data;
    s.check('quotas.usage', quota.limit === plan!.monthlyQuota && sameSet(quota.counted_channels, plan!.countedChannels),
      `the ${plan!.name} plan's quota is ${plan!.monthlyQuota} ${plan!.countedChannels.join('+')} a month; /usage says ${quota.limit} ${quota.counted_channels?.join('+')}`, reply);
    s.check('quotas.usage', quota.remaining === Math.max(0, (quota.limit ?? 0) - (quota.used ?? 0)),
      `remaining ${quota.remaining} should be limit ${quota.limit} - used ${quota.used}`, reply);
    const date = Date.parse(reply.header('date') ?? '');
    if (!Number.isNaN(date)) {
      const now = new Date(date);
      const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
      const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
      s.check('quotas.usage', Date.parse(quota.period_start ?? '') === start && Date.parse(quota.resets_at ?? '') === end,
        `the period should run from ${new Date(start).toISOString()} to ${new Date(end).toISOString()} (calendar month, UTC), got ${quota.period_start} to ${quota.resets_at}`, reply);
    }
    return data;
  }

  scenario(['quotas.usage', 'quotas.uncounted-channels'], 'usage and the channels a plan counts', async (s: Scenario) => {
    const worker = await s.session.pool().worker(s, 10);
    const before = await usage(s, worker);
    if (!expectSuccess(s, 'quotas.usage', before, contract.operation('getUsage'), 'GET /usage')) return;
    const data = checkUsage(s, before);
    const counted = data.quota?.counted_channels ?? [];
    let used = data.quota?.used ?? 0;
    let sent = { ...(data.quota?.sent ?? {}) };
    for (const channel of contract.channels) {
      const body = exampleOn(channel);
      if (!body) continue;
      const isCounted = counted.includes(channel);
      // Sending a counted notification spends real quota; once is enough, and only with room left.
      if (isCounted && (data.quota?.remaining ?? 0) < 1) continue;
      const reply = await s.send({ op: sendOp, auth: { key: worker }, json: body });
      const rule = isCounted ? 'quotas.usage' : 'quotas.uncounted-channels';
      if (!expectSuccess(s, rule, reply, sendOp, `a ${channel} notification`)) continue;
      s.check(rule, reply.data<{ counted_toward_quota?: boolean }>()?.counted_toward_quota === isCounted,
        `a ${channel} notification on the ${data.plan?.name} plan should have counted_toward_quota ${isCounted}`, reply);
      const after = await usage(s, worker);
      const quota = usageData(after).quota ?? {};
      s.check(rule, quota.used === used + (isCounted ? 1 : 0) && quota.sent?.[channel] === (sent[channel] ?? 0) + 1,
        `after one ${channel} notification, used should be ${used + (isCounted ? 1 : 0)} (was ${used}) and sent.${channel} ${(sent[channel] ?? 0) + 1}; got ${quota.used} and ${quota.sent?.[channel]}`, after);
      used = quota.used ?? used;
      sent = { ...(quota.sent ?? sent) };
    }
  });

  scenario(['quotas.exceeded', 'quotas.uncounted-channels'], 'the notification past the quota', async (s: Scenario) => {
    const nearQuota = s.session.config.nearQuotaApiKey!;
    const first = await usage(s, nearQuota);
    s.require('quotas.exceeded', first.status === 200, `GET /usage with HERALD_NEAR_QUOTA_API_KEY answered ${first.summary}`, first);
    const data = checkUsage(s, first);
    const quota = data.quota ?? {};
    const counted = (quota.counted_channels ?? []).find((c) => exampleOn(c));
    s.require('quotas.exceeded', counted !== undefined, `the plan counts ${quota.counted_channels?.join(', ')}, and the spec has no example notification on those channels`, first);
    const remaining = quota.remaining ?? 0;
    if (remaining + 1 > s.session.config.maxBurst) {
      s.skip(`the account has ${remaining} notifications left this month, more than --max-burst ${s.session.config.maxBurst}`);
    }
    // Spread the sends over keys of that account so none approaches its rate limit.
    const pool = s.session.pool(nearQuota);
    for (let i = 0; i < remaining; i++) {
      const key = await pool.worker(s, 2);
      const reply = await s.send({ op: sendOp, auth: { key }, json: exampleOn(counted!) });
      s.require('quotas.exceeded', reply.status === sendOp.successStatus, `notification ${i + 1} of the ${remaining} left this month was refused: ${reply.summary}`, reply);
    }
    const key = await pool.worker(s, 4);
    const past = await s.send({ op: sendOp, auth: { key }, json: exampleOn(counted!) });
    if (expectProblem(s, 'quotas.exceeded', past, 'quota_exceeded', `a ${counted} notification with the quota of ${quota.limit} spent`)) {
      const problem = past.json as { detail?: string; quota?: { limit?: number; used?: number; resets_at?: string } };
      s.check('quotas.exceeded', problem.quota?.limit === quota.limit && problem.quota?.used === quota.limit && Date.parse(problem.quota?.resets_at ?? '') === Date.parse(quota.resets_at ?? ''),
        `quota should be {limit: ${quota.limit}, used: ${quota.limit}, resets_at: ${quota.resets_at}}, got ${JSON.stringify(problem.quota)}`, past);
      const resetDay = (quota.resets_at ?? '').slice(0, 10);
      s.check('quotas.exceeded', [String(quota.limit), resetDay].every((part) => problem.detail?.includes(part)),
        `detail should state the usage, the limit (${quota.limit}) and the reset date (${resetDay}): ${JSON.stringify(problem.detail)}`, past);
      const retryAfter = Number(past.header(contract.headers.retryAfter));
      const date = Date.parse(past.header('date') ?? '');
      const toReset = Math.round((Date.parse(quota.resets_at ?? '') - date) / 1000);
      s.check('quotas.exceeded', Number.isInteger(retryAfter) && retryAfter >= 1 && (Number.isNaN(date) || Math.abs(retryAfter - toReset) <= 2),
        `Retry-After should count the ${toReset} s to the reset, got ${JSON.stringify(past.header(contract.headers.retryAfter))}`, past);
      s.check('quotas.exceeded', readRateLimit(past, contract.headers).policy?.name === readRateLimit(first, contract.headers).policy?.name,
        "the quota refusal's rate-limit headers should describe the key's own policy", past);
    }
    for (const channel of contract.channels.filter((c) => !(quota.counted_channels ?? []).includes(c))) {
      const body = exampleOn(channel);
      if (!body) continue;
      const reply = await s.send({ op: sendOp, auth: { key }, json: body });
      expectSuccess(s, 'quotas.uncounted-channels', reply, sendOp, `a ${channel} notification (not counted on the ${data.plan?.name} plan) with the quota spent`);
    }
    const after = await usage(s, key);
    const spent = usageData(after).quota ?? {};
    s.check('quotas.exceeded', spent.used === quota.limit && spent.remaining === 0,
      `after the refusal, /usage should show ${quota.limit} used and 0 remaining, got ${spent.used} and ${spent.remaining}`, after);
  }, { needs: [NEEDS.nearQuota] });
}
