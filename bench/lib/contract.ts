import { credentialHeader, type AuthScheme, type SecuritySchemes } from '../../client/credentials.ts';
import { Contract } from '../../contract-tests/src/spec/contract.ts';
import { DEFAULT_SPEC_PATH, type JsonObject } from '../../contract-tests/src/spec/spec-document.ts';

// What the benchmark needs to know about the contract, read from the bundled spec at run time
// (house rule: the spec is the single source of truth) through the readers the project already
// has: the conformance suite's Contract (operations, plans, key format, the idempotency header)
// and the client's credential headers.

export const SPEC_PATH = DEFAULT_SPEC_PATH;
export const contract = Contract.load(SPEC_PATH);

const securitySchemes = (contract.spec.root.components as JsonObject).securitySchemes as SecuritySchemes;

/** The one header that carries `key` in the given form, as a headers object. */
export function credentialHeaders(form: AuthScheme, key: string): Record<string, string> {
  const { name, value } = credentialHeader(securitySchemes, form, key);
  return { [name]: value };
}

/** The value of a named request-body example of an operation. */
export function requestExample(operationId: string, name: string): unknown {
  const body = contract.spec.deref<JsonObject>(contract.spec.pointer(`${contract.operation(operationId).pointer}/requestBody`));
  const example = ((body.content as Record<string, JsonObject> | undefined)?.['application/json']?.examples as JsonObject | undefined)?.[name];
  if (!example) throw new Error(`${operationId} has no request example "${name}"`);
  return contract.spec.deref<JsonObject>(example).value;
}

/**
 * A `--rate-limit-scale` under which every plan allows at least `requestsPerMinute` per key, so
 * that no request of a benchmark is refused by the per-key rate limit.
 */
export function rateLimitScaleFor(requestsPerMinute: number): number {
  const slowest = Math.min(...contract.plans.map((p) => p.requestsPerMinute).filter((n) => n > 0));
  return Math.ceil(requestsPerMinute / slowest);
}
