import { Coverage } from '../coverage/coverage.ts';
import { HttpClient } from '../http/http-client.ts';
import { Redactor } from '../redact.ts';
import type { StopNote } from '../results.ts';
import { ruleApplies, whyNotApplied, type RuleId } from '../rule-catalogue.ts';
import { configuredKeys, CONFIGURED_KEY_VARIABLES, type SuiteConfig } from '../runner/config.ts';
import { Contract, credentialHeader, type CredentialForm } from '../spec/contract.ts';
import { TargetClock } from './clock.ts';
import type { KeyOrigin } from './curl.ts';
import { KeyPool, type IssuedKey } from './key-pool.ts';
import { Reply } from './reply.ts';
import { checkEveryResponse } from './response-checks.ts';
import { Resources } from './resources.ts';
import type { Credential, Scenario, SendOptions } from './scenario.ts';
import { SecretTracker } from './secret-tracker.ts';
import { WebhookReceiver } from './webhook-receiver.ts';
import { TargetStats } from './stats.ts';

/** The configuration of one run, with the run's id (it names the keys the suite creates). */
export interface WorkerConfig extends SuiteConfig {
  runId: string;
}

/** How the run stops early: the signal every request listens to, and who may pull it. */
export interface RunControl {
  signal: AbortSignal;
  stop(note: StopNote): void;
}

/** Thrown by `send` once the run was stopped (interrupted, time limit): not a verdict on the target. */
export class RunCancelled extends Error {
  override name = 'RunCancelled';
}

/** How long a key the suite creates lives (the issue: an interrupted run must leave nothing that lives on). */
export const CREATED_KEY_LIFETIME_SECONDS = 3600;
/** Shrinking requests of a whole run: against a target that fails everywhere, the run stays short. */
const RUN_SHRINK_REQUESTS = 150;
/** Consecutive exchanges without a complete answer after which the run stops: the target has stopped answering. */
const UNANSWERED_IN_A_ROW = 3;

/** Configuration a scenario needs; when absent the scenario is skipped with `reason`. */
export interface Need {
  option: keyof SuiteConfig;
  reason: string;
}

export const NEEDS = {
  otherEnvironment: { option: 'otherEnvApiKey', reason: 'HERALD_OTHER_ENV_API_KEY is not set (a full-access key of another environment of the same account)' },
  readOnlyKey: { option: 'readOnlyApiKey', reason: 'HERALD_READ_ONLY_API_KEY is not set (a key holding only read scopes)' },
  inactiveAccount: { option: 'inactiveAccountApiKey', reason: 'HERALD_INACTIVE_ACCOUNT_API_KEY is not set (a key of an inactive account)' },
  nearQuota: { option: 'nearQuotaApiKey', reason: 'HERALD_NEAR_QUOTA_API_KEY is not set (a key of an account close to its monthly quota)' },
  testClock: { option: 'testClockUrl', reason: 'HERALD_TEST_CLOCK_URL is not set (the check would lock this address out for a minute without a clock to move past it)' },
  reporter: { option: 'reporterPrivateKey', reason: 'HERALD_REPORTER_PRIVATE_KEY and HERALD_REPORTER_KEY_IDENTIFIER are not set (a leaked-key reporter the deployment trusts; `herald-mock --env-out` writes its own)' },
  stats: { option: 'statsUrl', reason: "HERALD_STATS_URL is not set (the deployment's read-only counters; what a server looks up and keeps is not visible in its answers)" },
} satisfies Record<string, Need>;

/**
 * Everything the scenarios of one run share: the configuration, the contract read from the spec,
 * the HTTP client, the secrets, the keys the suite created and the target's clock. Scenarios run
 * one after another, so one session serves them all.
 */
export class Session {
  readonly contract: Contract;
  readonly http: HttpClient;
  readonly redactor: Redactor;
  readonly secrets: SecretTracker;
  readonly clock: TargetClock;
  readonly stats: TargetStats;
  readonly resources: Resources;
  readonly coverage: Coverage;
  readonly control: RunControl;
  private readonly pools = new Map<string, KeyPool>();
  /** What the schema-derived input may still spend on shrinking failures, across the run. */
  readonly fuzzBudget = { shrinkRequests: RUN_SHRINK_REQUESTS };
  /** The target's clock minus ours, from the Date headers (and the test clock's moves). */
  private targetOffsetMs = 0;
  private unansweredInARow = 0;

