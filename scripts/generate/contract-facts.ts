// generated/contract-facts.ts: the facts of the contract that code needs at run time and the
// generated types cannot carry (types vanish when compiled). The client reads them from here
// rather than loading the whole bundled document, so that it ships a few hundred bytes of
// contract instead of the 140 kB spec.
import type { JsonObject } from './openapi-document.ts';

export const CONTRACT_FACTS_FILE = 'generated/contract-facts.ts';

/** The fields of a security scheme the client reads to put the key in a header. */
const SECURITY_SCHEME_FIELDS = ['type', 'in', 'name', 'scheme', 'x-herald-authorization-scheme'];

export function contractFactsSource(document: JsonObject): string {
  const schemes = ((document.components as JsonObject | undefined)?.securitySchemes ?? {}) as Record<string, JsonObject>;
  const securitySchemes = Object.fromEntries(Object.entries(schemes).map(([name, scheme]) => [
    name,
    Object.fromEntries(SECURITY_SCHEME_FIELDS.filter((field) => scheme[field] !== undefined).map((field) => [field, scheme[field]])),
  ]));
  return `// This file is written by \`npm run generate\` from the spec in openapi/. Never edit it by hand.
// Facts of the contract that code needs at run time, where the generated types cannot reach.

/** \`components.securitySchemes\`: how each accepted form carries the key. */
export const securitySchemes = ${JSON.stringify(securitySchemes, null, 2)} as const;
`;
}
