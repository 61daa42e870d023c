import { calendarMonthUtc, formatTimestamp } from './clock.ts';
import type { PlanLimits } from './spec.ts';
import type { Channel, QuotaUsage } from './store.ts';

// Monthly notification quotas (spec "Monthly quotas"): per account, per calendar month in UTC,
// counting only the channels the plan's `counted_channels` lists.

export interface QuotaPeriod {
  readonly start: number;
  readonly end: number;
}

export function quotaPeriod(now: number): QuotaPeriod {
  return calendarMonthUtc(now);
}

export function countedUsage(plan: PlanLimits, usage: QuotaUsage): number {
  let used = 0;
  for (const channel of plan.countedChannels) used += usage.sent[channel as Channel] ?? 0;
  return used;
}

export function countsTowardQuota(plan: PlanLimits, channel: Channel): boolean {
  return plan.countedChannels.includes(channel);
}

/** The refusal of a notification that would go past the quota, or null if it fits. */
export function quotaRefusal(plan: PlanLimits, usage: QuotaUsage, period: QuotaPeriod, channel: Channel, now: number) {
  if (!countsTowardQuota(plan, channel)) return null;
  const used = countedUsage(plan, usage);
  if (used + 1 <= plan.monthlyNotificationQuota) return null;
  const resetsAt = formatTimestamp(period.end);
  const what = plan.countedChannels.length > 1 ? 'notifications' : `${plan.countedChannels.join(' and ')} notifications`;
  return {
    retryAfterSeconds: Math.max(1, Math.ceil((period.end - now) / 1000)),
    detail:
      `This account has used ${used} of the ${plan.monthlyNotificationQuota} ${what} its ${plan.name} plan ` +
      `allows this month; the quota resets at ${resetsAt}.`,
    quota: { limit: plan.monthlyNotificationQuota, used, resets_at: resetsAt },
  };
}

/** The `QuotaStatus` body of getUsage. */
export function quotaStatus(plan: PlanLimits, usage: QuotaUsage, period: QuotaPeriod) {
  const used = countedUsage(plan, usage);
  return {
    period_start: formatTimestamp(period.start),
    resets_at: formatTimestamp(period.end),
    limit: plan.monthlyNotificationQuota,
    used,
    remaining: Math.max(0, plan.monthlyNotificationQuota - used),
    counted_channels: [...plan.countedChannels],
    sent: { email: usage.sent.email, webhook: usage.sent.webhook },
  };
}
