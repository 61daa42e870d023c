import { digestIndexKey } from './key-hashing.ts';

// All persistent state of the reference server behind one interface: accounts, environments,
// keys (as digests only), notifications and quota usage. The in-memory implementation below is
// what `npm start` uses; a shared or persistent store would implement the same interface without
// touching the handlers. Transient, bounded state (rate-limit windows, the failed-auth throttle,
// idempotency records) lives in its own modules.

export type Channel = 'email' | 'webhook';

export interface AccountRecord {
  readonly id: string;
  readonly name: string;
  /** A plan name of the spec's `Plan` schema. */
  readonly plan: string;
  readonly active: boolean;
}

export interface EnvironmentRecord {
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  readonly type: 'development' | 'production' | 'custom';
  readonly applicationIdentifier: string;
  readonly region: string;
}

/** One secret of a key, as stored: its digest and its display prefix, never the secret. */
export interface SecretSlot {
  readonly digest: Buffer;
  readonly prefix: string;
  /** For a previous secret in its grace period: when it stops working. */
  readonly expiresAt: number | null;
}

export interface KeyRecord {
  readonly id: string;
  readonly environmentId: string;
  readonly accountId: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly lastUsedAt: number | null;
  readonly regeneratedAt: number | null;
  readonly revokedAt: number | null;
  readonly current: SecretSlot;
  /** The secret replaced by the last regeneration, while it may still be in its grace period. */
  readonly previous: SecretSlot | null;
  /** Creation order, for listings and cursors. */
  readonly sequence: number;
}

/** A presented secret's key and the slot it matched (current, previous or retired: see secretFailure). */
export interface SecretMatch {
  readonly key: KeyRecord;
  readonly slot: SecretSlot;
}

export interface NotificationRecord {
  readonly id: string;
  readonly environmentId: string;
  readonly channel: Channel;
  readonly countedTowardQuota: boolean;
  readonly createdAt: number;
}

export interface QuotaUsage {
  /** Start of the calendar month these counts belong to. */
  readonly periodStart: number;
  readonly sent: Readonly<Record<Channel, number>>;
}

export interface NewKey {
  readonly id: string;
  readonly environmentId: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly secret: SecretSlot;
}

export interface Store {
  /** How many times a presented secret was looked up (the benchmark proves malformed keys never are). */
  readonly lookups: number;
  findSecret(digest: Buffer): SecretMatch | undefined;
  getAccount(id: string): AccountRecord | undefined;
  getEnvironment(id: string): EnvironmentRecord | undefined;
  listEnvironments(): readonly EnvironmentRecord[];
  getKey(id: string): KeyRecord | undefined;
  /** Keys of an environment that are not revoked, oldest first, created after `afterSequence`. */
  listKeys(environmentId: string, afterSequence: number, limit: number): KeyRecord[];
  addAccount(account: AccountRecord): void;
  addEnvironment(environment: EnvironmentRecord): void;
  insertKey(key: NewKey): KeyRecord;
  /**
   * Gives a key a new secret. The replaced one becomes `previous` until `graceUntil`, or retires
   * at once when `graceUntil` is null; an earlier previous secret retires in either case.
   */
  replaceSecret(keyId: string, secret: SecretSlot, graceUntil: number | null, at: number): KeyRecord;
  revokeKey(keyId: string, at: number): KeyRecord;
  recordUse(keyId: string, at: number): void;
  addNotification(notification: NotificationRecord): void;
  getNotification(environmentId: string, id: string): NotificationRecord | undefined;
  /** The account's counts for the period starting at `periodStart` (zero for a new period). */
  usage(accountId: string, periodStart: number): QuotaUsage;
  countNotification(accountId: string, periodStart: number, channel: Channel): QuotaUsage;
  setUsage(accountId: string, usage: QuotaUsage): void;
  /** A JSON-ready copy of the state, for debugging and for proving it holds no secret. */
  dump(): StoreDump;
}

