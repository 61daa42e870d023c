import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Reply } from '../harness/reply.ts';
import type { Scenario } from '../harness/scenario.ts';
import { issuesOf, resolveDraft, sendable, type CaseFamily, type FuzzContext, type Issue, type RequestDraft, type ResolvedCase } from './request-cases.ts';

/**
 * Sends the cases of one family and judges each answer. The cases are fast-check's, drawn from
 * the family's arbitrary with a seed derived from the run's; they go out a few at a time (the
 * target answers them in parallel, so a run stays quick). When one fails, fast-check replays it
 * (`path`) and shrinks it — each smaller candidate sent for real, within a budget of requests —
 * and the smallest input that still fails is reported, with the seed and a curl command.
 */
const CONCURRENCY = 8;
const SHRINK_REQUESTS = 30;
// fast-check keeps walking the shrink tree after the budget is spent (each candidate then passes
// at once); for a string of ten thousand characters that walk is long, so it is cut off in time too.
const SHRINK_TIME_MS = 3_000;

/** Answers that say the request was not about its input at all: never a fair answer to valid input. */
const NOT_ABOUT_INPUT = new Set(['missing_api_key', 'invalid_api_key', 'expired_api_key', 'revoked_api_key', 'ambiguous_credentials', 'authentication_throttled', 'unsupported_media_type', 'method_not_allowed', 'rate_limit_exceeded']);

export interface Verdict {
  /** Whether the case could be sent as meant (valid, or broken in the intended keyword). */
  usable: boolean;
  ok: boolean;
  message?: string;
  reply?: Reply;
  resolved?: ResolvedCase;
}

export function familySeed(runSeed: number, family: CaseFamily): number {
  return createHash('sha256').update(`${runSeed}\u0000${family.op.id}\u0000${family.kind}\u0000${family.label}`).digest().readUInt32BE(0) & 0x7fffffff;
}

export async function runFamily(s: Scenario, family: CaseFamily, runs: number, runSeed: number, fuzz: FuzzContext): Promise<void> {
  const rule = family.kind === 'invalid' ? 'input.invalid-refused' : 'input.valid-accepted';
  const seed = familySeed(runSeed, family);
  const drafts = fc.sample(family.arb, { seed, numRuns: runs });
  const verdicts: Verdict[] = new Array(drafts.length);
  for (let start = 0; start < drafts.length; start += CONCURRENCY) {
    const batch = drafts.slice(start, start + CONCURRENCY);
    const worker = await s.session.pool().worker(s, batch.length * requestsPerCase(family));
    const results = await Promise.all(batch.map((draft) => sendCase(s, family, draft, worker, fuzz)));
    results.forEach((verdict, i) => { verdicts[start + i] = verdict; });
  }
  const failing = verdicts.map((v, i) => ({ v, i })).filter(({ v }) => v.usable && !v.ok);
  const passed = verdicts.filter((v) => v.usable && v.ok).length;
  for (let i = 0; i < passed; i++) s.check(rule, true, '');
  if (failing.length === 0) return;

  // Shrink the first failure: fast-check replays it from the same seed and tries smaller inputs.
  const shared = s.session.fuzzBudget;
  let budget = Math.min(SHRINK_REQUESTS, shared.shrinkRequests);
  let smallest: Verdict = failing[0].v;
  const details = await fc.check(fc.asyncProperty(family.arb, async (draft) => {
    if (budget <= 0) return true;
    budget--;
    shared.shrinkRequests--;
    const worker = await s.session.pool().worker(s, requestsPerCase(family));
    const verdict = await sendCase(s, family, draft, worker, fuzz);
    if (verdict.usable && !verdict.ok) smallest = verdict;
    return !verdict.usable || verdict.ok;
  }), { seed, path: String(failing[0].i), numRuns: runs, interruptAfterTimeLimit: SHRINK_TIME_MS });
  const steps = details.numShrinks;
  const seedNote = `seed ${runSeed} (--seed ${runSeed} --only ${rule} draws it again); ${failing.length} of ${verdicts.filter((v) => v.usable).length} cases failed; the smallest failing input found${steps > 0 ? ` after ${steps} shrinking steps` : ''}: ${describeCase(smallest.resolved!)}`;
  s.check(rule, false, `${family.op.id} with ${family.label}: ${smallest.message} — ${seedNote}`, smallest.reply);
  for (let i = 1; i < failing.length; i++) s.ledger.droppedFailures[rule] = (s.ledger.droppedFailures[rule] ?? 0) + 1;
}

/** Requests one case costs: the case, and a fresh resource for each path parameter of a changing operation. */
function requestsPerCase(family: CaseFamily): number {
  const pathParams = family.op.parameters.filter((p) => p.in === 'path').length;
  return 1 + (family.op.method === 'GET' ? 0 : pathParams);
}

