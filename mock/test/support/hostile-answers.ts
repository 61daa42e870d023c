import { routedPath } from '../../src/app.ts';
import { createResponseValidator } from '../../src/response-validator.ts';
import { createSchemaCompiler } from '../../src/schema-compiler.ts';
import { siteRoutePaths } from '../../src/site-routes.ts';
import { loadContract, pathPattern } from '../../src/spec.ts';
import type { RawOutcome, RawResponse } from './raw-http.ts';
import { secretPart } from './spec-values.ts';

// What a hostile request may get back, judged from the answer alone: a documented 4xx problem
// document or a documented success (the server's own spec validator decides, with the request
// target as the router sees it), never a 5xx, no answer, a stack trace, a file path, or a key
// that was presented or is known to be secret.

const contract = loadContract();
const validator = createResponseValidator(contract);
const compiler = createSchemaCompiler(contract.document);
const validProblem = compiler.compile({ $ref: '#/components/schemas/Problem' });
const sitePaths = [...siteRoutePaths({ testClock: true, stats: true }).keys()].map((path) => pathPattern(path));

/** Signs of an internal error leaking out: stack frames, source paths, module names. */
const INTERNALS = /\n\s+at\s|\bat\s+[\w.<>]+\s+\(|(?:\/work\/|\/home\/|\/usr\/|node:internal|node_modules|file:\/\/)|\.[cm]?[jt]s:\d+/;

/** The target as the router sees it: `routedPath` (app.ts) plus the query, if any. */
function routedTarget(target: string): string {
  const query = /\?[^#]*/.exec(target.replace(/^https?:\/\/[^/?#]*/i, ''))?.[0] ?? '';
  return routedPath(target) + query;
}

export interface Judged {
  method: string;
  target: string;
  mustRefuse: boolean;
  /** Strings no answer may contain (presented keys, secrets of the run). */
  secrets: readonly string[];
}

/** Everything wrong with the answer to one request; empty when it is acceptable. */
export function judgeAnswer(request: Judged, outcome: RawOutcome | undefined): string[] {
  if (!outcome) return ['no outcome recorded'];
  if (!outcome.response) return [`no answer: ${outcome.failure}`];
  const response = outcome.response;
  const out: string[] = [];
  const { status } = response;
  // The site around the API (/health, /docs, the spec, the root's redirect to /docs) is public.
  const site = onSite(request.target);
  if (status >= 500) out.push(`answered ${status}`);
  if (!site && (status < 200 || (status >= 300 && status < 400))) out.push(`answered ${status}, neither a success nor a 4xx`);
  if (!site && status >= 200 && status < 300 && request.mustRefuse) out.push(`served (${status}) a request that presents no usable key or reaches no operation`);
  const everything = `${Object.entries(response.headers).map(([n, v]) => `${n}: ${v}`).join('\n')}\n${response.body}`;
  if (INTERNALS.test(response.body)) out.push(`the body shows internals: ${response.body.slice(0, 200)}`);
  for (const secret of request.secrets) {
    // The public prefix may appear; nothing after it may. (Fewer than 8 characters after it
    // are too few to tell an echo from chance.)
    if (secretPart(secret).length >= 8 && everything.includes(secretPart(secret))) out.push('the answer contains a secret or the key that was presented');
  }
  if (!response.headers['x-request-id']) out.push('no X-Request-Id');
  out.push(...contractViolations(request.method, request.target, response));
  return out;
}

function onSite(target: string): boolean {
  const path = routedPath(target);
  return sitePaths.some((pattern) => pattern.test(path));
}

function contractViolations(method: string, target: string, response: RawResponse): string[] {
  const url = routedTarget(target);
  const header = (name: string) => response.headers[name.toLowerCase()];
  if (!onSite(target) || validator.operationOf(method, url) !== undefined) {
    return validator.violations({ method, url, status: response.status, header, body: response.body });
  }
  // The site's own routes (/health, /openapi.json, the test clock) are outside the contract:
  // their refusals must still be problem documents of a code the spec defines, with its status.
  if (response.status < 400 || method.toUpperCase() === 'HEAD') return [];
  const out: string[] = [];
  if (!/^application\/problem\+json/.test(header('content-type') ?? '')) out.push(`${method} ${url} ${response.status}: not a problem document`);
  try {
    const body = JSON.parse(response.body) as { code?: string; status?: number };
    if (!validProblem(body)) out.push(`${method} ${url} ${response.status}: the body is not a Problem`);
    const kind = contract.problems.get(body.code ?? '');
    if (!kind || kind.status !== response.status || body.status !== response.status) out.push(`${method} ${url} ${response.status}: code ${body.code} does not have this status`);
  } catch {
    out.push(`${method} ${url} ${response.status}: the body is not JSON`);
  }
  return out;
}
