// Step: generated/postman/, a Postman collection that runs as it is against any deployment. Made
// by Portman (which converts with openapi-to-postmanv2 and writes Postman tests) from a config
// this module derives from the spec, committed beside it with the conversion options so anyone
// can rerun Portman by hand:
//
// - every operation, in the spec's order within its tag's folder, except that an operation that
//   destroys a resource (`delete`) comes after everything else that uses it;
// - ids chained: the operation whose success body's `data.id` has the schema of a path parameter
//   stores the id in a collection variable, and every request with that path parameter uses it;
// - a fresh `Idempotency-Key` ({{$guid}}) per request, for every header of schema IdempotencyKey;
// - the key in one variable, {{apiKey}}, sent as a bearer token (the bare key works pasted);
// - tests per request: the documented success status, content type, JSON body and its schema,
//   every required header present, and every documented header's value against its schema;
// - an operation without a key (`security: []`, the signed leaked-key report) sends the spec's
//   example signature, which no deployment trusts, and is tested against its documented 401.
//
// Portman and openapi-to-postmanv2 give every item a random id; they are removed, so the file is
// a pure function of the spec (Postman assigns ids on import).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  isObject,
  listOperations,
  resolve,
  successStatus,
  type JsonObject,
  type Operation,
  type Parameter,
} from './openapi-document.ts';
import { idempotencyKey } from './contract-facts.ts';
import { REPO_ROOT } from './repo-root.ts';
import { jsonText } from './write-files.ts';

const run = promisify(execFile);

export const POSTMAN_DIR = 'generated/postman';
export const COLLECTION_FILE = `${POSTMAN_DIR}/herald.postman_collection.json`;
export const PORTMAN_CONFIG_FILE = `${POSTMAN_DIR}/portman-config.json`;
export const CONVERSION_CONFIG_FILE = `${POSTMAN_DIR}/postman-config.json`;

/**
 * openapi-to-postmanv2's options, as Portman passes them: Portman's defaults (folders by tag,
 * parameter values from the examples, optional parameters present but unticked), and every
 * request inheriting the collection's auth, so the one {{apiKey}} variable authenticates them all
 * (by default each operation with its own `security` list gets an auth of its own).
 */
export const CONVERSION_OPTIONS = {
  folderStrategy: 'Tags',
  parametersResolution: 'Example',
  requestParametersResolution: 'Example',
  exampleParametersResolution: 'Example',
  keepImplicitHeaders: true,
  enableOptionalParameters: false,
  alwaysInheritAuthentication: true,
};
/** The collection variable that holds the secret key. */
export const API_KEY_VARIABLE = 'apiKey';

/** `METHOD::/path`, Portman's name for an operation. */
const target = (operation: Operation) => `${operation.method.toUpperCase()}::${operation.path}`;
const camel = (name: string) => name.replace(/[-_]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Follows `$ref`s everywhere inside a node (the spec has no cycles where this is used). */
function inline(document: JsonObject, node: unknown): unknown {
  const value = resolve<unknown>(document, node);
  if (Array.isArray(value)) return value.map((item) => inline(document, item));
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inline(document, item)]));
}

