import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CredentialForm } from './credentials.ts';

// The bundled spec, read once at start-up, and everything the server derives from it: routes,
// parameters and body schemas, the scopes each operation needs per credential form, the problem
// catalogue (type/title/status per code), the plan limits and the names of headers. Nothing here restates the contract:
// change the spec and the server follows.

/** A JSON value from the spec document; navigated loosely and checked where it matters. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SpecNode = any;

export const DEFAULT_SPEC_PATH = fileURLToPath(new URL('../../generated/openapi.json', import.meta.url));

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface ProblemKind {
  readonly code: string;
  readonly type: string;
  readonly title: string;
  readonly status: number;
}

export interface PlanLimits {
  readonly name: string;
  readonly requestsPerMinute: number;
  readonly monthlyNotificationQuota: number;
  readonly countedChannels: readonly string[];
}

export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required: boolean;
  readonly schema: SpecNode;
}

export interface Operation {
  readonly operationId: string;
  /** Upper-case HTTP method. */
  readonly method: string;
  /** The spec's path template, e.g. `/api-keys/{key_id}`. */
  readonly pathTemplate: string;
  /** The route as served, base path included, e.g. `/v1/api-keys/{key_id}`. */
  readonly servedPath: string;
  readonly parameters: readonly Parameter[];
  readonly requestBody: { readonly required: boolean; readonly schema: SpecNode } | null;
  /** The lower-case name of the operation's header parameter of schema `IdempotencyKey`; null when it takes none. */
  readonly idempotencyHeader: string | null;
  /**
   * For each credential form the operation accepts, the alternative scope sets of its security
   * requirement (any one set suffices). A form missing from the map is not accepted; `null` means
   * the operation needs no credential at all.
   */
  readonly scopesByForm: ReadonlyMap<CredentialForm, readonly (readonly string[])[]> | null;
  readonly responses: SpecNode;
}

export interface Contract {
  readonly document: SpecNode;
  /** The path every operation is served under (the servers' URL path, `/v1`). */
  readonly basePath: string;
  readonly operations: readonly Operation[];
  readonly problems: ReadonlyMap<string, ProblemKind>;
  readonly plans: ReadonlyMap<string, PlanLimits>;
  /** Every scope, in the spec's order. */
  readonly scopes: readonly string[];
  /** Each header component (`XRequestId`, `Location`, …) → the lower-case name responses send it under. */
  readonly headerNames: ReadonlyMap<string, string>;
  /** Bodies larger than this are refused with 413 (`x-herald-max-body-bytes` on PayloadTooLarge). */
  readonly maxBodyBytes: number;
  /** How many issues a `validation_failed` problem lists, and how long each text may be. */
  readonly validationIssueLimits: ValidationIssueLimits;
  /** `WWW-Authenticate` of the 401s. */
  readonly challenges: Challenges;
  resolve(node: SpecNode): SpecNode;
}

/** `WWW-Authenticate` values (RFC 9110, RFC 6750), from the spec's header components. */
export interface Challenges {
  /** No key presented: one challenge per `Authorization` scheme (WWWAuthenticate's example). */
  readonly noKey: string;
  /** A key presented: each of those with `error="invalid_token"`, as WWWAuthenticate's description says. */
  readonly invalidToken: string;
  /** A leaked-key report without a valid signature (WWWAuthenticateReportSignature's example). */
  readonly reportSignature: string;
}

export interface ValidationIssueLimits {
  /** `maxItems` of ValidationFailedProblem's `errors`. */
  readonly maxIssues: number;
  /** The smaller `maxLength` of ValidationIssue's `pointer` and `message`. */
  readonly maxText: number;
}

export function loadContract(path: string = DEFAULT_SPEC_PATH): Contract {
  return deriveContract(JSON.parse(readFileSync(path, 'utf8')));
}

export function deriveContract(document: SpecNode): Contract {
  const resolve = (node: SpecNode): SpecNode => resolveRef(document, node);
  const basePath = deriveBasePath(document);
  const schemes = credentialFormsOfSchemes(document);
  const operations: Operation[] = [];
  for (const [pathTemplate, rawPathItem] of Object.entries<SpecNode>(document.paths ?? {})) {
    const pathItem = resolve(rawPathItem);
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!operation) continue;
      const parameters = mergeParameters(
        (pathItem.parameters ?? []).map(resolve),
        (operation.parameters ?? []).map(resolve),
      );
      const body = operation.requestBody ? resolve(operation.requestBody) : null;
      const idempotencyKey = parameters.find(
        (p: SpecNode) => p.in === 'header' && p.schema?.$ref === IDEMPOTENCY_KEY_SCHEMA,
      );
      operations.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        pathTemplate,
        servedPath: basePath + pathTemplate,
        parameters: parameters.map((p) => ({ name: p.name, in: p.in, required: p.required === true, schema: p.schema })),
        requestBody: body
          ? { required: body.required === true, schema: body.content?.['application/json']?.schema ?? {} }
          : null,
        idempotencyHeader: idempotencyKey ? String(idempotencyKey.name).toLowerCase() : null,
        scopesByForm: scopesByForm(operation.security ?? document.security ?? [], schemes),
        responses: operation.responses,
      });
    }
  }
  return {
    document,
    basePath,
    operations,
    problems: deriveProblems(document.components?.schemas ?? {}),
    maxBodyBytes: deriveMaxBodyBytes(document),
    validationIssueLimits: deriveValidationIssueLimits(document, resolve),
    plans: derivePlans(document, resolve),
    scopes: [...(resolve(document.components?.schemas?.Scope)?.enum ?? [])],
    headerNames: deriveHeaderNames(document, resolve),
    challenges: deriveChallenges(document),
    resolve,
  };
}

