import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { HttpClient, type Exchange } from '../http/http-client.ts';
import { Redactor } from '../redact.ts';
import { emptyLedger, type CleanupNote, type RunResult, type StopNote } from '../results.ts';
import { Contract, credentialHeader } from '../spec/contract.ts';
import { followKeyList, type KeyListPage } from '../harness/key-operations.ts';
import { declareScenarios, renderExchange, type ScenarioDefinition } from '../harness/scenario.ts';
import { Session, useSession, type RunControl } from '../harness/session.ts';
import { RULE_FILES } from '../../rules/index.ts';
import { aggregate } from './aggregate.ts';
import { configuredKeys, type SuiteConfig } from './config.ts';
import { preflight, RunnerError, TargetFailure } from './preflight.ts';
import { claimTarget } from './run-lease.ts';
import { runScenario, runScenarios, type ScenarioOutcome } from './run-scenarios.ts';

export { RunnerError } from './preflight.ts';

export interface RunOptions {
  /** Aborting it stops the run: no new request, in-flight ones cancelled, then cleanup. */
  signal?: AbortSignal;
  /** Progress: each scenario as it starts, with the requests sent so far. */
  onScenario?(info: { name: string; group: string; rule: string; index: number; total: number; requests: number }): void;
  /** Every exchange of the run (the HAR recorder). */
  onExchange?(exchange: Exchange): void;
  /** The run's redactor, once it exists (to redact what the caller writes about the run). */
  onRedactor?(redactor: Redactor): void;
}

/** How long an interrupted run may spend revoking the keys it created. */
const CLEANUP_BUDGET_MS = 10_000;

/**
 * Runs the conformance suite against one target and returns the result per rule: a preflight
 * (target answering, the key accepted), a lease on the target (no other run in progress), then
 * every scenario the rule files declare, one after another, in one session (keys, secrets, the
 * target's clock); last, everything created is revoked and the target's clock moved back. A
 * stopped run (signal, --max-time, a target that stopped answering) cancels what is in flight,
 * cleans up within a time bound and reports what it had.
 */
