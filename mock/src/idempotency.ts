import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

// Idempotency keys on POSTs (spec "Idempotency"): the first executed response to an
// (API key id, Idempotency-Key) pair is kept 24 hours and replayed for an identical request;
// a different method, path or body under the same pair is refused. A duplicate that arrives
// while the first is still running waits for it. Responses that carry a secret are kept only
// encrypted, under a key derived from the API key that presented them and the idempotency key,
// so this table never holds a usable secret. Memory is bounded per API key and overall.

export const RETENTION_MS = 24 * 60 * 60 * 1000;

export interface IdempotencyLimits {
  perApiKey: number;
  total: number;
}

export const DEFAULT_IDEMPOTENCY_LIMITS: IdempotencyLimits = { perApiKey: 2_000, total: 20_000 };

export interface StoredResponse {
  readonly status: number;
  /** Headers to repeat on a replay (e.g. `Location`), lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The serialized body. */
  readonly body: string;
  readonly contentType: string;
}

interface SealedBody {
  readonly salt: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly ciphertext: Buffer;
}

// Kept lean: up to 20,000 of these live at once.
interface Entry {
  readonly apiKeyId: string;
  readonly fingerprint: string;
  readonly createdAt: number;
  /** Set while the first request runs; resolved when it completes or gives up. */
  pending: { promise: Promise<void>; resolve: () => void } | null;
  status: number;
  headers: Readonly<Record<string, string>>;
  contentType: string;
  /** The body as sent, or sealed when it shows a secret. */
  body: string | SealedBody;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

export type Admission =
  /** Nothing stored: run the request, then `complete` (or `abandon` if it should not be kept). */
  | { kind: 'execute'; complete(response: StoredResponse, containsSecret: boolean): void; abandon(): void }
  /** The stored answer. */
  | { kind: 'replay'; response: StoredResponse }
  /** An identical request is running: wait, then ask again. */
  | { kind: 'wait'; until: Promise<void> }
  /** The key was used for a different request (or, for a sealed answer, with a different secret). */
  | { kind: 'mismatch'; reason: 'different-request' | 'different-secret' };

export class IdempotencyStore {
  /** All entries, oldest first. */
  private readonly entries = new Map<string, Entry>();
  /** Per API key id, that key's entries, oldest first. */
  private readonly byApiKey = new Map<string, Map<string, Entry>>();

  constructor(private readonly limits: IdempotencyLimits = DEFAULT_IDEMPOTENCY_LIMITS) {}

  get size(): number {
    return this.entries.size;
  }

  /** A JSON-ready copy of every record, for proving that what is kept holds no usable secret. */
  dump(): Array<{ apiKeyId: string; fingerprint: string; createdAt: number; status: number; headers: Record<string, string>; body: string | Record<string, string> }> {
    return [...this.entries.values()].map((entry) => ({
      apiKeyId: entry.apiKeyId,
      fingerprint: entry.fingerprint,
      createdAt: entry.createdAt,
      status: entry.status,
      headers: { ...entry.headers },
      body: typeof entry.body === 'string'
        ? entry.body
        : Object.fromEntries(Object.entries(entry.body).map(([name, bytes]) => [name, (bytes as Buffer).toString('base64')])),
    }));
  }

