// Step: TypeScript types of the published document with openapi-typescript. The output is what
// `npx openapi-typescript --empty-objects-unknown --default-non-nullable=false` writes from
// redocly.yaml (its herald@v1 entry names the file in `x-openapi-ts.output`); a test holds the
// two together. It reads the bundle
// rather than the split source so the types describe exactly what is published.
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';
import type { JsonObject } from './openapi-document.ts';

export const TYPES_FILE = 'generated/types/openapi.d.ts';

export const OPENAPI_TYPESCRIPT_OPTIONS = {
  // A `type: object` with no `properties` is any object (the webhook `payload`). By default
  // openapi-typescript types it `Record<string, never>`, which no real payload satisfies.
  emptyObjectsUnknown: true,
  // A property with a `default` is optional in the spec (`grace_period_seconds`: omitted means
  // 0). openapi-typescript's default (true) would make it required in every type, so `body: {}`
  // would not compile although the spec, the docs and the hey-api types all accept it.
  defaultNonNullable: false,
} as const;

export async function generateTypes(document: JsonObject): Promise<string> {
  // openapi-typescript annotates the object it is given; it gets a copy.
  const ast = await openapiTS(structuredClone(document) as unknown as OpenAPI3, { ...OPENAPI_TYPESCRIPT_OPTIONS, silent: true });
  return `${COMMENT_HEADER}${astToString(ast)}`;
}