export interface StoreDump {
  accounts: AccountRecord[];
  environments: EnvironmentRecord[];
  keys: Array<Omit<KeyRecord, 'current' | 'previous'> & {
    current: { digest: string; prefix: string };
    previous: { digest: string; prefix: string; expiresAt: number | null } | null;
    retiredDigests: string[];
  }>;
  notifications: NotificationRecord[];
  usage: Array<{ accountId: string } & QuotaUsage>;
}

export interface InMemoryStoreLimits {
  /** Most recent notifications kept per environment. */
  notificationsPerEnvironment: number;
  /** Retired secrets remembered per key (so they answer `expired_api_key`, not `invalid_api_key`). */
  retiredSecretsPerKey: number;
}

export const DEFAULT_STORE_LIMITS: InMemoryStoreLimits = {
  notificationsPerEnvironment: 10_000,
  retiredSecretsPerKey: 16,
};

type MutableKey = { -readonly [P in keyof KeyRecord]: KeyRecord[P] };

export class InMemoryStore implements Store {
  lookups = 0;
  private readonly accounts = new Map<string, AccountRecord>();
  private readonly environments = new Map<string, EnvironmentRecord>();
  private readonly keys = new Map<string, MutableKey>();
  /**
   * Per environment, its unrevoked keys in creation order: a page is found by binary search on
   * the cursor's sequence and read without skipping anything, so every page costs the same,
   * however deep and however many keys were revoked before it.
   */
  private readonly keysByEnvironment = new Map<string, MutableKey[]>();
  /** Digest → owning key id, for current, previous and retired secrets alike. */
  private readonly secretIndex = new Map<string, { keyId: string; slot: SecretSlot }>();
  private readonly retired = new Map<string, SecretSlot[]>();
  private readonly notifications = new Map<string, Map<string, NotificationRecord>>();
  private readonly usageByAccount = new Map<string, QuotaUsage>();
  private sequence = 0;

  constructor(private readonly limits: InMemoryStoreLimits = DEFAULT_STORE_LIMITS) {}

  findSecret(digest: Buffer): SecretMatch | undefined {
    this.lookups++;
    const entry = this.secretIndex.get(digestIndexKey(digest));
    if (entry === undefined) return undefined;
    return { key: this.keys.get(entry.keyId) as KeyRecord, slot: entry.slot };
  }

  getAccount(id: string) {
    return this.accounts.get(id);
  }

  getEnvironment(id: string) {
    return this.environments.get(id);
  }

  listEnvironments() {
    return [...this.environments.values()];
  }

  getKey(id: string): KeyRecord | undefined {
    return this.keys.get(id);
  }

  listKeys(environmentId: string, afterSequence: number, limit: number): KeyRecord[] {
    const live = this.keysByEnvironment.get(environmentId) ?? [];
    const start = firstAfter(live, afterSequence);
    return live.slice(start, start + limit);
  }

  addAccount(account: AccountRecord) {
    this.accounts.set(account.id, { ...account });
  }

  addEnvironment(environment: EnvironmentRecord) {
    if (!this.accounts.has(environment.accountId)) throw new Error(`no account ${environment.accountId}`);
    this.environments.set(environment.id, { ...environment });
    this.keysByEnvironment.set(environment.id, []);
  }

  insertKey(input: NewKey): KeyRecord {
    const environment = this.environments.get(input.environmentId);
    if (!environment) throw new Error(`no environment ${input.environmentId}`);
    if (this.keys.has(input.id)) throw new Error(`duplicate key id ${input.id}`);
    const key: MutableKey = {
      id: input.id,
      environmentId: input.environmentId,
      accountId: environment.accountId,
      name: input.name,
      scopes: [...input.scopes],
      createdAt: input.createdAt,
      expiresAt: input.expiresAt,
      lastUsedAt: null,
      regeneratedAt: null,
      revokedAt: null,
      current: input.secret,
      previous: null,
      sequence: ++this.sequence,
    };
    this.keys.set(key.id, key);
    (this.keysByEnvironment.get(key.environmentId) as MutableKey[]).push(key);
    this.indexSecret(key.id, input.secret);
    return key;
  }

