import { readOperations, type Operation } from './operations.ts';
import { SchemaValidator } from './schema-validator.ts';
import { SpecDocument, SpecError, type JsonObject } from './spec-document.ts';

/** One error code as the spec defines it: its status, `type` URI, `title` and schema. */
export interface ProblemSpec {
  code: string;
  status: number;
  type?: string;
  title?: string;
  schemaPointer: string;
}

export interface PlanSpec {
  name: string;
  requestsPerMinute: number;
  monthlyQuota: number;
  countedChannels: string[];
}

/** A way of presenting a key, from a security scheme: header name and the scheme word before the key. */
export interface CredentialForm {
  scheme: string;
  header: string;
  /** `Bearer`, `ApiKey`; absent when the header carries the bare key. */
  authScheme?: string;
}

/** The header that presents `key` in `form`, with the form's scheme word or another one. */
export function credentialHeader(form: CredentialForm, key: string, scheme = form.authScheme): [string, string] {
  return [form.header, scheme ? `${scheme} ${key}` : key];
}

/** The header names the suite needs, each found in the spec by the component it references. */
export interface HeaderNames {
  requestId: string;
  wwwAuthenticate: string;
  retryAfter: string;
  rateLimitPolicy: string;
  rateLimit: string;
  rateLimitLimit: string;
  rateLimitRemaining: string;
  rateLimitReset: string;
  idempotentReplayed: string;
  location: string;
}

/** The key format, from the `SecretKey` and `KeyPrefix` schemas. */
export interface KeyFormat {
  pattern: RegExp;
  length: number;
  environmentPrefixes: string[];
  listedPrefixLength: number;
}

/**
 * Everything the suite knows about Herald, read from the bundled spec at run time. Nothing here
 * restates a status, code, header, limit or scope by hand: each is looked up in the document.
 */
export class Contract {
  readonly operations: Operation[];
  readonly validator: SchemaValidator;
  readonly problems: Map<string, ProblemSpec>;
  readonly plans: PlanSpec[];
  readonly scopes: string[];
  /** The notification channels (the `Channel` schema's values). */
  readonly channels: string[];
  readonly credentialForms: CredentialForm[];
  readonly headers: HeaderNames;
  readonly idempotencyKeyHeader?: string;
  readonly keyFormat: KeyFormat;
  readonly payloadLimitBytes?: number;
  /** Header name (lower case) → pointer to its schema, from the responses that document it. */
  readonly headerSchemas: Map<string, string>;

  constructor(readonly spec: SpecDocument) {
    this.operations = readOperations(spec);
    this.validator = new SchemaValidator(spec);
    this.problems = readProblems(spec);
    this.plans = readPlans(spec);
    this.scopes = enumOf(spec, 'Scope');
    this.channels = enumOf(spec, 'Channel');
    this.credentialForms = readCredentialForms(spec);
    this.headers = readHeaderNames(spec, this.operations);
    this.idempotencyKeyHeader = this.operations
      .flatMap((op) => op.parameters)
      .find((p) => p.in === 'header' && p.schemaName === 'IdempotencyKey')?.name;
    this.keyFormat = readKeyFormat(spec);
    this.payloadLimitBytes = readPayloadLimit(this.operations);
    this.headerSchemas = new Map();
    for (const op of this.operations) {
      for (const response of op.responses.values()) {
        for (const header of response.headers) {
          if (!this.headerSchemas.has(header.name.toLowerCase())) this.headerSchemas.set(header.name.toLowerCase(), header.schemaPointer);
        }
      }
    }
  }

  /**
   * The contract of the spec at `path` (default: the one the suite ships). A document the suite
   * cannot derive its checks from — not Herald's, or missing what the checks need — is a
   * SpecError naming what is missing.
   */
  static load(path?: string): Contract {
    const document = SpecDocument.load(path);
    const missing = missingHeraldParts(document);
    if (missing.length > 0) throw new SpecError(`${document.source} is not a Herald spec: it has no ${missing.join(', no ')}`);
    try {
      return new Contract(document);
    } catch (error) {
      throw new SpecError(`${document.source} is not a Herald spec: ${(error as Error).message}`);
    }
  }

  operation(id: string): Operation {
    const op = this.operations.find((o) => o.id === id);
    if (!op) throw new Error(`The spec has no operation ${id}`);
    return op;
  }

  problem(code: string): ProblemSpec {
    const problem = this.problems.get(code);
    if (!problem) throw new Error(`The spec defines no error code ${code}`);
    return problem;
  }

  /** Operations that need a credential (those with security requirements). */
  get authenticatedOperations(): Operation[] {
    return this.operations.filter((op) => op.securitySchemes.length > 0);
  }

  plan(name: string): PlanSpec | undefined {
    return this.plans.find((p) => p.name === name);
  }
}

function schemas(spec: SpecDocument): Record<string, JsonObject> {
  return ((spec.root.components as JsonObject | undefined)?.schemas ?? {}) as Record<string, JsonObject>;
}

