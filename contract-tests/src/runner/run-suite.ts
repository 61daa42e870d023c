import { randomBytes } from 'node:crypto';
import { HttpClient } from '../http/http-client.ts';
import { Redactor } from '../redact.ts';
import type { RunResult } from '../results.ts';
import { Contract, credentialHeader } from '../spec/contract.ts';
import { declareScenarios } from '../harness/scenario.ts';
import { Session, useSession } from '../harness/session.ts';
import { RULE_FILES } from '../../rules/index.ts';
import { aggregate } from './aggregate.ts';
import { configuredKeys, type SuiteConfig } from './config.ts';
import { runScenarios, type ScenarioOutcome } from './run-scenarios.ts';

/** A problem of the runner or its configuration, not of the target. */
export class RunnerError extends Error {
  override name = 'RunnerError';
}

/**
 * Runs the conformance suite against one target and returns the result per rule: a preflight
 * (spec readable, target answering, the key accepted), then every scenario the rule files
 * declare, one after another, in one session (keys, secrets, the target's clock).
 */
export async function runSuite(config: SuiteConfig): Promise<RunResult> {
  const startedAt = new Date();
  const started = performance.now();
  const errors: string[] = [];
  const redactor = new Redactor(configuredKeys(config));
  const finish = (scenarios: ScenarioOutcome[]) =>
    aggregate(scenarios, errors.map((e) => redactor.redact(e)), config, startedAt, Math.round(performance.now() - started));

  try {
    await preflight(config);
  } catch (error) {
    errors.push(error instanceof RunnerError ? error.message : `preflight crashed: ${(error as Error).stack ?? error}`);
    return finish([]);
  }

  let outcomes: ScenarioOutcome[] = [];
  try {
    const session = useSession(new Session({ ...config, runId: randomBytes(4).toString('hex') }));
    outcomes = await runScenarios(session, declareScenarios(RULE_FILES));
  } catch (error) {
    errors.push(`the suite crashed: ${(error as Error).stack ?? error}`);
  }
  return finish(outcomes);
}

/**
 * Before any rule runs: the spec loads, the target answers, and HERALD_API_KEY is accepted in at least one form. Anything else is the runner's
 * problem (exit 2), not a rule the target broke.
 */
async function preflight(config: SuiteConfig): Promise<void> {
  let contract: Contract;
  try {
    contract = Contract.load(config.specPath);
  } catch (error) {
    throw new RunnerError(`Cannot read the spec${config.specPath ? ` ${config.specPath}` : ''}: ${(error as Error).message}`);
  }
  const probe = contract.operations.find((op) => op.method === 'GET' && op.securitySchemes.length > 0 && op.requiredScopes.length === 0 && !op.parameters.some((p) => p.required));
  if (!probe) return;
  const http = new HttpClient(config.baseUrl, config.timeoutMs);
  try {
    const answers: string[] = [];
    for (const form of contract.credentialForms) {
      const exchange = await http.send({ method: 'GET', path: probe.pathTemplate, headers: [credentialHeader(form, config.apiKey)] });
      if (!exchange.response) throw new RunnerError(`Cannot reach the target at ${config.baseUrl}: ${exchange.failure}`);
      if (exchange.response.status < 300) {
        checkRootKey(exchange.response.body, contract);
        return;
      }
      answers.push(`${form.scheme}: ${exchange.response.status}`);
    }
    throw new RunnerError(`HERALD_API_KEY is not accepted by ${config.baseUrl}${probe.pathTemplate} in any form (${answers.join(', ')}). Check the key and the base URL.`);
  } finally {
    http.close();
  }
}


/**
 * The suite creates and revokes keys and sends notifications with HERALD_API_KEY, so it must be
 * a full-access key, and not one of a production environment. The probe's answer says both
 * (when it says anything: a target whose answer cannot be read is left to the rules to judge).
 */
function checkRootKey(body: string, contract: Contract): void {
  let data: { key?: { scopes?: unknown }; environment?: { type?: unknown } } | undefined;
  try {
    data = (JSON.parse(body) as { data?: typeof data }).data;
  } catch {
    return;
  }
  const scopes = Array.isArray(data?.key?.scopes) ? (data!.key!.scopes as string[]) : undefined;
  const lacking = scopes ? contract.scopes.filter((s) => !scopes.includes(s)) : [];
  if (lacking.length > 0) throw new RunnerError(`HERALD_API_KEY lacks ${lacking.join(', ')}: the suite needs a full-access key (it creates keys with every scope)`);
  if (data?.environment?.type === 'production') {
    throw new RunnerError('HERALD_API_KEY belongs to a production environment: give the suite a key of a development or custom environment (it creates, revokes and sends)');
  }
}
