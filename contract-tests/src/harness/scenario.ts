import type { CredentialForm } from '../spec/contract.ts';
import type { Operation } from '../spec/operations.ts';
import { emptyLedger, type LedgerData, type RenderedExchange } from '../results.ts';
import type { RuleId } from '../rule-catalogue.ts';
import type { Exchange } from '../http/http-client.ts';
import type { Redactor } from '../redact.ts';
import { curlCommand, type OriginOf } from './curl.ts';
import type { Reply } from './reply.ts';
import type { Need, Session } from './session.ts';

/** A key presented in one of the spec's forms (default: the first), optionally with another scheme word. */
export interface KeyCredential {
  key: string;
  form?: CredentialForm;
  scheme?: string;
}

/** Credential headers written out by hand (two credentials, an empty value, another scheme). */
export interface RawCredential {
  headers: Array<[string, string]>;
  presented: string[];
}

export type Credential = KeyCredential | RawCredential;

export interface SendOptions {
  /** The documented operation; its responses are then checked against the spec. */
  op?: Operation;
  method?: string;
  path?: string;
  pathParams?: Record<string, string>;
  query?: Record<string, string>;
  auth?: Credential | null;
  headers?: Array<[string, string]>;
  idempotencyKey?: string;
  /** A JSON body, sent as application/json. */
  json?: unknown;
  /** A body sent as is, with `contentType`. */
  rawBody?: string;
  contentType?: string;
}

/** Ends a scenario after a rule failure that leaves nothing sensible to check next. */
export class ScenarioAbort extends Error {
  override name = 'ScenarioAbort';
}

/** Thrown by `Scenario.skip`: ends the scenario, which is then reported skipped with its reason. */
export class ScenarioSkipped extends Error {
  override name = 'ScenarioSkipped';
}

const DETAILED_FAILURES_PER_RULE = 5;
const BODY_LIMIT = 4000;
const CURL_LIMIT = 48_000;
// Generous: without a test clock, grace-period and expiry scenarios wait for real time.
const DEFAULT_SCENARIO_TIMEOUT_MS = 120_000;

/**
 * One run of one scenario: sends requests and records every check under its rule id in a ledger
 * the runner aggregates.
 */
export class Scenario {
  readonly ledger: LedgerData = emptyLedger();
  /** Ends this scenario's requests: the run's stop, or the scenario's own time limit. */
  readonly signal: AbortSignal;
  /** Time spent waiting on the target, in ms (to tell a slow target from a stuck scenario). */
  waitedMs = 0;

  constructor(readonly session: Session, readonly name: string, readonly rules: RuleId[], signal?: AbortSignal) {
    this.ledger.rules = [...rules];
    this.signal = signal ?? session.control.signal;
  }

  get primaryRule(): RuleId {
    return this.rules[0];
  }

  enabled(rule: RuleId): boolean {
    return this.session.ruleEnabled(rule);
  }

  /** Records one check. Returns whether it held; a rule left out of this run records nothing. */
  check(rule: RuleId, ok: boolean, message: string, reply?: Reply): boolean {
    if (!this.enabled(rule)) return ok;
    if (ok) {
      this.ledger.passes[rule] = (this.ledger.passes[rule] ?? 0) + 1;
      return true;
    }
    const kept = this.ledger.failures.filter((f) => f.rule === rule).length;
    if (kept >= DETAILED_FAILURES_PER_RULE) {
      this.ledger.droppedFailures[rule] = (this.ledger.droppedFailures[rule] ?? 0) + 1;
    } else {
      const redactor = this.session.redactor;
      this.ledger.failures.push({
        rule,
        scenario: this.name,
        message: redactor.redact(message),
        exchange: reply ? renderExchange(reply.exchange, redactor, { presented: reply.presented, originOf: (v) => this.session.originOf(v), baseUrl: this.session.config.baseUrl }) : undefined,
      });
    }
    return false;
  }