  replaceSecret(keyId: string, secret: SecretSlot, graceUntil: number | null, at: number): KeyRecord {
    const key = this.mutableKey(keyId);
    if (key.previous) this.retire(key.id, key.previous);
    if (graceUntil === null) {
      this.retire(key.id, key.current);
      key.previous = null;
    } else {
      // The same digest, re-wrapped with its end of grace; the index entry must follow it.
      key.previous = { digest: key.current.digest, prefix: key.current.prefix, expiresAt: graceUntil };
      this.indexSecret(key.id, key.previous);
    }
    key.current = secret;
    key.regeneratedAt = at;
    this.indexSecret(key.id, secret);
    return key;
  }

  revokeKey(keyId: string, at: number): KeyRecord {
    const key = this.mutableKey(keyId);
    if (key.revokedAt === null) {
      // It stays in `keys` and in the secret index (its secrets answer `revoked_api_key`).
      const live = this.keysByEnvironment.get(key.environmentId) as MutableKey[];
      live.splice(firstAfter(live, key.sequence - 1), 1);
    }
    key.revokedAt = at;
    return key;
  }

  recordUse(keyId: string, at: number) {
    const key = this.keys.get(keyId);
    if (key) key.lastUsedAt = at;
  }

  addNotification(notification: NotificationRecord) {
    let kept = this.notifications.get(notification.environmentId);
    if (!kept) this.notifications.set(notification.environmentId, (kept = new Map()));
    kept.set(notification.id, notification);
    // Maps iterate in insertion order, so the first entry is the oldest.
    if (kept.size > this.limits.notificationsPerEnvironment) kept.delete(kept.keys().next().value as string);
  }

  getNotification(environmentId: string, id: string) {
    return this.notifications.get(environmentId)?.get(id);
  }

  usage(accountId: string, periodStart: number): QuotaUsage {
    const stored = this.usageByAccount.get(accountId);
    if (stored && stored.periodStart === periodStart) return stored;
    return { periodStart, sent: { email: 0, webhook: 0 } };
  }

  countNotification(accountId: string, periodStart: number, channel: Channel): QuotaUsage {
    const before = this.usage(accountId, periodStart);
    const after = { periodStart, sent: { ...before.sent, [channel]: before.sent[channel] + 1 } };
    this.usageByAccount.set(accountId, after);
    return after;
  }

  setUsage(accountId: string, usage: QuotaUsage) {
    this.usageByAccount.set(accountId, { periodStart: usage.periodStart, sent: { ...usage.sent } });
  }

  dump(): StoreDump {
    const hex = (slot: SecretSlot) => slot.digest.toString('hex');
    return structuredClone({
      accounts: [...this.accounts.values()],
      environments: [...this.environments.values()],
      keys: [...this.keys.values()].map((key) => ({
        ...key,
        current: { digest: hex(key.current), prefix: key.current.prefix },
        previous: key.previous
          ? { digest: hex(key.previous), prefix: key.previous.prefix, expiresAt: key.previous.expiresAt }
          : null,
        retiredDigests: (this.retired.get(key.id) ?? []).map(hex),
      })),
      notifications: [...this.notifications.values()].flatMap((kept) => [...kept.values()]),
      usage: [...this.usageByAccount.entries()].map(([accountId, usage]) => ({ accountId, ...usage })),
    });
  }

  private mutableKey(keyId: string): MutableKey {
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`no key ${keyId}`);
    return key;
  }

  private indexSecret(keyId: string, slot: SecretSlot) {
    this.secretIndex.set(digestIndexKey(slot.digest), { keyId, slot });
  }

  /** Remembers a dead secret (bounded per key) so it answers `expired_api_key`. */
  private retire(keyId: string, slot: SecretSlot) {
    let list = this.retired.get(keyId);
    if (!list) this.retired.set(keyId, (list = []));
    list.push(slot);
    this.indexSecret(keyId, slot);
    while (list.length > this.limits.retiredSecretsPerKey) {
      const forgotten = list.shift() as SecretSlot;
      this.secretIndex.delete(digestIndexKey(forgotten.digest));
    }
  }
}

/** Index of the first key created after `sequence` (keys are kept in creation order). */
function firstAfter(keys: readonly KeyRecord[], sequence: number): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (keys[mid].sequence <= sequence) low = mid + 1;
    else high = mid;
  }
  return low;
}