/** Problem schemas are the ones whose `allOf` pins `code` (and `status`, `type`, `title`) with `const`. */
/** The parts of a Herald spec the suite derives its checks from, as far as a glance can tell. */
function missingHeraldParts(spec: SpecDocument): string[] {
  const components = (spec.root.components ?? {}) as JsonObject;
  const schemaNames = Object.keys((components.schemas ?? {}) as JsonObject);
  const missing: string[] = [];
  if (Object.keys((spec.root.paths ?? {}) as JsonObject).length === 0) missing.push('paths');
  if (Object.keys((components.securitySchemes ?? {}) as JsonObject).length === 0) missing.push('components.securitySchemes');
  for (const name of ['Problem', 'Scope', 'SecretKey', 'KeyPrefix']) if (!schemaNames.includes(name)) missing.push(`${name} schema`);
  return missing;
}

function readProblems(spec: SpecDocument): Map<string, ProblemSpec> {
  const problems = new Map<string, ProblemSpec>();
  for (const [name, schema] of Object.entries(schemas(spec))) {
    for (const part of (schema.allOf ?? []) as unknown[]) {
      const props = (spec.deref<JsonObject>(part).properties ?? {}) as Record<string, JsonObject>;
      const code = props.code?.const;
      if (typeof code !== 'string') continue;
      problems.set(code, {
        code,
        status: props.status?.const as number,
        type: props.type?.const as string | undefined,
        title: props.title?.const as string | undefined,
        schemaPointer: `#/components/schemas/${name}`,
      });
    }
  }
  return problems;
}

/** Plans are the variants of the schema the usage body's `plan` refers to; each pins its limits. */
function readPlans(spec: SpecDocument): PlanSpec[] {
  const all = schemas(spec);
  const planSchema = all.Plan;
  if (!planSchema) return [];
  return ((planSchema.oneOf ?? []) as unknown[]).map((branch) => {
    const props = (spec.deref<JsonObject>(branch).properties ?? {}) as Record<string, JsonObject>;
    return {
      name: props.name?.const as string,
      requestsPerMinute: props.requests_per_minute?.const as number,
      monthlyQuota: props.monthly_notification_quota?.const as number,
      countedChannels: (props.counted_channels?.const ?? []) as string[],
    };
  });
}

function enumOf(spec: SpecDocument, schema: string): string[] {
  return ((schemas(spec)[schema]?.enum ?? []) as string[]).slice();
}

function readCredentialForms(spec: SpecDocument): CredentialForm[] {
  const schemes = ((spec.root.components as JsonObject).securitySchemes ?? {}) as Record<string, JsonObject>;
  return Object.entries(schemes).map(([scheme, raw]) => {
    const def = spec.deref<JsonObject>(raw);
    if (def.type === 'http') {
      const word = String(def.scheme);
      return { scheme, header: 'Authorization', authScheme: word.charAt(0).toUpperCase() + word.slice(1) };
    }
    if (def.type === 'apiKey' && def.in === 'header') {
      const header = String(def.name);
      if (header.toLowerCase() !== 'authorization') return { scheme, header };
      // An apiKey scheme on Authorization carries a scheme word before the key; OpenAPI has no
      // field for it, so the spec names it in `x-herald-authorization-scheme`.
      const word = def['x-herald-authorization-scheme'];
      if (typeof word !== 'string' || !/^[A-Za-z][A-Za-z0-9-]*$/.test(word)) {
        throw new Error(`Security scheme ${scheme} does not say which word precedes the key (x-herald-authorization-scheme)`);
      }
      return { scheme, header, authScheme: word };
    }
    throw new Error(`Security scheme ${scheme} (${String(def.type)}) is not one the suite can present`);
  });
}

function readHeaderNames(spec: SpecDocument, operations: Operation[]): HeaderNames {
  const byComponent = new Map<string, string>();
  for (const op of operations) {
    for (const response of op.responses.values()) {
      for (const header of response.headers) {
        if (header.componentName && !byComponent.has(header.componentName)) byComponent.set(header.componentName, header.name);
      }
    }
  }
  const find = (component: string): string => {
    const name = byComponent.get(component);
    if (!name) throw new Error(`No response of the spec uses the header component ${component}`);
    return name;
  };
  return {
    requestId: find('XRequestId'),
    wwwAuthenticate: find('WWWAuthenticate'),
    retryAfter: find('RetryAfter'),
    rateLimitPolicy: find('RateLimitPolicy'),
    rateLimit: find('RateLimit'),
    rateLimitLimit: find('XRateLimitLimit'),
    rateLimitRemaining: find('XRateLimitRemaining'),
    rateLimitReset: find('XRateLimitReset'),
    idempotentReplayed: find('IdempotentReplayed'),
    location: find('Location'),
  };
}

function readKeyFormat(spec: SpecDocument): KeyFormat {
  const all = schemas(spec);
  const secret = all.SecretKey;
  const prefix = all.KeyPrefix;
  const pattern = String(secret.pattern);
  const alternatives = /^\^([a-z_]*)\(([^)]*)\)_/.exec(pattern);
  if (!alternatives) throw new Error(`Cannot read the environment prefixes from the SecretKey pattern ${pattern}`);
  return {
    pattern: new RegExp(pattern),
    length: Number(secret.maxLength),
    environmentPrefixes: alternatives[2].split('|').map((env) => `${alternatives[1]}${env}_`),
    listedPrefixLength: Number(prefix.maxLength),
  };
}

/** The body size limit, as the 413 response states it (`x-herald-max-body-bytes`). */
function readPayloadLimit(operations: Operation[]): number | undefined {
  for (const op of operations) {
    const limit = op.responses.get('413')?.maxBodyBytes;
    if (limit !== undefined) return limit;
  }
  return undefined;
}