  /**
   * Admits a request. `presentedSecret` is the API key as sent: it seals and unseals responses
   * that contain a secret and is never stored.
   */
  admit(
    apiKeyId: string,
    idempotencyKey: string,
    fingerprint: string,
    presentedSecret: string,
    now: number,
  ): Admission {
    const id = entryId(apiKeyId, idempotencyKey);
    let entry = this.entries.get(id);
    if (entry !== undefined && entry.createdAt + RETENTION_MS <= now && entry.pending === null) {
      this.remove(id, entry);
      entry = undefined;
    }
    if (entry !== undefined) {
      if (entry.fingerprint !== fingerprint) return { kind: 'mismatch', reason: 'different-request' };
      if (entry.pending !== null) return { kind: 'wait', until: entry.pending.promise };
      const body = typeof entry.body === 'string' ? entry.body : unseal(entry.body, presentedSecret, id);
      if (body === null) return { kind: 'mismatch', reason: 'different-secret' };
      return { kind: 'replay', response: { status: entry.status, headers: entry.headers, body, contentType: entry.contentType } };
    }

    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    const created: Entry = {
      apiKeyId,
      fingerprint,
      createdAt: now,
      pending: { promise, resolve },
      status: 0,
      headers: NO_HEADERS,
      contentType: '',
      body: '',
    };
    this.insert(id, created, now);
    const settle = () => {
      const pending = created.pending;
      created.pending = null;
      pending?.resolve();
    };
    return {
      kind: 'execute',
      complete: (response, containsSecret) => {
        created.status = response.status;
        created.headers = Object.keys(response.headers).length === 0 ? NO_HEADERS : response.headers;
        created.contentType = response.contentType;
        created.body = containsSecret ? seal(response.body, presentedSecret, id) : response.body;
        settle();
      },
      abandon: () => {
        if (this.entries.get(id) === created) this.remove(id, created);
        settle();
      },
    };
  }

  private insert(id: string, entry: Entry, now: number) {
    this.entries.set(id, entry);
    let own = this.byApiKey.get(entry.apiKeyId);
    if (!own) this.byApiKey.set(entry.apiKeyId, (own = new Map()));
    own.set(id, entry);
    // Expired entries go first, then the oldest beyond the caps.
    for (const [oldId, old] of this.entries) {
      if (old.createdAt + RETENTION_MS > now || old.pending !== null) break;
      this.remove(oldId, old);
    }
    while (own.size > this.limits.perApiKey) {
      const [oldId, old] = own.entries().next().value as [string, Entry];
      this.remove(oldId, old);
    }
    while (this.entries.size > this.limits.total) {
      const [oldId, old] = this.entries.entries().next().value as [string, Entry];
      this.remove(oldId, old);
    }
  }

  private remove(id: string, entry: Entry) {
    this.entries.delete(id);
    const own = this.byApiKey.get(entry.apiKeyId);
    if (own) {
      own.delete(id);
      if (own.size === 0) this.byApiKey.delete(entry.apiKeyId);
    }
    // A waiter on an evicted entry asks again and runs the request itself.
    if (entry.pending) {
      const pending = entry.pending;
      entry.pending = null;
      pending.resolve();
    }
  }
}

function entryId(apiKeyId: string, idempotencyKey: string): string {
  return `${apiKeyId}\n${idempotencyKey}`;
}

/** What must match for a replay: method, path and body (JSON compared with sorted keys). */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n`)
    .update(body === undefined ? '' : canonicalJson(body))
    .digest('base64');
}

/**
 * JSON with object keys sorted. Iterative, not recursive: a 16 KiB body can nest thousands of
 * levels deep, more than the call stack holds.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item instanceof Literal) {
      out.push(item.text);
    } else if (item === null || typeof item !== 'object') {
      out.push(JSON.stringify(item) ?? 'null');
    } else if (Array.isArray(item)) {
      stack.push(new Literal(']'));
      for (let i = item.length - 1; i >= 0; i--) {
        stack.push(item[i]);
        if (i > 0) stack.push(new Literal(','));
      }
      stack.push(new Literal('['));
    } else {
      const keys = Object.keys(item).sort();
      stack.push(new Literal('}'));
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push((item as Record<string, unknown>)[keys[i]]);
        stack.push(new Literal(`${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:`));
      }
      stack.push(new Literal('{'));
    }
  }
  return out.join('');
}

/** Text to emit as is (as opposed to a value to serialize). */
class Literal {
  constructor(readonly text: string) {}
}

function sealingKey(presentedSecret: string, salt: Buffer, id: string): Buffer {
  return Buffer.from(hkdfSync('sha256', presentedSecret, salt, `herald idempotency\n${id}`, 32));
}

function seal(body: string, presentedSecret: string, id: string): SealedBody {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(presentedSecret, salt, id), iv);
  const ciphertext = Buffer.concat([cipher.update(body, 'utf8'), cipher.final()]);
  return { salt, iv, tag: cipher.getAuthTag(), ciphertext };
}

function unseal(sealed: SealedBody, presentedSecret: string, id: string): string | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(presentedSecret, sealed.salt, id), sealed.iv);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
