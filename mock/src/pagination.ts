// Cursor paging, the same for every list of the API (keys, webhook endpoints, deliveries): a page
// is `limit` records after the cursor's position, read one record further to know whether
// another page follows; `next_cursor` is the position of the last record shown, or null.

// Cursors are opaque to clients: the sequence of the last record shown, base64url-encoded.
export function encodeCursor(sequence: number): string {
  return Buffer.from(`after:${sequence}`).toString('base64url');
}

export function decodeCursor(cursor: string): number | null {
  const match = /^after:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  return match ? Number(match[1]) : null;
}

export interface Page<T> {
  readonly records: readonly T[];
  readonly nextCursor: string | null;
}

/**
 * The page a validated query (`limit`, optional `cursor`) asks for, or null when the cursor is not
 * one this server issued. `first` is the position of a list's start (0 for oldest first, the
 * largest sequence for newest first); `read(position, count)` returns up to `count` records
 * after `position`, in the list's order.
 */
export function readPage<T extends { readonly sequence: number }>(
  query: Readonly<Record<string, unknown>>,
  first: number,
  read: (position: number, count: number) => readonly T[],
): Page<T> | null {
  const limit = query.limit as number;
  const cursor = query.cursor as string | undefined;
  const position = cursor === undefined ? first : decodeCursor(cursor);
  if (position === null) return null;
  const records = read(position, limit + 1);
  const more = records.length > limit;
  const shown = more ? records.slice(0, limit) : records;
  return { records: shown, nextCursor: more ? encodeCursor(shown[shown.length - 1].sequence) : null };
}
