// Step: the same document in OpenAPI 3.0.3, for tools that read only 3.0 (dredd).
// @apiture/openapi-down-convert does most of the work (`const` → one-value `enum`, schema
// `examples` → `example`, `type: [T, 'null']` → `nullable`, license identifier removed). It
// leaves a few things that are not valid 3.0, which this step finishes:
//  - a falsy `const` (0, false, '') that the converter skips → one-value `enum`;
//  - `oneOf: [X, {type: 'null'}]`, our way of writing "X or null" → X's schema with
//    `nullable: true` (3.0.3 honours `nullable` only beside a `type`, and so does dredd);
//  - `info.summary` (3.1 only) is dropped;
//  - `info.license.identifier` (3.1 only) becomes the SPDX `url` that 3.0 requires;
//  - scopes on apiKey/http security requirements (3.1 allows them; 3.0 says the list MUST be
//    empty): emptied. Each operation's description still names the scope it needs.
// Then it checks that no 3.1-only construct is left, and fails generate if one is.
import { Converter } from '@apiture/openapi-down-convert';
import { HTTP_METHODS, isObject, resolve, type JsonObject } from './openapi-document.ts';
import { forEachSchema } from './schema-walk.ts';

export function downConvert(document: JsonObject): JsonObject {
  const converted = new Converter(document, {}).convert() as JsonObject;
  falsyConstToEnum(converted);
  nullAlternativesToNullable(converted);
  dropInfoSummary(converted);
  licenseIdentifierToUrl(document, converted);
  emptyNonOAuthScopes(converted);
  assertValidOpenApi30(converted);
  return converted;
}

/** The converter tests `if (schema.const)`, so `const: 0`, `false` or `''` would survive it. */
function falsyConstToEnum(document: JsonObject): void {
  forEachSchema(document, (schema) => {
    if (!('const' in schema)) return;
    schema.enum = [schema.const];
    delete schema.const;
  });
}

function isNullType(schema: unknown): boolean {
  return isObject(schema) && schema.type === 'null' && Object.keys(schema).every((key) => key === 'type' || key === 'description');
}

function nullAlternativesToNullable(document: JsonObject): void {
  forEachSchema(document, (schema, pointer) => {
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const alternatives = schema[keyword];
      if (!Array.isArray(alternatives) || !alternatives.some(isNullType)) continue;
      const rest = alternatives.filter((alternative) => !isNullType(alternative));
      // OpenAPI 3.0.3 honours `nullable` only beside a `type`, so "X or null" becomes a copy of
      // X (one level: X's own references stay references) with `nullable: true`. The schema's
      // own keywords (its description) win over X's.
      const target = rest.length === 1 ? resolve(document, rest[0]) : undefined;
      if (!target || typeof target.type !== 'string') {
        throw new Error(`${pointer}: only "one typed schema or null" can be written in OpenAPI 3.0`);
      }
      const { [keyword]: _alternatives, ...own } = schema;
      const merged = { ...target, ...own, nullable: true };
      for (const key of Object.keys(schema)) delete schema[key];
      Object.assign(schema, merged);
    }
  });
}

function dropInfoSummary(document: JsonObject): void {
  if (isObject(document.info)) delete document.info.summary;
}

function licenseIdentifierToUrl(original: JsonObject, converted: JsonObject): void {
  const license = isObject(original.info) && isObject(original.info.license) ? original.info.license : undefined;
  const target = isObject(converted.info) && isObject(converted.info.license) ? converted.info.license : undefined;
  if (!license || !target || typeof license.identifier !== 'string' || target.url) return;
  target.url = `https://spdx.org/licenses/${license.identifier}.html`;
}

function emptyNonOAuthScopes(document: JsonObject): void {
  const schemes = ((document.components as JsonObject | undefined)?.securitySchemes ?? {}) as JsonObject;
  const takesScopes = (name: string) => ['oauth2', 'openIdConnect'].includes(String(resolve(document, schemes[name]).type));
  const empty = (requirements: unknown) => {
    if (!Array.isArray(requirements)) return;
    for (const requirement of requirements) {
      for (const name of Object.keys(requirement)) if (!takesScopes(name)) requirement[name] = [];
    }
  };
  empty(document.security);
  for (const pathItem of Object.values((document.paths ?? {}) as JsonObject)) {
    if (!isObject(pathItem)) continue;
    for (const method of HTTP_METHODS) if (isObject(pathItem[method])) empty((pathItem[method] as JsonObject).security);
  }
}

/** Fails on any construct that OpenAPI 3.0 does not have, naming where it is. */
export function assertValidOpenApi30(document: JsonObject): void {
  const problems: string[] = [];
  if (!/^3\.0\.\d+$/.test(String(document.openapi))) problems.push(`#/openapi is ${String(document.openapi)}`);
  for (const key of ['webhooks', 'jsonSchemaDialect']) if (key in document) problems.push(`#/${key}`);
  if (isObject(document.info) && 'summary' in document.info) problems.push('#/info/summary');
  forEachSchema(document, (schema, pointer) => {
    if ('const' in schema) problems.push(`${pointer}/const`);
    if ('examples' in schema) problems.push(`${pointer}/examples`);
    if (Array.isArray(schema.type)) problems.push(`${pointer}/type is a list`);
    if (schema.type === 'null') problems.push(`${pointer}/type is 'null'`);
    if (typeof schema.exclusiveMinimum === 'number') problems.push(`${pointer}/exclusiveMinimum is a number`);
    if (typeof schema.exclusiveMaximum === 'number') problems.push(`${pointer}/exclusiveMaximum is a number`);
  });
  if (problems.length) throw new Error(`The down-converted document is not valid OpenAPI 3.0:\n  ${problems.join('\n  ')}`);
}
