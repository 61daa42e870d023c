// Run as a child process: `node --import tsx zod-examples.ts MODULE SPEC`. Imports the client
// openapi-zod-client generated (a module that throws at import, as one did on a `const`
// discriminator, fails here) and parses every request and success-response example of the spec
// with the zod schemas it built for that operation: a third party's reading of our schemas must
// accept our own examples. Prints one JSON line: { endpoints, checked, failures }.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import {
  isObject,
  jsonRequestBody,
  listOperations,
  mediaTypeExamples,
  resolve,
  successStatus,
  type JsonObject,
} from '../generate/openapi-document.ts';

interface ZodLike {
  safeParse(value: unknown): { success: boolean; error?: { issues: { path: (string | number)[]; message: string }[] } };
}
interface Endpoint {
  alias?: string;
  parameters?: { name: string; type: string; schema: ZodLike }[];
  response: ZodLike;
}

const [modulePath, specPath] = process.argv.slice(2);
const spec = JSON.parse(await readFile(specPath, 'utf8')) as JsonObject;
const generated = (await import(pathToFileURL(modulePath).href)) as { api: { api: Endpoint[] } };
const endpoints = generated.api.api;

const failures: string[] = [];
let checked = 0;
const check = (what: string, schema: ZodLike, value: unknown) => {
  checked++;
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = (result.error?.issues ?? []).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    failures.push(`${what}: ${issues.join('; ')}`);
  }
};

for (const operation of listOperations(spec)) {
  const endpoint = endpoints.find((candidate) => candidate.alias === operation.operationId);
  if (!endpoint) {
    failures.push(`${operation.operationId}: no endpoint with this alias in the generated client`);
    continue;
  }
  const bodySchema = endpoint.parameters?.find((parameter) => parameter.type === 'Body')?.schema;
  for (const example of jsonRequestBody(spec, operation)?.examples ?? []) {
    if (!bodySchema) failures.push(`${operation.operationId}: the generated client takes no body`);
    else check(`${operation.operationId} request example ${example.name}`, bodySchema, example.value);
  }
  const status = successStatus(operation);
  const response = resolve(spec, ((operation.object.responses ?? {}) as JsonObject)[status]);
  for (const media of Object.values((response.content ?? {}) as JsonObject)) {
    if (!isObject(media)) continue;
    for (const example of mediaTypeExamples(spec, resolve(spec, media))) {
      check(`${operation.operationId} ${status} example ${example.name}`, endpoint.response, example.value);
    }
  }
}

console.log(JSON.stringify({ endpoints: endpoints.length, checked, failures }));
process.exitCode = failures.length === 0 ? 0 : 1;
