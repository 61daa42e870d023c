import { readFileSync } from 'node:fs';
import { REPO_ROOT } from './child.ts';

// What the benchmark needs to know about the contract, read from the bundled spec at run time
// (house rule: the spec is the single source of truth): plan limits, the success status and
// example body of an operation, the header an operation takes for idempotency.

type Json = Record<string, any>;

export const SPEC_PATH = `${REPO_ROOT}generated/openapi.json`;
const spec: Json = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));

function resolve(node: Json): Json {
  let current = node;
  while (current && typeof current.$ref === 'string') {
    current = (current.$ref as string)
      .replace(/^#\//, '')
      .split('/')
      .reduce((at: Json, part: string) => at[part.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  }
  return current;
}

/** Path and method of an operation, by operationId; `path` is as written in the spec (no /v1). */
export function operation(operationId: string): { path: string; method: string; definition: Json } {
  for (const [path, item] of Object.entries<Json>(spec.paths)) {
    for (const [method, definition] of Object.entries<Json>(item)) {
      if (definition && definition.operationId === operationId) return { path, method: method.toUpperCase(), definition };
    }
  }
  throw new Error(`the spec has no operation ${operationId}`);
}

/** The one 2xx status an operation documents. */
export function successStatus(operationId: string): number {
  const statuses = Object.keys(operation(operationId).definition.responses).filter((s) => /^2\d\d$/.test(s));
  if (statuses.length !== 1) throw new Error(`${operationId} documents ${statuses.length} success statuses`);
  return Number(statuses[0]);
}

/** The value of a named request-body example of an operation. */
export function requestExample(operationId: string, name: string): unknown {
  const content = operation(operationId).definition.requestBody?.content?.['application/json'];
  const example = content?.examples?.[name];
  if (!example) throw new Error(`${operationId} has no request example "${name}"`);
  return resolve(example).value;
}

export interface PlanLimits {
  name: string;
  requestsPerMinute: number;
  countedChannels: string[];
}

/** Every `*Plan` schema's constants (the spec states each plan's limits as `const`s). */
export function plans(): PlanLimits[] {
  return Object.entries<Json>(spec.components.schemas)
    .filter(([name, schema]) => /Plan$/.test(name) && schema.properties?.requests_per_minute?.const !== undefined)
    .map(([, schema]) => ({
      name: schema.properties.name.const,
      requestsPerMinute: schema.properties.requests_per_minute.const,
      countedChannels: schema.properties.counted_channels.const,
    }));
}

/**
 * A `--rate-limit-scale` under which every plan allows at least `requestsPerMinute` per key, so
 * that no request of a benchmark is refused by the per-key rate limit.
 */
export function rateLimitScaleFor(requestsPerMinute: number): number {
  const slowest = Math.min(...plans().map((p) => p.requestsPerMinute).filter((n) => n > 0));
  return Math.ceil(requestsPerMinute / slowest);
}
