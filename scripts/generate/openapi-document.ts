// The few facts about an OpenAPI document that the generate steps need: its operations, with
// their parameters, request-body examples and responses, `$ref`s resolved. The bundle keeps
// local `#/components/...` references; every step reads the document through these helpers
// so that none of them re-implements reference resolution.

export type JsonObject = { [key: string]: unknown };

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  example?: unknown;
  examples?: Record<string, JsonObject>;
  schema?: JsonObject;
}

export interface Operation {
  operationId: string;
  method: HttpMethod;
  path: string;
  summary: string;
  /** The operation object itself, as found in the document (mutating it mutates the document). */
  object: JsonObject;
  /** Path-level and operation-level parameters, resolved; operation-level ones win. */
  parameters: Parameter[];
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows local `$ref`s (`#/a/b`) until it reaches an object that is not a reference. */
export function resolve<T = JsonObject>(document: JsonObject, value: unknown): T {
  let current = value;
  const seen = new Set<string>();
  while (isObject(current) && typeof current.$ref === 'string') {
    const ref = current.$ref;
    if (!ref.startsWith('#/')) throw new Error(`Only local references are supported, got ${ref}`);
    if (seen.has(ref)) throw new Error(`Circular reference ${ref}`);
    seen.add(ref);
    current = ref
      .slice(2)
      .split('/')
      .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), document);
    if (current === undefined) throw new Error(`Unresolvable reference ${ref}`);
  }
  return current as T;
}

/** Every operation of the document, in document order (paths, then methods in HTTP_METHODS order). */
export function listOperations(document: JsonObject): Operation[] {
  const paths = (document.paths ?? {}) as JsonObject;
  const operations: Operation[] = [];
  for (const [path, rawItem] of Object.entries(paths)) {
    const pathItem = resolve(document, rawItem);
    const shared = ((pathItem.parameters ?? []) as unknown[]).map((p) => resolve<Parameter>(document, p));
    for (const method of HTTP_METHODS) {
      const object = pathItem[method];
      if (!isObject(object)) continue;
      const own = ((object.parameters ?? []) as unknown[]).map((p) => resolve<Parameter>(document, p));
      const parameters = [
        ...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)),
        ...own,
      ];
      if (typeof object.operationId !== 'string') throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      operations.push({
        operationId: object.operationId,
        method,
        path,
        summary: String(object.summary ?? ''),
        object,
        parameters,
      });
    }
  }
  return operations;
}

/** The example value a parameter documents: `example`, else the first of `examples`. */
export function parameterExample(document: JsonObject, parameter: Parameter): { found: boolean; value?: unknown } {
  if ('example' in parameter) return { found: true, value: parameter.example };
  const first = Object.values(parameter.examples ?? {})[0];
  if (first) return { found: true, value: resolve(document, first).value };
  return { found: false };
}

export interface MediaTypeExample {
  name: string;
  value: unknown;
}

/** The named examples of a media type object (`examples`, or a lone `example` named "example"). */
export function mediaTypeExamples(document: JsonObject, mediaType: JsonObject): MediaTypeExample[] {
  if (isObject(mediaType.examples)) {
    return Object.entries(mediaType.examples).map(([name, example]) => ({
      name,
      value: resolve(document, example).value,
    }));
  }
  if ('example' in mediaType) return [{ name: 'example', value: mediaType.example }];
  return [];
}

export interface RequestBody {
  required: boolean;
  mediaType: string;
  examples: MediaTypeExample[];
}

/** The JSON request body of an operation, if it has one. */
export function jsonRequestBody(document: JsonObject, operation: Operation): RequestBody | undefined {
  if (operation.object.requestBody === undefined) return undefined;
  const body = resolve(document, operation.object.requestBody);
  const content = (body.content ?? {}) as JsonObject;
  const mediaType = Object.keys(content).find((type) => type === 'application/json' || type.endsWith('+json'));
  if (!mediaType) throw new Error(`${operation.operationId}: only JSON request bodies are supported`);
  return {
    required: body.required === true,
    mediaType,
    examples: mediaTypeExamples(document, resolve(document, content[mediaType])),
  };
}

/** The status code of the first 2xx response an operation documents. */
export function successStatus(operation: Operation): string {
  const status = Object.keys((operation.object.responses ?? {}) as JsonObject).find((code) => /^2\d\d$/.test(code));
  if (!status) throw new Error(`${operation.operationId} documents no 2xx response`);
  return status;
}

/** Whether a response documents a body. */
export function responseHasContent(document: JsonObject, operation: Operation, status: string): boolean {
  const response = resolve(document, ((operation.object.responses ?? {}) as JsonObject)[status]);
  return isObject(response.content) && Object.keys(response.content).length > 0;
}