function deriveChallenges(document: SpecNode): Challenges {
  const example = (component: string): string => {
    const value = document.components?.headers?.[component]?.example;
    if (typeof value !== 'string') throw new Error(`the spec has no ${component} header example`);
    return value;
  };
  const noKey = example('WWWAuthenticate');
  // A challenge starts with its scheme word and a space; parameters follow after commas.
  const perScheme = noKey.split(/,\s*(?=[A-Za-z][\w-]* )/);
  return {
    noKey,
    invalidToken: perScheme.map((challenge) => `${challenge}, error="invalid_token"`).join(', '),
    reportSignature: example('WWWAuthenticateReportSignature'),
  };
}

function deriveValidationIssueLimits(document: SpecNode, resolve: (n: SpecNode) => SpecNode): ValidationIssueLimits {
  const schemas = document.components?.schemas ?? {};
  const problemParts: SpecNode[] = (resolve(schemas.ValidationFailedProblem)?.allOf ?? []).map(resolve);
  const maxIssues = problemParts.map((part) => resolve(part.properties?.errors)?.maxItems).find((n) => n !== undefined);
  const issue = resolve(schemas.ValidationIssue)?.properties ?? {};
  const maxText = Math.min(resolve(issue.pointer)?.maxLength, resolve(issue.message)?.maxLength);
  if (!(Number.isInteger(maxIssues) && maxIssues >= 1) || !(Number.isInteger(maxText) && maxText >= 2)) {
    throw new Error('the spec must bound validation issues: ValidationFailedProblem.errors needs maxItems, ValidationIssue.pointer and .message need maxLength');
  }
  return { maxIssues, maxText };
}

// Each operation declares its own Idempotency-Key parameter (so each has its own example); the
// shared schema is what marks it.
const IDEMPOTENCY_KEY_SCHEMA = '#/components/schemas/IdempotencyKey';
const HEADER_COMPONENT = '#/components/headers/';

/** The name under which the responses of the spec send each header component. */
function deriveHeaderNames(document: SpecNode, resolve: (n: SpecNode) => SpecNode): Map<string, string> {
  const names = new Map<string, string>();
  const responses: SpecNode[] = Object.values(document.components?.responses ?? {});
  for (const rawPathItem of Object.values<SpecNode>(document.paths ?? {})) {
    const pathItem = resolve(rawPathItem);
    for (const method of HTTP_METHODS) responses.push(...Object.values(pathItem[method]?.responses ?? {}));
  }
  for (const response of responses) {
    for (const [name, header] of Object.entries<SpecNode>(resolve(response).headers ?? {})) {
      if (typeof header.$ref === 'string' && header.$ref.startsWith(HEADER_COMPONENT)) {
        names.set(header.$ref.slice(HEADER_COMPONENT.length), name.toLowerCase());
      }
    }
  }
  return names;
}

/** The (lower-case) name a header component is sent under; throws when no response of the spec sends it. */
export function responseHeaderName(contract: Contract, component: string): string {
  const name = contract.headerNames.get(component);
  if (name === undefined) throw new Error(`no response of the spec sends the header component ${component}`);
  return name;
}

function deriveMaxBodyBytes(document: SpecNode): number {
  const limit = document.components?.responses?.PayloadTooLarge?.['x-herald-max-body-bytes'];
  if (!Number.isInteger(limit) || limit < 1) throw new Error('the spec states no x-herald-max-body-bytes on PayloadTooLarge');
  return limit;
}

/** Follows local `$ref`s (`#/...`) until it reaches a node that is not a reference. */
export function resolveRef(document: SpecNode, node: SpecNode): SpecNode {
  let current = node;
  for (let hops = 0; current && typeof current.$ref === 'string'; hops++) {
    if (hops > 32 || !current.$ref.startsWith('#/')) throw new Error(`cannot resolve ${current.$ref}`);
    current = pointer(document, current.$ref.slice(1));
  }
  return current;
}

export function pointer(document: SpecNode, jsonPointer: string): SpecNode {
  let node = document;
  for (const raw of jsonPointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node?.[token];
    if (node === undefined) throw new Error(`no ${jsonPointer} in the spec`);
  }
  return node;
}

