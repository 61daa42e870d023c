import type { ValidationIssue } from './problems.ts';
import type { ErrorObject, SchemaCompiler, ValidateFunction } from './schema-compiler.ts';
import type { Contract, Operation, Parameter, SpecNode, ValidationIssueLimits } from './spec.ts';

// Request validation of one operation, compiled once from the operation's parameters and request
// body in the bundled spec. Parameter values arrive as strings and are converted to the type
// their schema declares before validation (OpenAPI's `simple`/`form` styles); `default`s fill in
// what was omitted.

export interface ValidRequest {
  readonly params: Record<string, unknown>;
  readonly query: Record<string, unknown>;
  readonly headers: Record<string, unknown>;
  readonly body: unknown;
}

export type RequestValidation = { ok: true; value: ValidRequest } | { ok: false; issues: ValidationIssue[] };

export interface RequestInput {
  params: unknown;
  query: unknown;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

type Location = 'path' | 'query' | 'header';

interface ParameterGroup {
  readonly location: Location;
  readonly parameters: readonly Parameter[];
  /** Resolved schema `type` of each parameter, by the name it has in the request object. */
  readonly types: ReadonlyMap<string, string | undefined>;
  /** Request-object name → name as written in the spec (headers are lower-cased by Node). */
  readonly specNames: ReadonlyMap<string, string>;
  readonly validate: ValidateFunction;
}

export function compileRequestValidator(
  contract: Contract,
  compiler: SchemaCompiler,
  operation: Operation,
): (input: RequestInput) => RequestValidation {
  const groups = (['path', 'query', 'header'] as const)
    .map((location) => compileGroup(contract, compiler, operation, location))
    .filter((group): group is ParameterGroup => group !== null);
  const body = operation.requestBody;
  const validateBody = body ? compiler.compile(body.schema) : null;
  const limits = contract.validationIssueLimits;

  return (input) => {
    const issues: ValidationIssue[] = [];
    const values: Record<Location, Record<string, unknown>> = { path: {}, query: {}, header: {} };
    for (const group of groups) {
      const source = (group.location === 'path' ? input.params : group.location === 'query' ? input.query : input.headers) as
        | Record<string, unknown>
        | undefined;
      const candidate: Record<string, unknown> = {};
      for (const [name, type] of group.types) {
        const raw = source?.[name];
        if (raw !== undefined) candidate[name] = coerce(raw, type);
      }
      if (!group.validate(candidate)) {
        for (const error of group.validate.errors ?? []) {
          issues.push({ location: group.location, pointer: parameterName(group, error), message: message(error) });
        }
      }
      values[group.location] = candidate;
    }

    let bodyValue = input.body;
    if (body && validateBody) {
      if (bodyValue === undefined) {
        if (body.required) issues.push({ location: 'body', pointer: '', message: 'a JSON request body is required' });
      } else if (!validateBody(bodyValue)) {
        for (const error of validateBody.errors ?? []) {
          issues.push({ location: 'body', pointer: bodyPointer(error), message: message(error) });
        }
      }
    } else {
      bodyValue = undefined; // an operation without a body ignores one
    }

    if (issues.length > 0) return { ok: false, issues: bounded(issues, limits) };
    return { ok: true, value: { params: values.path, query: values.query, headers: values.header, body: bodyValue } };
  };
}

function compileGroup(
  contract: Contract,
  compiler: SchemaCompiler,
  operation: Operation,
  location: Location,
): ParameterGroup | null {
  const parameters = operation.parameters.filter((p) => p.in === location);
  if (parameters.length === 0) return null;
  const requestName = (p: Parameter) => (location === 'header' ? p.name.toLowerCase() : p.name);
  const schema: SpecNode = {
    type: 'object',
    properties: Object.fromEntries(parameters.map((p) => [requestName(p), p.schema ?? {}])),
    required: parameters.filter((p) => p.required).map(requestName),
  };
  return {
    location,
    parameters,
    types: new Map(parameters.map((p) => [requestName(p), schemaType(contract, p.schema)])),
    specNames: new Map(parameters.map((p) => [requestName(p), p.name])),
    validate: compiler.compile(schema),
  };
}

function schemaType(contract: Contract, schema: SpecNode): string | undefined {
  const resolved = contract.resolve(schema ?? {});
  return typeof resolved.type === 'string' ? resolved.type : undefined;
}

/** A parameter's text as the type its schema wants; left alone when it does not convert cleanly. */
function coerce(raw: unknown, type: string | undefined): unknown {
  if (typeof raw !== 'string') return raw; // a repeated query parameter stays an array and fails
  if (type === 'integer' || type === 'number') {
    return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  }
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

function parameterName(group: ParameterGroup, error: ErrorObject): string {
  const name =
    error.keyword === 'required'
      ? String(error.params.missingProperty)
      : decodePointerToken(error.instancePath.split('/')[1] ?? '');
  return group.specNames.get(name) ?? name;
}

function bodyPointer(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const child =
    error.keyword === 'required' ? params.missingProperty : error.keyword === 'additionalProperties' ? params.additionalProperty : undefined;
  const pointer = child === undefined ? error.instancePath : `${error.instancePath}/${encodePointerToken(String(child))}`;
  return pointer;
}

function message(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  let text = error.message ?? 'is not valid';
  if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) text += `: ${params.allowedValues.join(', ')}`;
  if (error.keyword === 'additionalProperties') text = `unknown property ${JSON.stringify(params.additionalProperty)}`;
  return text;
}

/**
 * Issue texts are bounded and free of control characters (the spec's ValidationIssue pattern);
 * a property name from the request may hold anything, so those characters are shown escaped.
 */
function bounded(issues: readonly ValidationIssue[], limits: ValidationIssueLimits): ValidationIssue[] {
  return issues.slice(0, limits.maxIssues).map((issue) => ({
    location: issue.location,
    pointer: truncate(issue.pointer, limits.maxText),
    message: truncate(issue.message, limits.maxText),
  }));
}

function truncate(text: string, max: number): string {
  const clean = text.replace(/[\x00-\x1F\x7F]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return clean.length <= max ? clean : clean.slice(0, max - 1) + '…';
}

function decodePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function encodePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The `validation_failed` answer to a list of issues. */
export function validationDetail(issues: readonly ValidationIssue[], limits: ValidationIssueLimits): string {
  const first = issues[0];
  const where = first.pointer ? `${first.location} ${first.pointer}` : first.location;
  return truncate(
    `The request does not match this operation: ${where} ${first.message}` +
      (issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''}; see errors).` : '.'),
    limits.maxText,
  );
}