  /**
   * `redactor`: the run's own (what the reports are redacted with), so that every secret the
   * session learns — keys it creates, a webhook endpoint's signing secret — is redacted there too.
   */
  constructor(readonly config: WorkerConfig, control?: RunControl, redactor?: Redactor) {
    this.control = control ?? { signal: new AbortController().signal, stop: () => undefined };
    this.contract = Contract.load(config.specPath);
    this.http = new HttpClient(config.baseUrl, { timeoutMs: config.timeoutMs, signal: this.control.signal });
    const configured = configuredKeys(config);
    this.redactor = redactor ?? new Redactor([...configured, config.reporterPrivateKey]);
    this.secrets = new SecretTracker(this.redactor, this.contract.keyFormat, configured);
    this.clock = new TargetClock(this.http, config.testClockUrl, (seconds) => { this.targetOffsetMs += seconds * 1000; });
    this.stats = new TargetStats(this.http, config.statsUrl);
    this.resources = new Resources(this);
    this.coverage = new Coverage(this.contract);
  }

  /** The receiver webhooks are delivered to, started on first use and closed by cleanup. */
  private webhookReceiver: WebhookReceiver | undefined;
  /** Webhook endpoints the suite registered and has not deleted yet (cleanup deletes them). */
  readonly webhookEndpoints = new Set<string>();

  async receiver(): Promise<WebhookReceiver> {
    this.webhookReceiver ??= new WebhookReceiver(this.config.callbackHost, this.config.callbackPort);
    await this.webhookReceiver.start();
    return this.webhookReceiver;
  }

  async closeReceiver(): Promise<void> {
    await this.webhookReceiver?.close();
  }

  /** The target's current time, as its last Date header (and test-clock moves) tell. */
  targetNow(): number {
    return Date.now() + this.targetOffsetMs;
  }

  /** A short expiry for a key the suite creates: an hour from the target's now. */
  keyExpiry(): string {
    return new Date(Math.floor(this.targetNow() / 1000) * 1000 + CREATED_KEY_LIFETIME_SECONDS * 1000).toISOString().replace('.000Z', 'Z');
  }

  /** Where a key value comes from, for reproduction commands (the shell variable that holds it). */
  originOf(value: string): KeyOrigin | undefined {
    const configured = configuredKeys(this.config);
    const index = configured.indexOf(value);
    if (index >= 0) return { variable: CONFIGURED_KEY_VARIABLES[index] };
    for (const pool of this.pools.values()) {
      const key = pool.bySecretValue(value);
      if (!key) continue;
      const rootIndex = configured.indexOf(pool.root);
      return {
        variable: 'HERALD_CREATED_KEY',
        created: { name: key.name, scopes: key.scopes, creatorVariable: CONFIGURED_KEY_VARIABLES[rootIndex >= 0 ? rootIndex : 0] },
      };
    }
    return undefined;
  }

  get stateless(): boolean {
    return this.config.profile === 'stateless';
  }

  /** The pool of keys created under a root key (by default HERALD_API_KEY). */
  pool(root: string = this.config.apiKey): KeyPool {
    let pool = this.pools.get(root);
    if (!pool) {
      pool = new KeyPool(this, root, root === this.config.apiKey ? 'main' : `pool ${this.pools.size + 1}`);
      this.pools.set(root, pool);
    }
    return pool;
  }

  issuedKey(id: string): IssuedKey | undefined {
    for (const pool of this.pools.values()) {
      const key = pool.find(id);
      if (key) return key;
    }
    return undefined;
  }

  /** The pool a key belongs to (as root, worker or created key). */
  poolOf(secret: string): KeyPool | undefined {
    return this.allPools().find((p) => p.owns(secret) || p.root === secret);
  }

  allPools(): KeyPool[] {
    return [...this.pools.values()];
  }

  keyName(purpose: string): string {
    return `herald-contract ${this.config.runId} ${purpose}`.slice(0, 100);
  }

  ruleEnabled(rule: RuleId): boolean {
    return ruleApplies(rule, this.config);
  }

  skipReason(rules: RuleId[], needs: Need[]): string | undefined {
    const notApplied = rules.map((r) => whyNotApplied(r, this.config));
    if (notApplied.every((why) => why !== undefined)) return notApplied[0];
    const missing = needs.find((need) => this.config[need.option] === undefined);
    return missing?.reason;
  }