/** A property's schema, looked up through `$ref`s and `allOf`. */
function property(document: JsonObject, schema: unknown, name: string): unknown {
  const resolved = resolve(document, schema);
  const own = (resolved.properties as JsonObject | undefined)?.[name];
  if (own !== undefined) return own;
  for (const part of (resolved.allOf ?? []) as unknown[]) {
    const found = property(document, part, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

function successResponse(document: JsonObject, operation: Operation): JsonObject {
  return resolve(document, ((operation.object.responses ?? {}) as JsonObject)[successStatus(operation)]);
}

/** The `$ref` of the schema of `data.id` in an operation's JSON success body, if it has one. */
function createdIdSchema(document: JsonObject, operation: Operation): string | undefined {
  const content = (successResponse(document, operation).content ?? {}) as JsonObject;
  const media = Object.entries(content).find(([type]) => type.includes('json'))?.[1];
  if (!isObject(media)) return undefined;
  const data = property(document, media.schema, 'data');
  const id = data === undefined ? undefined : property(document, data, 'id');
  return isObject(id) && typeof id.$ref === 'string' ? id.$ref : undefined;
}

const schemaRef = (parameter: Parameter) => (isObject(parameter.schema) && typeof parameter.schema.$ref === 'string' ? parameter.schema.$ref : undefined);

/** The order Portman sorts requests into, per folder: the spec's, with `delete`s last. */
export function requestOrder(operations: Operation[]): string[] {
  return [...operations.filter((o) => o.method !== 'delete'), ...operations.filter((o) => o.method === 'delete')].map(target);
}

/** A Postman test that checks every documented header of the success response against its schema. */
function headerSchemaTest(document: JsonObject, operation: Operation): string | undefined {
  const headers = Object.entries((successResponse(document, operation).headers ?? {}) as JsonObject);
  if (headers.length === 0) return undefined;
  const schemas = Object.fromEntries(headers.map(([name, header]) => [name, inline(document, resolve(document, header).schema)]));
  return [
    '// Every documented response header that is present matches its schema (integers arrive as text).',
    `pm.test("[${operation.method.toUpperCase()}]::${operation.path} - Documented headers match their schemas", function () {`,
    `  const documented = ${JSON.stringify(schemas)};`,
    '  Object.keys(documented).forEach(function (name) {',
    '    const raw = pm.response.headers.get(name);',
    '    if (raw === undefined) return;',
    "    const value = documented[name].type === 'integer' && /^-?[0-9]+$/.test(raw) ? Number(raw) : raw;",
    `    pm.expect(value, name).to.have.jsonSchema(documented[name], { unknownFormats: ${JSON.stringify(['int32', 'int64', ...formatsUnknownToSandbox(document)]).replaceAll('"', "'").replaceAll(',', ', ')} });`,
    '  });',
    '});',
    '',
  ].join('\n');
}

/** What a keyless operation's request gets with the spec's example signature: the documented refusal. */
export const KEYLESS_STATUS = '401';

/** Portman's configuration for the spec (see the top of this file for what it asks for). */
export function portmanConfig(document: JsonObject): JsonObject {
  const operations = listOperations(document);
  // Which operation creates the resource a path parameter names, by the schema of its id.
  const variableOfSchema = new Map<string, { variable: string; creator: Operation }>();
  for (const operation of operations) {
    for (const parameter of operation.parameters.filter((p) => p.in === 'path')) {
      const ref = schemaRef(parameter);
      if (!ref || variableOfSchema.has(ref)) continue;
      const creator = operations.find((o) => o.method === 'post' && !o.path.includes('{') && createdIdSchema(document, o) === ref);
      if (!creator) throw new Error(`No operation creates the ${parameter.name} that ${operation.operationId} needs (no POST answers data.id of ${ref})`);
      variableOfSchema.set(ref, { variable: camel(parameter.name), creator });
    }
  }

  // A fresh Idempotency-Key on every request of the operations that take one.
  const idempotency = idempotencyKey(document, operations);
  const takingIdempotencyKey = new Set(idempotency.operations);
  const overwrites: JsonObject[] = [];
  for (const operation of operations) {
    const pathVariables = operation.parameters
      .filter((p) => p.in === 'path')
      .map((p) => ({ key: p.name, value: `{{${variableOfSchema.get(schemaRef(p)!)!.variable}}}` }));
    const headers = takingIdempotencyKey.has(`${operation.method.toUpperCase()} ${operation.path}`) ? [{ key: idempotency.header, value: '{{$guid}}' }] : [];
    if (pathVariables.length || headers.length) {
      overwrites.push({
        openApiOperationId: operation.operationId,
        ...(pathVariables.length ? { overwriteRequestPathVariables: pathVariables } : {}),
        ...(headers.length ? { overwriteRequestHeaders: headers } : {}),
      });
    }
  }

  const checks = {
    statusCode: { enabled: true },
    contentType: { enabled: true },
    jsonBody: { enabled: true },
    schemaValidation: { enabled: true },
    headersPresent: { enabled: true },
  };
  const keyless = operations.filter((o) => Array.isArray(o.object.security) && o.object.security.length === 0).map((o) => o.operationId);
  return {
    version: 1,
    tests: {
      contractTests: [
        { openApiOperation: '*::/*', ...(keyless.length ? { excludeForOperations: keyless } : {}), ...checks },
        ...keyless.map((operationId) => ({ openApiOperationId: operationId, openApiResponse: KEYLESS_STATUS, ...checks })),
      ],
      extendTests: operations.flatMap((operation) => {
        const test = headerSchemaTest(document, operation);
        return test ? [{ openApiOperationId: operation.operationId, tests: [test] }] : [];
      }),
    },
    assignVariables: [...variableOfSchema.values()].map(({ variable, creator }) => ({
      openApiOperationId: creator.operationId,
      collectionVariables: [{ responseBodyProp: 'data.id', name: variable }],
    })),
    overwrites,
    globals: {
      orderOfOperations: requestOrder(operations),
      securityOverwrites: { bearer: { token: `{{${API_KEY_VARIABLE}}}` } },
      collectionVariables: { [API_KEY_VARIABLE]: '' },
    },
  };
}

/** Drops the random ids Postman tools give items, so the collection is the same on every run. */
const RANDOM_ID_KEYS = new Set(['id', '_postman_id', 'postman_id']);
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (!isObject(node)) return node;
  return Object.fromEntries(Object.entries(node).filter(([key]) => !RANDOM_ID_KEYS.has(key)).map(([key, value]) => [key, withoutIds(value)]));
}

/**
 * The formats Postman's sandbox validates (Ajv 6's); any other format the spec uses is a hint to
 * tools (`password` asks them to mask a value) that the sandbox would refuse as unknown.
 */
const SANDBOX_FORMATS = new Set(['date', 'time', 'date-time', 'uri', 'uri-reference', 'uri-template', 'url', 'email', 'hostname', 'ipv4', 'ipv6', 'regex', 'uuid', 'json-pointer', 'json-pointer-uri-fragment', 'relative-json-pointer']);
/** Portman already passes these as unknown. */
const PORTMAN_UNKNOWN_FORMATS = new Set(['int32', 'int64', 'float', 'double']);
function formatsUnknownToSandbox(document: JsonObject): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    if (typeof node.format === 'string' && !SANDBOX_FORMATS.has(node.format) && !PORTMAN_UNKNOWN_FORMATS.has(node.format)) found.add(node.format);
    Object.values(node).forEach(visit);
  };
  visit(document);
  return [...found].sort();
}