/** Every server URL of the spec ends in the same path; the reference server serves it there. */
export function deriveBasePath(document: SpecNode): string {
  const paths = new Set<string>();
  for (const server of document.servers ?? [{ url: '/' }]) {
    const url = String(server.url).replace(/\{(\w+)\}/g, (_, name) => server.variables?.[name]?.default ?? name);
    paths.add(new URL(url, 'http://base.invalid').pathname.replace(/\/$/, ''));
  }
  if (paths.size !== 1) throw new Error(`the spec's servers disagree on the base path: ${[...paths].join(', ')}`);
  return [...paths][0];
}

function mergeParameters(pathLevel: SpecNode[], operationLevel: SpecNode[]): SpecNode[] {
  const byKey = new Map<string, SpecNode>();
  for (const p of [...pathLevel, ...operationLevel]) byKey.set(`${p.in}:${p.name}`, p);
  return [...byKey.values()];
}

/** Which credential form each security scheme stands for. */
function credentialFormsOfSchemes(document: SpecNode): Map<string, CredentialForm> {
  // credentials.ts parses the three forms on the hot path without consulting this map; start-up
  // refuses a spec whose schemes it would not parse, so a change of the spec cannot go unserved.
  const forms = new Map<string, CredentialForm>();
  for (const [name, rawScheme] of Object.entries<SpecNode>(document.components?.securitySchemes ?? {})) {
    const scheme = resolveRef(document, rawScheme);
    const header = scheme.type === 'apiKey' && scheme.in === 'header' ? String(scheme.name).toLowerCase() : null;
    const word = String(scheme['x-herald-authorization-scheme'] ?? '').toLowerCase();
    if (scheme.type === 'http' && String(scheme.scheme).toLowerCase() === 'bearer') {
      forms.set(name, 'authorization-bearer');
    } else if (header === 'authorization' && word === 'apikey') {
      forms.set(name, 'authorization-apikey');
    } else if (header === 'x-api-key') {
      forms.set(name, 'x-api-key');
    } else {
      throw new Error(`the reference server cannot parse the credential of security scheme ${name}`);
    }
  }
  return forms;
}

function scopesByForm(
  security: SpecNode[],
  schemes: Map<string, CredentialForm>,
): Map<CredentialForm, string[][]> | null {
  if (security.length === 0) return null;
  const result = new Map<CredentialForm, string[][]>();
  for (const requirement of security) {
    const names = Object.keys(requirement);
    // A requirement naming several schemes needs several credentials at once; Herald refuses
    // two credentials, so only single-scheme requirements can ever be met.
    if (names.length !== 1) continue;
    const form = schemes.get(names[0]);
    if (!form) continue;
    const alternatives = result.get(form) ?? [];
    alternatives.push([...requirement[names[0]]]);
    result.set(form, alternatives);
  }
  return result;
}

/**
 * Each `*Problem` schema pins its `code`, `type`, `title` and `status` with `const`s, either
 * directly or in one of its `allOf` parts.
 */
function deriveProblems(schemas: Record<string, SpecNode>): Map<string, ProblemKind> {
  const problems = new Map<string, ProblemKind>();
  for (const [name, schema] of Object.entries<SpecNode>(schemas)) {
    if (!name.endsWith('Problem')) continue;
    const consts: Record<string, unknown> = {};
    for (const part of [schema, ...(schema.allOf ?? [])]) {
      for (const [property, sub] of Object.entries<SpecNode>(part.properties ?? {})) {
        if (sub && 'const' in sub) consts[property] = sub.const;
      }
    }
    if (typeof consts.code !== 'string') continue;
    problems.set(consts.code, {
      code: consts.code,
      type: String(consts.type),
      title: String(consts.title),
      status: Number(consts.status),
    });
  }
  return problems;
}

/** The plans are the variants of the `Plan` schema; each pins its figures with `const`s. */
function derivePlans(document: SpecNode, resolve: (n: SpecNode) => SpecNode): Map<string, PlanLimits> {
  const plans = new Map<string, PlanLimits>();
  for (const variant of resolve(document.components?.schemas?.Plan)?.oneOf ?? []) {
    const properties = resolve(variant).properties;
    const plan: PlanLimits = {
      name: properties.name.const,
      requestsPerMinute: properties.requests_per_minute.const,
      monthlyNotificationQuota: properties.monthly_notification_quota.const,
      countedChannels: properties.counted_channels.const,
    };
    plans.set(plan.name, plan);
  }
  return plans;
}

/** `chosen` in the order of the spec's `Scope` enum, so that every key shows its scopes the same way. */
export function scopesInSpecOrder(contract: Contract, chosen: readonly string[]): string[] {
  return contract.scopes.filter((scope) => chosen.includes(scope));
}

/** `/v1/api-keys/{key_id}` → a pattern matching any single path segment for each parameter. */
export function pathPattern(template: string): RegExp {
  const escaped = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}$`);
}
