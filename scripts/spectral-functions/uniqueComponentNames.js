// Spectral function behind the `herald-component-names` rule of ../../.spectral.yaml: component
// names that no code generator can make collide. Generators put the components of several kinds
// in one namespace (openapi-typescript-codegen writes a model per schema *and* per parameter;
// orval and hey-api add types named after each operation), so a name must be unique across
// kinds, not only within one (Redocly's component-name-unique checks only within one), and must
// not be a name the generators derive from an operationId. Plain JavaScript, no imports:
// Spectral loads it with its own bundler.

/** The kinds of component that become type or model names. */
const KINDS = ['schemas', 'parameters', 'responses', 'headers', 'requestBodies'];

/**
 * Suffixes generators append to an operationId, upper-cased: orval (`PingResult`, `…Params`,
 * `…Body`), @hey-api/openapi-ts (`…Data`, `…Response(s)`, `…Error(s)`), openapi-generator
 * (`…Request`), openapi-typescript-codegen and openapi-zod-client (`…Parameters`, `…Body`).
 */
const DERIVED_SUFFIXES = ['Result', 'Params', 'Parameters', 'Body', 'Data', 'Request', 'Response', 'Responses', 'Error', 'Errors'];

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export default function uniqueComponentNames(document) {
  const components = (document && document.components) || {};
  const results = [];
  // Lower-cased, so names that differ only in case (two files on a case-insensitive disk) collide too.
  const firstSeen = new Map();
  for (const kind of KINDS) {
    for (const name of Object.keys(components[kind] || {})) {
      const key = name.toLowerCase();
      const earlier = firstSeen.get(key);
      if (earlier === undefined) firstSeen.set(key, { kind, name });
      else {
        results.push({
          message: `${kind}/${name} has the name of ${earlier.kind}/${earlier.name}: generators that put both in one namespace emit a duplicate identifier`,
          path: ['components', kind, name],
        });
      }
    }
  }

  const derived = new Map();
  for (const pathItem of Object.values(document.paths || {})) {
    for (const method of METHODS) {
      const operationId = pathItem && pathItem[method] && pathItem[method].operationId;
      if (typeof operationId !== 'string' || operationId === '') continue;
      const base = operationId[0].toUpperCase() + operationId.slice(1);
      for (const suffix of DERIVED_SUFFIXES) derived.set(`${base}${suffix}`.toLowerCase(), { operationId, name: `${base}${suffix}` });
    }
  }
  for (const kind of KINDS) {
    for (const name of Object.keys(components[kind] || {})) {
      const clash = derived.get(name.toLowerCase());
      if (clash) {
        results.push({
          message: `${kind}/${name} is a name generators derive from operation ${clash.operationId} (${clash.name}): rename the component`,
          path: ['components', kind, name],
        });
      }
    }
  }
  return results;
}