export async function runSuite(config: SuiteConfig, options: RunOptions = {}): Promise<RunResult> {
  const startedAt = new Date();
  const started = performance.now();
  const errors: string[] = [];
  const redactor = new Redactor([...configuredKeys(config), config.reporterPrivateKey]);
  options.onRedactor?.(redactor);
  let stopped: StopNote | undefined;
  const controller = new AbortController();
  // Every request in flight listens to it: far more than Node's default of ten listeners.
  setMaxListeners(0, controller.signal);
  const stop = (note: StopNote) => {
    if (stopped) return;
    stopped = note;
    controller.abort(new Error(note.message));
  };
  const onAbort = () => stop(options.signal!.reason as StopNote);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const deadline = config.maxTimeMs > 0
    ? setTimeout(() => stop({ cause: 'max-time', message: `--max-time ${config.maxTimeMs / 1000} s was reached` }), config.maxTimeMs)
    : undefined;
  const control: RunControl = { signal: controller.signal, stop };

  const outcomes: ScenarioOutcome[] = [];
  let session: Session | undefined;
  let cleanup: CleanupNote | undefined;
  const finish = (): RunResult => {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onAbort);
    const fuzzCases = outcomes.reduce((n, o) => n + o.ledger.fuzzCases, 0);
    const fuzzMs = outcomes.filter((o) => o.ledger.fuzzCases > 0).reduce((n, o) => n + o.durationMs, 0);
    const facts = {
      startedAt,
      durationMs: Math.round(performance.now() - started),
      stopped,
      cleanup,
      fuzz: fuzzCases > 0 ? { runs: config.fuzzRuns, cases: fuzzCases, durationMs: fuzzMs } : undefined,
    };
    const result = aggregate(outcomes, errors.map((e) => redactor.redact(e)), config, facts);
    if (session && !stopped) result.coverage = session.coverage.result(result.rules, config.minCoverage);
    else if (session) result.coverage = session.coverage.result(result.rules);
    // The coverage floor can only be judged once the matrix exists.
    return session && result.coverage ? aggregate(outcomes, errors.map((e) => redactor.redact(e)), config, { ...facts, coverage: result.coverage }) : result;
  };

  const contract = Contract.load(config.specPath);
  const probeHttp = new HttpClient(config.baseUrl, { timeoutMs: config.timeoutMs, signal: controller.signal });
  if (options.onExchange) probeHttp.onExchange(options.onExchange);
  try {
    await preflight(config, contract, probeHttp);
  } catch (error) {
    if (error instanceof TargetFailure) {
      const ledger = emptyLedger();
      ledger.rules = [error.rule];
      ledger.requests = 1;
      ledger.failures.push({ rule: error.rule, message: redactor.redact(error.message), exchange: renderExchange(error.exchange, redactor) });
      outcomes.push({ name: 'start-up', file: 'preflight', state: 'failed', ledger, crashes: [], durationMs: error.exchange.durationMs });
    } else {
      errors.push(error instanceof RunnerError ? error.message : stopped ? `stopped before the target answered: ${(stopped as StopNote).message}` : `preflight crashed: ${(error as Error).stack ?? error}`);
    }
    probeHttp.close();
    return finish();
  }
  probeHttp.close();

  try {
    session = useSession(new Session({ ...config, runId: randomBytes(4).toString('hex') }, control, redactor));
    if (options.onExchange) session.http.onExchange(options.onExchange);
    const current = session;
    if (!session.stateless) {
      const claim: ScenarioDefinition = {
        rules: ['lifecycle.create'], name: 'claim the target for this run', file: 'runner', timeoutMs: 60_000,
        run: (s) => claimTarget(s), skipReason: () => undefined,
      };
      const outcome = await runScenario(session, claim);
      outcomes.push(outcome);
      if (outcome.crashes.length > 0) {
        const conflict = outcome.crashes.find((c) => c.includes('another herald-contract run'));
        if (conflict) {
          // Not a verdict on the target: this run never started its rules.
          outcome.crashes = [];
          errors.push(conflict.replace(/^RunnerError: /, '').replace(/ \(at .*\)$/, ''));
          await cleanUp(session, 'lease');
          return finish();
        }
      }
    }
    const definitions = declareScenarios(RULE_FILES);
    let requests = 0;
    session.http.onExchange(() => requests++);
    outcomes.push(...await runScenarios(session, definitions, {
      onScenario: (definition, index, total) => {
        options.onScenario?.({ name: definition.name, group: definition.rules[0].split('.')[0], rule: definition.rules[0], index, total, requests });
      },
    }));
    cleanup = await cleanUp(current, stopped ? 'stopped' : 'normal');
  } catch (error) {
    errors.push(`the suite crashed: ${(error as Error).stack ?? error}`);
    if (session) cleanup = await cleanUp(session, 'stopped');
  }
  return finish();
}

/**
 * After the rules: whatever is still active is revoked (after a normal run the cleanup scenario has
 * done that; after a stopped one, here, within a time bound, each key revoking itself or with its
 * pool's root key), and the target's clock is moved back by what the run moved it.
 */
