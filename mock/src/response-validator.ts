import { PROBLEM_CONTENT_TYPE } from './problems.ts';
import { createSchemaCompiler, type SchemaCompiler } from './schema-compiler.ts';
import { loadContract, pathPattern, responseHeaderName, type Contract, type Operation, type SpecNode } from './spec.ts';

// Checks a response against the bundled spec the way a strict contract tester would: the status
// is documented for the operation, the content type is one of the documented ones, every
// required header is present and every documented header matches its schema, and the body
// matches the schema of its status and content type. Answers outside any operation (unknown
// route, wrong method, malformed URL) must be problem documents of a code whose status they have.
// Used by the reference server's own tests; other areas may use it too.

export interface ResponseUnderTest {
  method: string;
  /** The request target as sent: path (with the `/v1` base path) and optional query. */
  url: string;
  status: number;
  /** Header lookup by case-insensitive name (e.g. `(n) => response.headers.get(n)`). */
  header(name: string): string | null | undefined;
  /** The body as received (empty for none). */
  body: string;
}

export interface ResponseValidator {
  /** Every way the response breaks the contract; empty when it conforms. */
  violations(response: ResponseUnderTest): string[];
  /** The operation a request targets, if any. */
  operationOf(method: string, url: string): Operation | undefined;
}

export function createResponseValidator(contract: Contract = loadContract()): ResponseValidator {
  // A compiler of its own, without `useDefaults`: a response must carry what it carries.
  const compiler = createSchemaCompiler(contract.document);
  const routes = contract.operations.map((operation) => ({ operation, pattern: pathPattern(operation.servedPath) }));

  function operationOf(method: string, url: string) {
    const path = url.split('?', 1)[0];
    return routes.find((r) => r.operation.method === method.toUpperCase() && r.pattern.test(path))?.operation;
  }

  function violations(response: ResponseUnderTest): string[] {
    const out: string[] = [];
    const path = response.url.split('?', 1)[0];
    const operation = operationOf(response.method, response.url);
    if (operation === undefined) {
      const allowed = routes.filter((r) => r.pattern.test(path)).map((r) => r.operation.method);
      checkOutsideOperation(contract, compiler, response, allowed, out);
      return out;
    }
    const where = `${operation.operationId} ${response.status}`;
    const documented = operation.responses?.[String(response.status)] ?? operation.responses?.default;
    if (documented === undefined) {
      out.push(`${where}: status ${response.status} is not documented for ${operation.operationId}`);
      return out;
    }
    const spec = contract.resolve(documented);
    checkHeaders(contract, compiler, spec.headers ?? {}, response, where, out);
    if (response.method.toUpperCase() !== 'HEAD') checkBody(compiler, spec.content, response, where, out);
    return out;
  }

  return { violations, operationOf };
}

function checkHeaders(
  contract: Contract,
  compiler: SchemaCompiler,
  headers: Record<string, SpecNode>,
  response: ResponseUnderTest,
  where: string,
  out: string[],
) {
  for (const [name, rawHeader] of Object.entries(headers)) {
    if (name.toLowerCase() === 'content-type') continue; // described by `content`, not `headers`
    const header = contract.resolve(rawHeader);
    const value = response.header(name);
    if (value === null || value === undefined) {
      if (header.required === true) out.push(`${where}: required header ${name} is missing`);
      continue;
    }
    if (!header.schema) continue;
    const validate = compiler.compile(header.schema);
    const typed = headerValue(contract, header.schema, value);
    if (!validate(typed)) {
      out.push(`${where}: header ${name}: ${JSON.stringify(value)} ${describeErrors(validate.errors)}`);
    }
  }
}

function checkBody(compiler: SchemaCompiler, content: SpecNode, response: ResponseUnderTest, where: string, out: string[]) {
  if (!content || Object.keys(content).length === 0) {
    if (response.body.length > 0) out.push(`${where}: the response documents no body but has ${response.body.length} bytes`);
    return;
  }
  const contentType = response.header('content-type');
  const mediaType = contentType?.split(';', 1)[0].trim().toLowerCase();
  const media = mediaType === undefined ? undefined : content[mediaType];
  if (media === undefined) {
    out.push(`${where}: content type ${JSON.stringify(contentType)} is not one of ${Object.keys(content).join(', ')}`);
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    out.push(`${where}: the body is not JSON`);
    return;
  }
  if (media.schema) {
    const validate = compiler.compile(media.schema);
    if (!validate(body)) out.push(`${where}: body ${describeErrors(validate.errors)}`);
  }
  if (mediaType === PROBLEM_CONTENT_TYPE) checkProblemConsistency(body, response, where, out);
}

function checkOutsideOperation(
  contract: Contract,
  compiler: SchemaCompiler,
  response: ResponseUnderTest,
  allowedMethods: string[],
  out: string[],
) {
  const where = `${response.method} ${response.url} ${response.status}`;
  const status = (code: string) => contract.problems.get(code)?.status;
  const expected = [status(allowedMethods.length > 0 ? 'method_not_allowed' : 'not_found'), status('validation_failed')];
  if (!expected.includes(response.status)) {
    out.push(`${where}: outside every operation the answer must be ${expected.join(' or ')}`);
  }
  if (response.status === status('method_not_allowed')) {
    const allow = (response.header('allow') ?? '').split(',').map((m) => m.trim()).filter(Boolean).sort();
    if (allow.join() !== [...allowedMethods].sort().join()) out.push(`${where}: Allow is ${JSON.stringify(allow)}, expected ${allowedMethods}`);
  }
  const requestId = response.header(responseHeaderName(contract, 'XRequestId'));
  const idSchema = contract.resolve(contract.document.components?.headers?.XRequestId)?.schema;
  if (!requestId) out.push(`${where}: X-Request-Id is missing`);
  else if (idSchema && !compiler.compile(idSchema)(requestId)) out.push(`${where}: X-Request-Id ${requestId} does not match its schema`);
  if (response.method.toUpperCase() === 'HEAD') return; // a HEAD answer has no body to check
  checkBody(compiler, { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } }, response, where, out);
  try {
    const body = JSON.parse(response.body) as { code?: string };
    const kind = body.code === undefined ? undefined : contract.problems.get(body.code);
    if (kind === undefined) out.push(`${where}: problem code ${body.code} is not defined by the spec`);
    else if (kind.status !== response.status) out.push(`${where}: code ${body.code} has status ${kind.status} in the spec`);
    else if ((body as { type?: string }).type !== kind.type || (body as { title?: string }).title !== kind.title) {
      out.push(`${where}: type/title of ${body.code} differ from the spec's`);
    }
  } catch {
    // reported by checkBody
  }
}

/** RFC 9457: a problem's `status` repeats the HTTP status. */
function checkProblemConsistency(body: unknown, response: ResponseUnderTest, where: string, out: string[]) {
  const status = (body as { status?: unknown })?.status;
  if (status !== response.status) out.push(`${where}: problem status ${String(status)} differs from the HTTP status`);
}

/** A header's text as the type its schema declares (header values are strings on the wire). */
function headerValue(contract: Contract, schema: SpecNode, value: string): unknown {
  const type = contract.resolve(schema).type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function describeErrors(errors: { instancePath: string; message?: string }[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
}
