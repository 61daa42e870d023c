import { escapePointer, SpecDocument, type JsonObject } from './spec-document.ts';

/** One documented response header: whether it must be present and where its schema lives. */
export interface HeaderSpec {
  name: string;
  required: boolean;
  schemaPointer: string;
  /** The header component it refers to (`RateLimitPolicy`), when it is a reference. */
  componentName?: string;
  /** The schema's JSON type, used to read the header's text as a number when it says so. */
  type?: string;
}

export interface ResponseSpec {
  status: string;
  description: string;
  headers: HeaderSpec[];
  /** Media type → pointer to its schema. Empty when the response has no body. */
  content: Map<string, string>;
  /** Error codes the body may carry (from the problem schemas it references). */
  problemCodes: string[];
  /** The request body limit a 413 states (`x-herald-max-body-bytes`), if this response states one. */
  maxBodyBytes?: number;
}

export interface ParameterSpec {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schemaPointer: string;
  /** The schema component it refers to (`KeyId`), when it is a reference. */
  schemaName?: string;
  componentName?: string;
}

export interface RequestBodySpec {
  required: boolean;
  contentTypes: string[];
  jsonSchemaPointer?: string;
  /** Every documented example of the JSON body, in document order. */
  examples: unknown[];
}

export interface Operation {
  id: string;
  method: string;
  pathTemplate: string;
  summary: string;
  pointer: string;
  parameters: ParameterSpec[];
  requestBody?: RequestBodySpec;
  responses: Map<string, ResponseSpec>;
  /** The documented 2xx status a valid request gets. */
  successStatus: number;
  /** Scopes named in the operation's security requirements; empty when it needs none. */
  requiredScopes: string[];
  /** Security scheme names the operation accepts; empty when it is public. */
  securitySchemes: string[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

export function readOperations(spec: SpecDocument): Operation[] {
  const paths = (spec.root.paths ?? {}) as Record<string, JsonObject>;
  const globalSecurity = (spec.root.security ?? []) as Array<Record<string, string[]>>;
  const operations: Operation[] = [];
  for (const [pathTemplate, rawItem] of Object.entries(paths)) {
    const item = spec.deref<JsonObject>(rawItem);
    const shared = (item.parameters ?? []) as unknown[];
    for (const method of METHODS) {
      const raw = item[method] as JsonObject | undefined;
      if (!raw) continue;
      const pointer = `#/paths/${escapePointer(pathTemplate)}/${method}`;
      const security = (raw.security ?? globalSecurity) as Array<Record<string, string[]>>;
      const responses = new Map<string, ResponseSpec>();
      for (const [status, rawResponse] of Object.entries((raw.responses ?? {}) as JsonObject)) {
        responses.set(status, readResponse(spec, status, rawResponse, `${pointer}/responses/${status}`));
      }
      const successes = [...responses.keys()].filter((s) => /^2\d\d$/.test(s)).map(Number).sort((a, b) => a - b);
      if (successes.length === 0) throw new Error(`${method.toUpperCase()} ${pathTemplate} documents no 2xx response`);
      operations.push({
        id: (raw.operationId as string) ?? `${method} ${pathTemplate}`,
        method: method.toUpperCase(),
        pathTemplate,
        summary: (raw.summary as string) ?? '',
        pointer,
        parameters: mergeParameters(spec, shared, (raw.parameters ?? []) as unknown[], pointer, pathTemplate),
        requestBody: raw.requestBody ? readRequestBody(spec, raw.requestBody, `${pointer}/requestBody`) : undefined,
        responses,
        successStatus: successes[0],
        requiredScopes: [...new Set(security.flatMap((req) => Object.values(req).flat()))].sort(),
        securitySchemes: [...new Set(security.flatMap((req) => Object.keys(req)))],
      });
    }
  }
  return operations;
}

function readResponse(spec: SpecDocument, status: string, raw: unknown, inlinePointer: string): ResponseSpec {
  const base = pointerOf(raw) ?? inlinePointer;
  const response = spec.deref<JsonObject>(raw);
  const headers: HeaderSpec[] = [];
  for (const [name, rawHeader] of Object.entries((response.headers ?? {}) as JsonObject)) {
    const headerPointer = pointerOf(rawHeader) ?? `${base}/headers/${escapePointer(name)}`;
    const header = spec.deref<JsonObject>(rawHeader);
    const schema = spec.deref<JsonObject>(header.schema ?? {});
    headers.push({
      name,
      required: header.required === true,
      schemaPointer: `${headerPointer}/schema`,
      componentName: SpecDocument.refName(rawHeader),
      type: typeof schema.type === 'string' ? schema.type : undefined,
    });
  }
  const content = new Map<string, string>();
  const problemCodes = new Set<string>();
  for (const [mediaType, media] of Object.entries((response.content ?? {}) as JsonObject)) {
    content.set(mediaType, `${base}/content/${escapePointer(mediaType)}/schema`);
    for (const code of problemCodesOf(spec, (media as JsonObject).schema)) problemCodes.add(code);
  }
  const maxBodyBytes = response['x-herald-max-body-bytes'];
  return {
    status,
    description: (response.description as string) ?? '',
    headers,
    content,
    problemCodes: [...problemCodes],
    ...(typeof maxBodyBytes === 'number' ? { maxBodyBytes } : {}),
  };
}

/** The error codes a response schema can carry: each problem schema pins `code` with `const`. */
export function problemCodesOf(spec: SpecDocument, schema: unknown): string[] {
  const resolved = spec.deref<JsonObject>(schema ?? {});
  const codes: string[] = [];
  for (const branch of ((resolved.oneOf ?? resolved.anyOf ?? []) as unknown[])) codes.push(...problemCodesOf(spec, branch));
  for (const part of ((resolved.allOf ?? []) as unknown[])) {
    const code = ((spec.deref<JsonObject>(part).properties as JsonObject | undefined)?.code as JsonObject | undefined)?.const;
    if (typeof code === 'string') codes.push(code);
  }
  return codes;
}

function mergeParameters(spec: SpecDocument, shared: unknown[], own: unknown[], pointer: string, pathTemplate: string): ParameterSpec[] {
  const byKey = new Map<string, ParameterSpec>();
  const read = (raw: unknown, fallback: string) => {
    const param = spec.deref<JsonObject>(raw);
    const paramPointer = pointerOf(raw) ?? fallback;
    const spec_: ParameterSpec = {
      name: param.name as string,
      in: param.in as ParameterSpec['in'],
      required: param.required === true,
      schemaPointer: `${paramPointer}/schema`,
      schemaName: SpecDocument.refName(param.schema),
      componentName: SpecDocument.refName(raw),
    };
    byKey.set(`${spec_.in}:${spec_.name.toLowerCase()}`, spec_);
  };
  const pathItemPointer = `#/paths/${escapePointer(pathTemplate)}`;
  shared.forEach((raw, i) => read(raw, `${pathItemPointer}/parameters/${i}`));
  own.forEach((raw, i) => read(raw, `${pointer}/parameters/${i}`));
  return [...byKey.values()];
}

function readRequestBody(spec: SpecDocument, raw: unknown, inlinePointer: string): RequestBodySpec {
  const base = pointerOf(raw) ?? inlinePointer;
  const body = spec.deref<JsonObject>(raw);
  const content = (body.content ?? {}) as Record<string, JsonObject>;
  const json = content['application/json'];
  const examples: unknown[] = [];
  if (json) {
    if ('example' in json) examples.push(json.example);
    for (const example of Object.values((json.examples ?? {}) as JsonObject)) {
      const resolved = spec.deref<JsonObject>(example);
      if ('value' in resolved) examples.push(resolved.value);
    }
  }
  return {
    required: body.required === true,
    contentTypes: Object.keys(content),
    jsonSchemaPointer: json ? `${base}/content/application~1json/schema` : undefined,
    examples,
  };
}

function pointerOf(node: unknown): string | undefined {
  if (node && typeof node === 'object' && typeof (node as JsonObject).$ref === 'string') {
    return (node as JsonObject).$ref as string;
  }
  return undefined;
}