async function cleanUp(session: Session, how: 'normal' | 'stopped' | 'lease'): Promise<CleanupNote> {
  const http = new HttpClient(session.config.baseUrl, { timeoutMs: Math.min(session.config.timeoutMs, 5_000) });
  const notes: string[] = [];
  const deadline = Date.now() + CLEANUP_BUDGET_MS;
  const pools = session.allPools();
  const created = pools.reduce((n, p) => n + p.createdCount, 0);
  let pending = pools.flatMap((pool) => pool.active().map((key) => ({ pool, key })));
  let unheardOf = 0;
  let unrevoked = 0;
  if (how !== 'normal' || pending.length > 0) {
    const revokeOp = session.contract.operation('revokeApiKey');
    const queue = [...pending];
    const revokeOne = async () => {
      while (queue.length > 0 && Date.now() < deadline) {
        const { pool, key } = queue.shift()!;
        for (const by of [key.secret, pool.root]) {
          const path = revokeOp.pathTemplate.replace('{key_id}', encodeURIComponent(key.id));
          const exchange = await http.send({ method: revokeOp.method, path, headers: [credentialHeader(session.contract.credentialForms[0], by)] });
          const status = exchange.response?.status;
          if (status === revokeOp.successStatus || status === 404) {
            key.revoked = true;
            break;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, revokeOne));
    pending = pending.filter(({ key }) => !key.revoked);
    // A create cancelled in flight may still have made a key the run never heard of: the run's
    // keys carry its id in their name, so each pool's environment is listed for them.
    if (how !== 'normal') {
      const known = new Set(pools.flatMap((pool) => pool.active().map((key) => key.id)));
      for (const root of new Set(pools.map((pool) => pool.root))) {
        for (const id of await activeRunKeys(http, session, root, deadline)) {
          if (known.has(id) || Date.now() >= deadline) continue;
          unheardOf++;
          const path = revokeOp.pathTemplate.replace('{key_id}', encodeURIComponent(id));
          const exchange = await http.send({ method: revokeOp.method, path, headers: [credentialHeader(session.contract.credentialForms[0], root)] });
          if (exchange.response?.status !== revokeOp.successStatus && exchange.response?.status !== 404) unrevoked++;
        }
      }
    }
    if (pending.length + unrevoked > 0) notes.push(`${pending.length + unrevoked} key(s) could not be revoked in time; they expire by themselves within the hour (named "${session.keyName('')}…")`);
  }
  // Webhook endpoints the run registered (after a normal run the cleanup scenario deleted them):
  // deleted with the run's own key, within the same bound.
  if (how !== 'normal' && session.webhookEndpoints.size > 0) {
    const deleteOp = session.contract.operation('deleteWebhookEndpoint');
    for (const id of [...session.webhookEndpoints]) {
      if (Date.now() >= deadline) break;
      const path = deleteOp.pathTemplate.replace('{endpoint_id}', encodeURIComponent(id));
      const exchange = await http.send({ method: deleteOp.method, path, headers: [credentialHeader(session.contract.credentialForms[0], session.config.apiKey)] });
      const status = exchange.response?.status;
      if (status === deleteOp.successStatus || status === 404) session.webhookEndpoints.delete(id);
    }
    if (session.webhookEndpoints.size > 0) notes.push(`${session.webhookEndpoints.size} webhook endpoint(s) the run registered could not be deleted: ${[...session.webhookEndpoints].join(', ')}`);
  }
  const advanced = session.clock.advancedSeconds;
  const restore = await session.clock.restore(http);
  if (!restore.restored) notes.push(`the target's test clock stays ${advanced} s ahead: ${restore.problem}`);
  http.close();
  session.http.close();
  return {
    created: created + unheardOf,
    revoked: created + unheardOf - pending.length - unrevoked,
    leftActive: pending.length + unrevoked,
    clockAdvancedSeconds: advanced,
    clockRestored: session.clock.controllable ? restore.restored : null,
    notes,
  };
}

/** Ids of the active keys named for this run in the root key's environment. */
async function activeRunKeys(http: HttpClient, session: Session, root: string, deadline: number): Promise<string[]> {
  const listOp = session.contract.operation('listApiKeys');
  const prefix = session.keyName('');
  const { keys } = await followKeyList(async (query) => {
    if (Date.now() >= deadline) return undefined;
    const exchange = await http.send({ method: listOp.method, path: `${listOp.pathTemplate}?${new URLSearchParams(query)}`, headers: [credentialHeader(session.contract.credentialForms[0], root)] });
    if (exchange.response?.status !== listOp.successStatus) return undefined;
    try {
      const json = JSON.parse(exchange.response.body) as Partial<KeyListPage>;
      return Array.isArray(json.data) ? { data: json.data, next_cursor: json.next_cursor ?? null } : undefined;
    } catch {
      return undefined;
    }
  });
  return keys.filter((key) => typeof key.id === 'string' && typeof key.name === 'string' && key.name.startsWith(prefix) && key.status === 'active').map((key) => key.id);
}