async function sendCase(s: Scenario, family: CaseFamily, draft: RequestDraft, worker: string, fuzz: FuzzContext): Promise<Verdict> {
  const { op } = family;
  const contract = s.session.contract;
  const resolved = resolveDraft(draft, op, s.session.targetNow(), fuzz);
  if (!sendable(resolved)) return { usable: false, ok: true };
  const issues = issuesOf(resolved, op, contract);
  const limit = contract.payloadLimitBytes ?? Infinity;
  if (family.kind === 'invalid') {
    const meant = issues.some((i) => i.location === family.location && i.keyword === family.keyword);
    if (!meant || issues.some((i) => i.location !== family.location) || resolved.bodyBytes > limit) return { usable: false, ok: true };
  } else if (issues.length > 0) {
    return { usable: false, ok: true };
  }
  const pathParams: Record<string, string> = {};
  for (const param of op.parameters.filter((p) => p.in === 'path')) {
    pathParams[param.name] = resolved.path[param.name] ?? await s.session.resources.provide(s, param, worker, op.method !== 'GET');
  }
  const reply = await s.send({ op, auth: { key: worker }, pathParams, query: resolved.query, headers: resolved.headers, json: resolved.body });
  s.ledger.fuzzCases++;
  const verdict = family.kind === 'invalid' ? judgeInvalid(reply, family, issues) : judgeValid(reply, resolved, limit);
  return { ...verdict, resolved: { ...resolved, path: { ...resolved.path, ...pathParams } } };
}

function judgeValid(reply: Reply, resolved: ResolvedCase, limit: number): Verdict {
  const op = reply.op!;
  const fail = (message: string): Verdict => ({ usable: true, ok: false, message, reply });
  if (!reply.answered) return fail(`no complete answer (${reply.exchange.failure})`);
  if (reply.status >= 500) return fail(`input valid for the schemas was answered ${reply.summary}`);
  if (!op.responses.has(String(reply.status))) return fail(`input valid for the schemas was answered ${reply.summary}, a status the operation does not document`);
  if (reply.status >= 200 && reply.status < 300) return { usable: true, ok: true, reply };
  const code = reply.problemCode;
  if (code === 'validation_failed') {
    const listed = (reply.json as { errors?: Array<{ location?: string; pointer?: string; message?: string }> }).errors;
    const first = Array.isArray(listed) && listed[0] ? ` (${listed[0].location} ${listed[0].pointer} ${listed[0].message})` : '';
    return fail(`input valid for the schemas was refused with 400 validation_failed${first}`);
  }
  if (code === 'payload_too_large') {
    return resolved.bodyBytes > limit ? { usable: true, ok: true, reply } : fail(`a body of ${resolved.bodyBytes} bytes, within the documented ${limit}, was refused with 413 payload_too_large`);
  }
  if (code === undefined || NOT_ABOUT_INPUT.has(code) || reply.status < 400) return fail(`input valid for the schemas was answered ${reply.summary}, which is neither the success nor a refusal about what was asked`);
  return { usable: true, ok: true, reply };
}

function judgeInvalid(reply: Reply, family: CaseFamily, issues: Issue[]): Verdict {
  const fail = (message: string): Verdict => ({ usable: true, ok: false, message, reply });
  const expected = `expected 400 validation_failed (${issues[0].location} ${issues[0].where} ${issues[0].message})`;
  if (!reply.answered) return fail(`${expected}, got no complete answer (${reply.exchange.failure})`);
  if (reply.status !== 400 || reply.problemCode !== 'validation_failed') return fail(`${expected}, got ${reply.summary}`);
  const listed = (reply.json as { errors?: Array<{ location?: unknown }> }).errors;
  if (Array.isArray(listed) && !listed.some((e) => e?.location === family.location)) {
    return fail(`validation_failed should locate the issue in the ${family.location}; its errors say ${JSON.stringify(listed).slice(0, 300)}`);
  }
  return { usable: true, ok: true, reply };
}

/** The input as sent, briefly (long strings shortened; their length in code points said). */
export function describeCase(sent: ResolvedCase): string {
  const short = (value: unknown): unknown => {
    if (typeof value === 'string') return value.length > 80 ? `${value.slice(0, 40)}…(${[...value].length} characters)…${value.slice(-20)}` : value;
    if (Array.isArray(value)) return value.length > 12 ? [...value.slice(0, 12).map(short), `…${value.length} items`] : value.map(short);
    if (value && typeof value === 'object') {
      const entries = Object.entries(value);
      const shown = entries.slice(0, 12).map(([k, v]) => [k, short(v)]);
      if (entries.length > 12) shown.push(['…', `${entries.length} properties`]);
      return Object.fromEntries(shown);
    }
    return value;
  };
  const parts: Record<string, unknown> = {};
  const path = Object.fromEntries(Object.entries(sent.path).filter(([, v]) => v !== undefined));
  if (Object.keys(path).length > 0) parts.path = short(path);
  if (Object.keys(sent.query).length > 0) parts.query = short(sent.query);
  if (sent.headers.length > 0) parts.headers = short(Object.fromEntries(sent.headers));
  if (sent.body !== undefined) parts.body = short(sent.body);
  return JSON.stringify(parts);
}
