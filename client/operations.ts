// What the client knows per operation, from the spec (generated/contract-facts.ts): which ones
// take an Idempotency-Key, and how the cursor-paginated ones page. Both clients hand a request
// here with its operation's path template (openapi-fetch's `schemaPath`, hey-api's `url`).
import { idempotencyKey, paginatedOperations } from '../generated/contract-facts.ts';
import { HeraldError } from './errors.ts';

const TAKES_IDEMPOTENCY_KEY: ReadonlySet<string> = new Set(idempotencyKey.operations);

/** Whether the operation (an upper-case method, the spec's path template) takes an Idempotency-Key. */
export function takesIdempotencyKey(method: string, pathTemplate: string): boolean {
  return TAKES_IDEMPOTENCY_KEY.has(`${method} ${pathTemplate}`);
}

/**
 * Gives the request an Idempotency-Key when its operation takes one and the caller gave none:
 * one per call, made before the first attempt, so every retry of the call carries the same.
 */
export function addIdempotencyKey(request: Request, pathTemplate: string): void {
  if (!request.headers.has(idempotencyKey.header) && takesIdempotencyKey(request.method, pathTemplate)) {
    request.headers.set(idempotencyKey.header, crypto.randomUUID());
  }
}

export type PaginatedPath = keyof typeof paginatedOperations;
export type PageMembers = (typeof paginatedOperations)[PaginatedPath];

export function pageMembers(path: string): PageMembers {
  const members = (paginatedOperations as Record<string, PageMembers>)[path];
  if (!members) throw new TypeError(`${path} is not a cursor-paginated operation; these are: ${Object.keys(paginatedOperations).join(', ')}`);
  return members;
}

/**
 * Every item of every page, fetching the next page only when the items of this one are used up.
 * `fetchPage` answers a cursor (undefined for the first page) with the page's body, or throws.
 */
export async function* everyItem<Item>(members: PageMembers, fetchPage: (cursor: string | undefined) => Promise<Record<string, unknown>>): AsyncGenerator<Item, void, undefined> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page[members.items] as Item[];
    const next = page[members.nextCursor];
    cursor = typeof next === 'string' ? next : undefined;
    if (cursor !== undefined && seen.has(cursor)) throw new HeraldError(`The server returned the cursor ${cursor} twice: stopped paging to avoid a loop`);
    if (cursor !== undefined) seen.add(cursor);
  } while (cursor !== undefined);
}
