import type { Exchange, HttpClient } from '../http/http-client.ts';
import { Contract, credentialHeader } from '../spec/contract.ts';
import type { SuiteConfig } from './config.ts';

/** A problem of the runner or its configuration, not of the target (exit 2). */
export class RunnerError extends Error {
  override name = 'RunnerError';
}

/** The target failed already at start-up, in a way a rule names (a 5xx, an answer that never ends): exit 1. */
export class TargetFailure extends Error {
  override name = 'TargetFailure';
  constructor(readonly rule: 'responses.no-server-error' | 'responses.answered', message: string, readonly exchange: Exchange) {
    super(message);
  }
}

/**
 * Before any rule runs: the target answers HTTP at the base URL, and HERALD_API_KEY is accepted in
 * at least one form. Each way this can go wrong gets its own diagnosis — nothing listening, not
 * HTTP, a redirect (and where to), a 404 (a wrong base URL, `/v1` missing), a 5xx (the target is
 * broken: a failure, exit 1), a 401/403 (the key), a 429 (throttled or limited, another run?) —
 * because "check the key" is no help when the URL is wrong.
 */
export async function preflight(config: SuiteConfig, contract: Contract, http: HttpClient): Promise<void> {
  const probe = contract.operations.find((op) => op.method === 'GET' && op.securitySchemes.length > 0 && op.requiredScopes.length === 0 && !op.parameters.some((p) => p.required));
  if (!probe) return;
  const answers: string[] = [];
  for (const form of contract.credentialForms) {
    const exchange = await http.send({ method: 'GET', path: probe.pathTemplate, headers: [['Accept', 'application/json, application/problem+json'], credentialHeader(form, config.apiKey)] });
    const where = `${config.baseUrl}${probe.pathTemplate}`;
    const response = exchange.response;
    if (!response) {
      if (exchange.headersAfterMs !== undefined) throw new TargetFailure('responses.answered', `GET ${where} at start-up: ${exchange.failure}`, exchange);
      throw new RunnerError(`Cannot reach the target at ${config.baseUrl}: ${exchange.failure}`);
    }
    const status = response.status;
    const code = problemCode(response.body);
    const said = `${status}${code ? ` ${code}` : ''}`;
    if (status >= 300 && status < 400) {
      const location = response.headers.location;
      throw new RunnerError(`GET ${where} answers ${status}, a redirect${location ? ` to ${new URL(location, where).toString()}` : ' (without a Location)'}: the suite does not follow redirects; give the base URL they lead to`);
    }
    if (status === 404) throw new RunnerError(`GET ${where} answers 404: the base URL looks wrong. ${await baseUrlHint(config, contract, http, probe.pathTemplate)}`);
    if (status >= 500) throw new TargetFailure('responses.no-server-error', `GET ${where} answers ${said} at start-up: the target is broken`, exchange);
    if (status === 429) {
      const retry = response.headers['retry-after'];
      throw new RunnerError(`GET ${where} answers ${said}${retry ? ` (Retry-After ${retry} s)` : ''}: the target refuses this address or key for now. Is another run in progress against it? Try again later`);
    }
    if (status === 403) throw new RunnerError(`HERALD_API_KEY is refused by ${where}: ${said}${detail(response.body)}. Give the suite a full-access key of an active account`);
    if (status >= 200 && status < 300) {
      checkRootKey(response.body, contract);
      return;
    }
    answers.push(`${form.scheme}: ${said}`);
    if (status !== 401) break;
  }
  throw new RunnerError(`HERALD_API_KEY is not accepted by ${config.baseUrl}${probe.pathTemplate} in any form (${answers.join(', ')}). Check the key: it must be a key of this deployment`);
}

/** Why a 404: `/v1` missing from the base URL (and whether the target answers with it), or another path. */
async function baseUrlHint(config: SuiteConfig, contract: Contract, http: HttpClient, path: string): Promise<string> {
  const server = (contract.spec.root.servers as Array<{ url?: string }> | undefined)?.[0]?.url;
  const basePath = server ? new URL(server, 'http://x').pathname.replace(/\/+$/, '') : '';
  const current = new URL(config.baseUrl).pathname.replace(/\/+$/, '');
  if (basePath && !current.endsWith(basePath)) {
    const exchange = await http.send({ method: 'GET', path: `${config.baseUrl}${basePath}${path}` });
    const answered = exchange.response && exchange.response.status !== 404;
    return `The spec's API lives under ${basePath} and the base URL does not end in it${answered ? `; ${config.baseUrl}${basePath} answers: use that` : ''}.`;
  }
  return `Nothing is served at ${path} below ${config.baseUrl}; give the URL the API is served under (the spec's servers end in ${basePath || '/'}).`;
}

function problemCode(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === 'string' && /^[a-z_]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

function detail(body: string): string {
  try {
    const text = (JSON.parse(body) as { detail?: unknown }).detail;
    return typeof text === 'string' ? ` (${text.slice(0, 200)})` : '';
  } catch {
    return '';
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
  const scopes = Array.isArray(data?.key?.scopes) ? (data!.key!.scopes as unknown[]) : undefined;
  const lacking = scopes ? contract.scopes.filter((s) => !scopes.includes(s)) : [];
  if (lacking.length > 0) throw new RunnerError(`HERALD_API_KEY lacks ${lacking.join(', ')}: the suite needs a full-access key (it creates keys with every scope)`);
  if (data?.environment?.type === 'production') {
    throw new RunnerError('HERALD_API_KEY belongs to a production environment: give the suite a key of a development or custom environment (it creates, revokes and sends)');
  }
}
