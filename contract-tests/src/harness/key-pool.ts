import { readRateLimit } from './rate-limit-headers.ts';
import type { Reply } from './reply.ts';
import type { RuleId } from '../rule-catalogue.ts';
import type { Scenario } from './scenario.ts';
import type { Session } from './session.ts';

export interface IssuedKey {
  id: string;
  secret: string;
  prefix: string;
  name: string;
  scopes: string[];
  expiresAt: string | null;
  /** The secret of the key that created it (same environment). */
  creator: string;
  revoked: boolean;
  worker: boolean;
  used: number;
  /** The create response, for scenarios that check it. */
  reply: Reply;
}

export interface CreateKeyOptions {
  creator: string;
  body: Record<string, unknown>;
  /** The rule a failed creation breaks; by default lifecycle.create. */
  rule?: RuleId;
}

// Keep a margin under each key's limit: the suite must never trip a rate limit by accident.
const BUDGET_SHARE = 0.75;
const CLEANUP_RESERVE = 2;
const FALLBACK_LIMIT = 50;

/**
 * The keys the suite creates in one environment (under one root key), and the full-scope
 * "worker" keys it spreads its requests over, so that no key goes near its rate limit except
 * in the burst scenario. Everything created is revoked at the end.
 */
export class KeyPool {
  private readonly keys: IssuedKey[] = [];
  private readonly bySecret = new Map<string, IssuedKey>();
  private current?: IssuedKey;
  private limit?: number;
  private workerCount = 0;

  constructor(private readonly session: Session, readonly root: string, private readonly label: string) {}

  /** A full-scope key of the root's environment with at least `need` requests left in its budget. */
  async worker(s: Scenario, need = 1): Promise<string> {
    if (!this.current || this.current.revoked || this.current.used + need > this.budget()) {
      this.workerCount++;
      this.current = await this.create(s, { creator: this.root, body: { name: this.session.keyName(`${this.label} worker ${this.workerCount}`) } });
      this.current.worker = true;
    }
    return this.current.secret;
  }

  private budget(): number {
    return Math.max(3, Math.floor((this.limit ?? FALLBACK_LIMIT) * BUDGET_SHARE) - CLEANUP_RESERVE);
  }

  async create(s: Scenario, options: CreateKeyOptions): Promise<IssuedKey> {
    const op = this.session.contract.operation('createApiKey');
    // Every key the suite creates says whose it is and dies by itself within the hour, so that even
    // a run killed before its cleanup leaves nothing that lives on.
    const body = { ...options.body };
    if (typeof body.name !== 'string' || !body.name.startsWith(this.session.keyName(''))) body.name = this.session.keyName(typeof body.name === 'string' ? body.name : 'key');
    if (!('expires_at' in body)) body.expires_at = this.session.keyExpiry();
    const reply = await s.send({ op, auth: { key: options.creator }, json: body });
    const data = reply.data<Record<string, unknown>>();
    s.require(options.rule ?? 'lifecycle.create', reply.status === op.successStatus && typeof data?.secret === 'string' && typeof data?.id === 'string',
      `creating a key with ${JSON.stringify(body)} answered ${reply.summary}, not ${op.successStatus} with an id and a secret`, reply);
    // The session adopted the key when the response went by.
    const key = this.session.issuedKey(data!.id as string);
    if (!key) throw new Error(`The key ${String(data!.id)} was created but not adopted by any pool`);
    return key;
  }

  /** Takes charge of a key a response just issued (whoever asked for it). */
  adopt(reply: Reply, creator: string): IssuedKey {
    const data = reply.data<Record<string, unknown>>()!;
    if (this.limit === undefined) this.limit = readRateLimit(reply, this.session.contract.headers).limit;
    const key: IssuedKey = {
      id: data.id as string,
      secret: data.secret as string,
      prefix: String(data.prefix),
      name: String(data.name),
      scopes: Array.isArray(data.scopes) ? data.scopes.filter((x): x is string => typeof x === 'string') : [],
      expiresAt: (data.expires_at ?? null) as string | null,
      creator,
      revoked: false,
      worker: false,
      used: 0,
      reply,
    };
    this.session.secrets.remember(key.secret);
    this.keys.push(key);
    this.bySecret.set(key.secret, key);
    return key;
  }

  knows(id: string): boolean {
    return this.keys.some((k) => k.id === id);
  }

  find(id: string): IssuedKey | undefined {
    return this.keys.find((k) => k.id === id);
  }

  /** Counts a request made with one of this pool's keys toward its budget. */
  noteUse(secret: string): void {
    const key = this.bySecret.get(secret);
    if (key) key.used++;
  }

  owns(secret: string): boolean {
    return this.bySecret.has(secret);
  }

  bySecretValue(secret: string): IssuedKey | undefined {
    return this.bySecret.get(secret);
  }

  /** Keys of this pool not yet revoked (what an interrupted run still has to clean up). */
  active(): IssuedKey[] {
    return this.keys.filter((k) => !k.revoked);
  }

  get createdCount(): number {
    return this.keys.length;
  }

  /** A regeneration replaced a key's secret: follow it, so budgets and cleanup still work. */
  replaceSecret(id: string, secret: string): void {
    const key = this.keys.find((k) => k.id === id);
    if (!key) return;
    this.session.secrets.remember(secret);
    key.secret = secret;
    key.used = 0;
    this.bySecret.set(secret, key);
  }

  markRevoked(id: string): void {
    for (const key of this.keys) if (key.id === id) key.revoked = true;
  }

  /** Revokes every key this pool created: others with a worker, then each worker itself. */
  async cleanup(s: Scenario): Promise<void> {
    const op = this.session.contract.operation('revokeApiKey');
    const pending = this.keys.filter((k) => !k.revoked && !k.worker).reverse();
    for (const key of pending) {
      const worker = await this.worker(s);
      const reply = await s.send({ op, auth: { key: worker }, pathParams: { key_id: key.id } });
      key.revoked = true;
      s.check('lifecycle.revoke', reply.status === op.successStatus || reply.status === 404, `cleaning up: revoking ${key.id} answered ${reply.summary}`, reply);
    }
    for (const worker of this.keys.filter((k) => k.worker && !k.revoked).reverse()) {
      const reply = await s.send({ op, auth: { key: worker.secret }, pathParams: { key_id: worker.id } });
      worker.revoked = true;
      s.check('lifecycle.revoke', reply.status === op.successStatus, `cleaning up: a worker key revoking itself answered ${reply.summary}`, reply);
    }
    this.current = undefined;
  }
}