  /** A check the rest of the scenario depends on: when it fails, the scenario stops there. */
  require(rule: RuleId, ok: boolean, message: string, reply?: Reply): asserts ok {
    if (ok) {
      this.check(rule, ok, message, reply);
      return;
    }
    if (!this.enabled(rule)) this.skip(`needs ${rule}, which this run leaves out`);
    this.check(rule, ok, message, reply);
    throw new ScenarioAbort(message);
  }

  /** Skips the rest of the scenario; every rule it declares is reported skipped with the reason. */
  skip(reason: string): never {
    for (const rule of this.rules) this.ledger.skips.push({ rule, reason });
    throw new ScenarioSkipped(reason);
  }

  /** Leaves one rule unchecked by this scenario, with the reason, and carries on with the rest. */
  skipRule(rule: RuleId, reason: string): void {
    this.ledger.skips.push({ rule, reason });
  }

  send(options: SendOptions): Promise<Reply> {
    return this.session.send(this, options);
  }
}

export function renderExchange(exchange: Exchange, redactor: Redactor, reproduce?: { presented: string[]; originOf: OriginOf; baseUrl: string }): RenderedExchange {
  const cut = (text: string) => (text.length > BODY_LIMIT ? `${text.slice(0, BODY_LIMIT)}… (${text.length} bytes)` : text);
  // The command names keys by shell variable; it goes through the redactor like the rest, as a net.
  const curl = reproduce ? curlCommand(exchange, reproduce.presented, reproduce.originOf, reproduce.baseUrl) : undefined;
  return redactor.redactDeep({
    request: {
      method: exchange.request.method,
      url: exchange.request.url,
      headers: exchange.request.headers,
      body: exchange.request.body === undefined ? undefined : cut(exchange.request.body),
    },
    response: exchange.response && { status: exchange.response.status, headers: exchange.response.headers, body: cut(exchange.response.body) },
    failure: exchange.failure,
    curl: curl && curl.length <= CURL_LIMIT ? curl : curl && `# the request's body is ${exchange.request.bodyBytes?.length ?? 0} bytes: see the HAR (--har) for it`,
  });
}

export interface ScenarioOptions {
  /** Configuration the scenario cannot run without (a second environment's key, the test clock). */
  needs?: Need[];
  timeoutMs?: number;
  /** Runs whatever the profile or --skip say (cleanup). */
  always?: boolean;
}

/** A scenario as declared by a rule file, before it runs. */
export interface ScenarioDefinition {
  rules: RuleId[];
  name: string;
  /** The rule file that declared it (`rules/10-auth.rules.ts`). */
  file: string;
  timeoutMs: number;
  run(s: Scenario): Promise<void>;
  /** Why this run leaves the whole scenario out, if it does. */
  skipReason(session: Session): string | undefined;
}

let declared: ScenarioDefinition[] | undefined;
let declaringFile = '';

/**
 * Calls each rule file's function and returns the scenarios they declared, in order. Rule files
 * read the session (the contract, the configuration) while they declare, so the session must be
 * current first.
 */
export function declareScenarios(files: ReadonlyArray<{ file: string; declare: () => void }>): ScenarioDefinition[] {
  declared = [];
  try {
    for (const { file, declare } of files) {
      declaringFile = file;
      declare();
    }
    return declared;
  } finally {
    declared = undefined;
  }
}

/** Declares a scenario: called by rule files, inside `declareScenarios`. */
export function scenario(rules: RuleId[], name: string, body: (s: Scenario) => Promise<void>, options: ScenarioOptions = {}): void {
  if (!declared) throw new Error(`scenario "${name}" declared outside declareScenarios()`);
  declared.push({
    rules,
    name,
    file: declaringFile,
    timeoutMs: options.timeoutMs ?? DEFAULT_SCENARIO_TIMEOUT_MS,
    run: body,
    skipReason: (session) => (options.always ? undefined : session.skipReason(rules, options.needs ?? [])),
  });
}
