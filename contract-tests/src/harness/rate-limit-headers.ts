import type { HeaderNames } from '../spec/contract.ts';
import type { Reply } from './reply.ts';

/** The rate-limit state a response reports, in both notations, parsed. */
export interface RateLimitReading {
  policy?: { name: string; q: number; w: number };
  state?: { name: string; r: number; t: number };
  limit?: number;
  remaining?: number;
  reset?: number;
  /** The response's Date header, in Unix epoch seconds. */
  date?: number;
}

/** Parses `"default";q=200;w=60` (an RFC 9651 item with parameters) into its name and numbers. */
export function parseRateLimitField(value: string | undefined): { name: string; params: Record<string, number> } | undefined {
  if (!value) return undefined;
  const [head, ...rest] = value.split(';').map((part) => part.trim());
  const name = /^"([^"]*)"$/.exec(head)?.[1];
  if (name === undefined) return undefined;
  const params: Record<string, number> = {};
  for (const part of rest) {
    const match = /^([a-z]+)=(\d+)$/.exec(part);
    if (!match) return undefined;
    params[match[1]] = Number(match[2]);
  }
  return { name, params };
}

function integer(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

export function readRateLimit(reply: Reply, names: HeaderNames): RateLimitReading {
  const policy = parseRateLimitField(reply.header(names.rateLimitPolicy));
  const state = parseRateLimitField(reply.header(names.rateLimit));
  const date = reply.header('date');
  const dateMs = date ? Date.parse(date) : NaN;
  return {
    policy: policy && policy.params.q !== undefined && policy.params.w !== undefined ? { name: policy.name, q: policy.params.q, w: policy.params.w } : undefined,
    state: state && state.params.r !== undefined && state.params.t !== undefined ? { name: state.name, r: state.params.r, t: state.params.t } : undefined,
    limit: integer(reply.header(names.rateLimitLimit)),
    remaining: integer(reply.header(names.rateLimitRemaining)),
    reset: integer(reply.header(names.rateLimitReset)),
    date: Number.isNaN(dateMs) ? undefined : Math.floor(dateMs / 1000),
  };
}

/** Every way the two notations can disagree with each other; empty when they agree. */
export function rateLimitInconsistencies(reading: RateLimitReading): string[] {
  const problems: string[] = [];
  const { policy, state, limit, remaining, reset, date } = reading;
  if (!policy) problems.push('RateLimit-Policy cannot be read as "name";q=N;w=N');
  if (!state) problems.push('RateLimit cannot be read as "name";r=N;t=N');
  if (limit === undefined) problems.push('X-RateLimit-Limit is not an integer');
  if (remaining === undefined) problems.push('X-RateLimit-Remaining is not an integer');
  if (reset === undefined) problems.push('X-RateLimit-Reset is not an integer');
  if (policy && state && policy.name !== state.name) problems.push(`RateLimit-Policy names "${policy.name}" but RateLimit names "${state.name}"`);
  if (policy && limit !== undefined && policy.q !== limit) problems.push(`q=${policy.q} in RateLimit-Policy but X-RateLimit-Limit is ${limit}`);
  if (state && remaining !== undefined && state.r !== remaining) problems.push(`r=${state.r} in RateLimit but X-RateLimit-Remaining is ${remaining}`);
  if (policy && state && state.r > policy.q) problems.push(`remaining r=${state.r} exceeds the quota q=${policy.q}`);
  if (policy && state && state.t > policy.w) problems.push(`t=${state.t} seconds to reset exceeds the window w=${policy.w}`);
  // Date has one-second resolution and the reset is rounded, so allow one second either way.
  if (state && reset !== undefined && date !== undefined && Math.abs(reset - (date + state.t)) > 1) {
    problems.push(`X-RateLimit-Reset is ${reset} but Date + t is ${date + state.t}`);
  }
  return problems;
}