export async function generatePostmanCollection(document: JsonObject, bundleFile: string): Promise<{ path: string; content: string }[]> {
  const config = portmanConfig(document);
  // Portman writes working files under its cwd and reads `.env` and PORTMAN_* variables from
  // there and the environment: a clean folder and environment keep the output the spec's alone.
  const dir = await mkdtemp(join(tmpdir(), 'herald-portman-'));
  try {
    const configFile = join(dir, 'portman-config.json');
    const conversionFile = join(dir, 'postman-config.json');
    const output = join(dir, 'collection.json');
    await writeFile(configFile, jsonText(config));
    await writeFile(conversionFile, jsonText(CONVERSION_OPTIONS));
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PORTMAN_')));
    await run(join(REPO_ROOT, 'node_modules', '.bin', 'portman'),
      ['--local', bundleFile, '--output', output, '--portmanConfigFile', configFile, '--postmanConfigFile', conversionFile,
        '--logAssignVariables', 'false', '--includeTests', 'true',
        ...formatsUnknownToSandbox(document).flatMap((format) => ['--extraUnknownFormats', format])],
      { cwd: dir, env: { ...env, NO_COLOR: '1', FORCE_COLOR: '0' }, maxBuffer: 64 << 20 })
      .catch((error: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`portman failed:\n${error.stdout ?? ''}${error.stderr ?? error.message}`);
      });
    const collection = withoutIds(JSON.parse(await readFile(output, 'utf8')));
    return [
      { path: COLLECTION_FILE, content: jsonText(collection) },
      { path: PORTMAN_CONFIG_FILE, content: jsonText(config) },
      { path: CONVERSION_CONFIG_FILE, content: jsonText(CONVERSION_OPTIONS) },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