  async send(s: Scenario, options: SendOptions): Promise<Reply> {
    const { op } = options;
    const method = options.method ?? op?.method ?? 'GET';
    let path = options.path ?? op?.pathTemplate ?? '/';
    for (const [name, value] of Object.entries(options.pathParams ?? {})) path = path.replace(`{${name}}`, encodeURIComponent(value));
    if (options.query && Object.keys(options.query).length > 0) path += `?${new URLSearchParams(options.query).toString()}`;

    const headers: Array<[string, string]> = [['Accept', 'application/json, application/problem+json']];
    const presented: string[] = [];
    if (options.auth) {
      const credential = credentialHeaders(options.auth, this.contract.credentialForms[0]);
      headers.push(...credential.headers);
      presented.push(...credential.presented);
    }
    if (options.idempotencyKey !== undefined && this.contract.idempotencyKeyHeader) headers.push([this.contract.idempotencyKeyHeader, options.idempotencyKey]);
    let body: string | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
      if (options.contentType) headers.push(['Content-Type', options.contentType]);
    } else if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers.push(['Content-Type', 'application/json']);
    }
    headers.push(...(options.headers ?? []));

    const exchange = await this.http.send({ method, path, headers, body }, s.signal);
    s.waitedMs += exchange.durationMs;
    if (exchange.cancelled) throw new RunCancelled(exchange.cancelled);
    this.noteAnswer(exchange.response !== undefined, exchange.failure);
    const date = exchange.response?.headers.date;
    if (date) {
      const at = Date.parse(date);
      if (!Number.isNaN(at)) this.targetOffsetMs = at + 500 - Date.now();
    }
    const reply = new Reply(exchange, op, presented);
    s.ledger.requests++;
    for (const key of presented) for (const pool of this.pools.values()) pool.noteUse(key);
    if (presented.length > 0 && reply.status === 401) s.ledger.failedAuthentications++;
    checkEveryResponse(s, reply);
    this.followIssuedKeys(reply);
    this.followWebhookEndpoints(reply);
    if (op && reply.answered) {
      const form = options.auth && !('headers' in options.auth) ? (options.auth.form ?? this.contract.credentialForms[0]) : undefined;
      const presentedKey = presented.length === 1 ? this.keyBySecret(presented[0]) : undefined;
      this.coverage.record(op, reply, form?.scheme, presentedKey?.scopes);
    }
    return reply;
  }

  /** A key the suite created, by its current secret. */
  keyBySecret(secret: string): IssuedKey | undefined {
    for (const pool of this.pools.values()) {
      const key = pool.bySecretValue(secret);
      if (key) return key;
    }
    return undefined;
  }

  /**
   * A target that stops answering (deadline after deadline, connections refused) would make every
   * remaining scenario wait out its deadlines: after a few in a row, the run stops there.
   */
  private noteAnswer(answered: boolean, failure: string | undefined): void {
    if (answered) {
      this.unansweredInARow = 0;
      return;
    }
    if (++this.unansweredInARow >= UNANSWERED_IN_A_ROW) {
      this.control.stop({ cause: 'target-unresponsive', message: `the target left ${UNANSWERED_IN_A_ROW} requests in a row without a complete answer (last: ${failure}); the run stopped there` });
    }
  }

  /** Endpoints created by any scenario are deleted at cleanup, so a run leaves none behind. */
  private followWebhookEndpoints(reply: Reply): void {
    if (reply.status < 200 || reply.status >= 300 || !reply.op) return;
    const id = reply.data<{ id?: unknown }>()?.id;
    if (typeof id !== 'string') return;
    if (reply.op.id === 'createWebhookEndpoint') this.webhookEndpoints.add(id);
  }

  /**
   * A success that carries a key id and a secret issued a key (create) or a new secret
   * (regenerate): follow it, so that budgets stay right and cleanup revokes what was created.
   */
  private followIssuedKeys(reply: Reply): void {
    if (reply.status < 200 || reply.status >= 300) return;
    const data = reply.data<{ id?: unknown; secret?: unknown }>();
    if (typeof data?.id !== 'string' || typeof data.secret !== 'string') return;
    // Other resources show a secret once too (a webhook endpoint's whsec_ signing secret): only
    // an API key's secret makes a key to follow and revoke.
    if (!this.contract.keyFormat.pattern.test(data.secret)) return;
    const owner = this.allPools().find((pool) => pool.knows(data.id as string));
    if (owner) owner.replaceSecret(data.id, data.secret);
    else if (!reply.op?.parameters.some((p) => p.in === 'path')) {
      // Only a creation adopts: a new secret for a key the suite did not create is not its to revoke.
      const creator = reply.presented[0];
      const pool = this.poolOf(creator) ?? this.pool();
      pool.adopt(reply, creator);
    }
  }
}

function credentialHeaders(auth: Credential, defaultForm: CredentialForm): { headers: Array<[string, string]>; presented: string[] } {
  if ('headers' in auth) return { headers: auth.headers, presented: auth.presented };
  const form = auth.form ?? defaultForm;
  return { headers: [credentialHeader(form, auth.key, auth.scheme ?? form.authScheme)], presented: [auth.key] };
}

let current: Session | undefined;

/** Makes `session` the one rule files and scenarios see (`getSession()`) until the next call. */
export function useSession(session: Session): Session {
  current = session;
  return session;
}

/** The session of the run in progress. */
export function getSession(): Session {
  if (!current) throw new Error('no suite run in progress (useSession was not called)');
  return current;
}
