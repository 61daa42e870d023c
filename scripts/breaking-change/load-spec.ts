// Reads an OpenAPI 3 document (JSON or YAML, bundled or split into files) with Redocly's
// openapi-core: it parses both formats, bundles external references into the document and
// reports every `$ref` that leads nowhere. Anything that keeps the gate from comparing becomes a
// GateInputError with a one-line reason (the CLI prints it and exits 2).
import { stat } from 'node:fs/promises';
import { bundle, createConfig, detectSpec, type NormalizedProblem, YamlParseError } from '@redocly/openapi-core';
import { isObject, type JsonObject, Spec } from './spec.ts';

export class GateInputError extends Error {}

/** `label` is how reports name the document (by default the path as given). */
export async function loadSpec(file: string, label = file): Promise<Spec> {
  await assertReadableFile(file, label);
  let document: unknown;
  let problems: NormalizedProblem[];
  try {
    const config = await createConfig({});
    const result = await bundle({ ref: file, config, skipRedoclyRegistryRefs: true });
    document = result.bundle.parsed;
    problems = result.problems;
  } catch (error) {
    throw new GateInputError(`${label}: ${describeReadFailure(error)}`);
  }
  if (!isObject(document)) throw new GateInputError(`${label}: not an OpenAPI document (the top level is not an object)`);
  assertOpenApi3(label, document);
  const badRef = problems.find((problem) => problem.severity === 'error');
  if (badRef) {
    const where = badRef.location[0]?.pointer ?? '';
    throw new GateInputError(`${label}: bad $ref${where ? ` at ${where}` : ''}: ${firstLine(badRef.message)}`);
  }
  return new Spec(document, label);
}

async function assertReadableFile(file: string, label: string): Promise<void> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new GateInputError(`${label}: not a file`);
  } catch (error) {
    if (error instanceof GateInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new GateInputError(`${label}: cannot read it (${code === 'ENOENT' ? 'no such file' : (code ?? 'unknown error')})`);
  }
}

function assertOpenApi3(file: string, document: JsonObject): void {
  let version: string;
  try {
    version = detectSpec(document);
  } catch {
    throw new GateInputError(`${file}: not an OpenAPI document (no \`openapi: 3.x\` field)`);
  }
  if (version !== 'oas3_0' && version !== 'oas3_1') {
    throw new GateInputError(`${file}: ${version === 'oas2' ? 'a Swagger 2.0 document' : `a ${version} document`}; the gate compares OpenAPI 3.0 and 3.1 documents`);
  }
  if (document.paths !== undefined && !isObject(document.paths)) {
    throw new GateInputError(`${file}: not an OpenAPI document (\`paths\` is not an object)`);
  }
}

function describeReadFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/Unsupported specification|Document must be JSON object/.test(message)) {
    return 'not an OpenAPI document (no `openapi: 3.x` field)';
  }
  if (error instanceof YamlParseError) return `not valid JSON or YAML: ${firstLine(message)}`;
  return firstLine(message);
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
