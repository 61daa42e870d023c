import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { SpecDocument } from './spec-document.ts';

const DOCUMENT_ID = 'https://herald.contract/openapi.json';
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/**
 * Validates values against the spec's own schemas (JSON Schema 2020-12, as OpenAPI 3.1 uses).
 * The whole document is registered once so that `$ref`s between components resolve as written.
 */
export class SchemaValidator {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(spec: SpecDocument) {
    // strict: false because an OpenAPI document carries keywords JSON Schema does not know
    // (discriminator, example) and a root that is not a schema.
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= INT32.min && n <= INT32.max });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    this.ajv.addSchema({ ...spec.root, $id: DOCUMENT_ID });
  }

  /** Validates `value` against the schema at a local pointer (`#/components/schemas/Problem`). */
  validate(pointer: string, value: unknown): string[] {
    return describeErrors(this.errors(pointer, value));
  }

  /** ajv's own errors (keyword, instance path) of `value` against the schema at `pointer`; empty when valid. */
  errors(pointer: string, value: unknown): ErrorObject[] {
    let fn = this.compiled.get(pointer);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
      this.compiled.set(pointer, fn);
    }
    return fn(value) ? [] : [...(fn.errors ?? [])];
  }
}

function describeErrors(errors: ErrorObject[]): string[] {
  // oneOf failures produce one error per branch; the first few are enough for a person.
  const lines = errors.slice(0, 8).map((e) => {
    const where = e.instancePath === '' ? '(root)' : e.instancePath;
    const params = e.keyword === 'const' || e.keyword === 'enum' || e.keyword === 'additionalProperties' || e.keyword === 'required'
      ? ` ${JSON.stringify(e.params)}` : '';
    return `${where} ${e.message ?? e.keyword}${params}`;
  });
  if (errors.length > 8) lines.push(`… and ${errors.length - 8} more`);
  return lines;
}
