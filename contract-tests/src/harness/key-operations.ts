import type { RuleId } from '../rule-catalogue.ts';
import { sleep } from './clock.ts';
import type { IssuedKey } from './key-pool.ts';
import type { Reply } from './reply.ts';
import type { Scenario } from './scenario.ts';

/**
 * Small, named calls the lifecycle scenarios are written in. Each goes through the scenario, so
 * every response they get is checked against the spec like any other.
 */
/**
 * A new key of the main pool named for `purpose` (with whatever else `body` asks for: scopes, an
 * expiry), and the worker key that created it, which has `need` requests left for the scenario.
 */
export async function freshKey(s: Scenario, purpose: string, body: Record<string, unknown> = {}, need = 2): Promise<{ worker: string; key: IssuedKey }> {
  const pool = s.session.pool();
  const worker = await pool.worker(s, need);
  const key = await pool.create(s, { creator: worker, body: { name: s.session.keyName(purpose), ...body } });
  return { worker, key };
}

export function ping(s: Scenario, key: string): Promise<Reply> {
  return s.send({ op: s.session.contract.operation('ping'), auth: { key } });
}

export function getKey(s: Scenario, via: string, id: string): Promise<Reply> {
  return s.send({ op: s.session.contract.operation('getApiKey'), auth: { key: via }, pathParams: { key_id: id } });
}

export function revokeKey(s: Scenario, via: string, id: string): Promise<Reply> {
  return s.send({ op: s.session.contract.operation('revokeApiKey'), auth: { key: via }, pathParams: { key_id: id } });
}

export function regenerateKey(s: Scenario, via: string, id: string, body?: Record<string, unknown>): Promise<Reply> {
  return s.send({ op: s.session.contract.operation('regenerateApiKey'), auth: { key: via }, pathParams: { key_id: id }, json: body });
}

export function usage(s: Scenario, key: string): Promise<Reply> {
  return s.send({ op: s.session.contract.operation('getUsage'), auth: { key } });
}

export interface ListedKey {
  id: string;
  prefix: string;
  status: string;
  [field: string]: unknown;
}

/** One page of the key list as read: its items and the next page's cursor. */
export interface KeyListPage {
  data: ListedKey[];
  next_cursor: string | null;
}

/**
 * Follows the key list's cursors from the first page: `readPage` reads the page a query names
 * (undefined: it could not be read). Says how the list ended, with the keys read until then.
 */
export async function followKeyList(
  readPage: (query: Record<string, string>) => Promise<KeyListPage | undefined>,
  pageSize = 100,
  maxPages = 50,
): Promise<{ keys: ListedKey[]; ended: 'last-page' | 'unread' | 'too-long' }> {
  const keys: ListedKey[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const query: Record<string, string> = { limit: String(pageSize) };
    if (cursor) query.cursor = cursor;
    const read = await readPage(query);
    if (!read) return { keys, ended: 'unread' };
    keys.push(...read.data);
    cursor = read.next_cursor ?? null;
    if (!cursor) return { keys, ended: 'last-page' };
  }
  return { keys, ended: 'too-long' };
}

/**
 * Every key the environment lists, page by page. Returns undefined (after a failed check) when
 * a page is refused or the pages do not end within `maxPages`.
 */
export async function listAllKeys(s: Scenario, via: string, rule: RuleId, pageSize = 100, maxPages = 50): Promise<{ keys: ListedKey[]; pages: Reply[] } | undefined> {
  const op = s.session.contract.operation('listApiKeys');
  const pages: Reply[] = [];
  const listed = await followKeyList(async (query) => {
    const reply = await s.send({ op, auth: { key: via }, query });
    pages.push(reply);
    const json = reply.json as Partial<KeyListPage> | undefined;
    if (!s.check(rule, reply.status === op.successStatus && Array.isArray(json?.data), `listing keys answered ${reply.summary}`, reply)) return undefined;
    return { data: json!.data!, next_cursor: json!.next_cursor ?? null };
  }, pageSize, maxPages);
  if (listed.ended === 'last-page') return { keys: listed.keys, pages };
  if (listed.ended === 'too-long') s.check(rule, false, `the key list did not end within ${maxPages} pages of ${pageSize}`);
  return undefined;
}

/** The target's time: its test clock, else the Date header of a response, else ours. */
export async function targetNow(s: Scenario, key: string): Promise<number> {
  if (s.session.clock.controllable) return s.session.clock.now();
  const reply = await ping(s, key);
  const date = reply.header('date');
  return date ? Date.parse(date) : Date.now();
}

/**
 * Lets `seconds` pass on the target: moves its test clock, or waits for real time. Waiting is
 * only ever for the short values the scenarios choose when no clock is available.
 */
export async function letTimePass(s: Scenario, seconds: number): Promise<void> {
  if (s.session.clock.controllable) await s.session.clock.advance(seconds);
  else await sleep(seconds * 1000, s.signal);
}

/**
 * Polls `probe` until `done` holds or `boundMs` passes (real time only); returns the last reply.
 */
export async function pollUntil(probe: () => Promise<Reply>, done: (reply: Reply) => boolean, boundMs: number, everyMs = 250): Promise<Reply> {
  const deadline = Date.now() + boundMs;
  let reply = await probe();
  while (!done(reply) && Date.now() < deadline) {
    await sleep(everyMs);
    reply = await probe();
  }
  return reply;
}

export function sameSet(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b) return false;
  return a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');
}

/** An RFC 3339 timestamp without milliseconds, as the spec's examples write them. */
export function timestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
