import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { SpecNode } from './spec.ts';

// Compiles schemas of the bundled spec with ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1).
// The spec's component schemas are registered once as one schema resource; schemas taken from
// operations, parameters and headers refer into it. Two adaptations, neither of which changes
// what a schema accepts: `$ref`s to `#/components/schemas/X` are pointed at that resource, and
// `discriminator.mapping` is dropped (ajv's discriminator support rejects `mapping`; the `oneOf`
// branches pin the tag with `const`, which is all ajv needs to pick the branch, and lets it report
// the errors of that branch alone), and so is a discriminator with no `oneOf` beside it.

const COMPONENTS_ID = 'https://herald.invalid/components';
const COMPONENT_REF = '#/components/schemas/';

export interface SchemaCompiler {
  compile(schema: SpecNode): ValidateFunction;
}

export type { ErrorObject, ValidateFunction };

export interface SchemaCompilerOptions {
  /** Fill in `default`s of missing properties (request validation wants them; response checks must not). */
  useDefaults?: boolean;
}

export function createSchemaCompiler(document: SpecNode, options: SchemaCompilerOptions = {}): SchemaCompiler {
  const ajv = new Ajv2020({
    useDefaults: options.useDefaults ?? false,
    allErrors: true,
    discriminator: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
    // OpenAPI annotation keywords ajv does not know about.
    keywords: ['example', 'xml', 'externalDocs'],
  });
  addFormats(ajv);
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: adapt({ $defs: document.components?.schemas ?? {} }).$defs });
  const cache = new Map<string, ValidateFunction>();
  return {
    compile(schema) {
      const adapted = adapt(schema);
      const cacheKey = JSON.stringify(adapted);
      let validate = cache.get(cacheKey);
      if (!validate) {
        validate = ajv.compile({ $id: `${COMPONENTS_ID}/compiled/${cache.size}`, ...adapted });
        cache.set(cacheKey, validate);
      }
      return validate;
    },
  };
}

/** Keywords whose value maps names (properties, definitions) to schemas: the names are data. */
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords whose value is data, not schema. */
const LITERALS = new Set(['examples', 'example', 'const', 'enum', 'default', 'required', 'dependentRequired']);

function adapt(node: SpecNode): SpecNode {
  if (Array.isArray(node)) return node.map(adapt);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, SpecNode> = {};
  for (const [key, value] of Object.entries<SpecNode>(node)) {
    if (key.startsWith('x-')) continue; // vendor extensions annotate; they never constrain
    if (key === '$ref' && typeof value === 'string' && value.startsWith(COMPONENT_REF)) {
      out.$ref = `${COMPONENTS_ID}#/$defs/${value.slice(COMPONENT_REF.length)}`;
    } else if (key === 'discriminator' && value && typeof value === 'object') {
      // On a base schema that its variants extend with allOf (Problem), the discriminator is a
      // hint for readers and code generators; ajv can only use one that sits beside a oneOf.
      if (!Array.isArray(node.oneOf)) continue;
      out.discriminator = { propertyName: value.propertyName };
      // A discriminator only makes sense on objects, and ajv skips the whole `oneOf` for anything
      // else; saying `type: object` keeps plain JSON Schema's answer (null, arrays, … fail).
      out.type ??= 'object';
    } else if (LITERALS.has(key)) {
      out[key] = value;
    } else if (NAME_MAPS.has(key) && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries<SpecNode>(value).map(([name, schema]) => [name, adapt(schema)]));
    } else {
      out[key] = adapt(value);
    }
  }
  return out;
}
