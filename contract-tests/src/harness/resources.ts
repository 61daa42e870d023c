import type { Operation, ParameterSpec } from '../spec/operations.ts';
import type { JsonObject, SpecDocument } from '../spec/spec-document.ts';
import type { KeyPool } from './key-pool.ts';
import type { Scenario, SendOptions } from './scenario.ts';
import type { Session } from './session.ts';

/**
 * Builds a valid request for any operation from the spec alone: the body is one of the
 * operation's documented examples, and each path parameter is filled by creating the resource it
 * names — the operation whose success body's `data.id` has the parameter's schema creates it
 * (`key_id` → a key the suite created, `notification_id` → a notification it sent). A new
 * operation in the spec is therefore covered without editing a test.
 */
export class Resources {
  private readonly creators = new Map<string, Operation>();
  private readonly cache = new Map<string, string>();
  private exampleTurn = 0;

  constructor(private readonly session: Session) {
    const { operations, spec } = session.contract;
    for (const op of operations) {
      if (op.method !== 'POST' || op.parameters.some((p) => p.in === 'path')) continue;
      const pointer = op.responses.get(String(op.successStatus))?.content.get('application/json');
      const idSchema = pointer ? idSchemaName(spec, spec.pointer(pointer)) : undefined;
      if (idSchema && !this.creators.has(idSchema)) this.creators.set(idSchema, op);
    }
  }

  creatorFor(param: ParameterSpec): Operation | undefined {
    return param.schemaName ? this.creators.get(param.schemaName) : undefined;
  }

  /**
   * A documented example body, timestamps in the past moved a year ahead so they stay valid. A
   * key made from the spec's example is named for this run and dies within the hour, like every
   * key the suite creates (never "Dashboard (read-only)" expiring in years).
   */
  exampleBody(op: Operation, index?: number): unknown {
    const examples = op.requestBody?.examples ?? [];
    if (examples.length === 0) return op.requestBody?.required ? {} : undefined;
    const chosen = examples[(index ?? this.exampleTurn++) % examples.length];
    const body = freshen(structuredClone(chosen));
    if (op.id === KEY_CREATION && body && typeof body === 'object' && !Array.isArray(body)) {
      const fields = body as Record<string, unknown>;
      fields.name = this.session.keyName(`from the spec's example${typeof fields.name === 'string' ? ` "${fields.name}"` : ''}`);
      fields.expires_at = this.session.keyExpiry();
    }
    return body;
  }

  /**
   * A valid request for `op` made with `key`. `fresh` creates new resources for the path
   * parameters (needed when the operation changes or destroys them); otherwise they are shared.
   */
  async validRequest(s: Scenario, op: Operation, key: string, options: { fresh?: boolean; pool?: KeyPool; exampleIndex?: number } = {}): Promise<SendOptions> {
    const fresh = options.fresh ?? op.method !== 'GET';
    const pathParams: Record<string, string> = {};
    for (const param of op.parameters.filter((p) => p.in === 'path')) {
      pathParams[param.name] = await this.provide(s, param, key, fresh, options.pool);
    }
    const body = op.requestBody ? this.exampleBody(op, options.exampleIndex) : undefined;
    return { op, auth: { key }, pathParams, json: body };
  }

  /** Creates (or reuses) a resource for a path parameter, visible to `key`. */
  async provide(s: Scenario, param: ParameterSpec, key: string, fresh: boolean, pool?: KeyPool): Promise<string> {
    const cacheKey = `${param.schemaName}:${key}`;
    if (!fresh && this.cache.has(cacheKey)) return this.cache.get(cacheKey)!;
    const creator = this.creatorFor(param);
    if (!creator) throw new Error(`No operation of the spec creates a ${param.schemaName ?? param.name}; cannot fill {${param.name}}`);
    let id: string;
    if (creator.id === 'createApiKey') {
      // Keys are tracked by the pool so that cleanup revokes them.
      const created = await (pool ?? this.session.pool()).create(s, { creator: key, body: this.exampleBody(creator, 0) as Record<string, unknown> });
      id = created.id;
    } else {
      const reply = await s.send({ op: creator, auth: { key }, json: this.exampleBody(creator, 0) });
      const data = reply.data<{ id?: unknown }>();
      s.require(s.primaryRule, reply.status === creator.successStatus && typeof data?.id === 'string',
        `creating a resource for {${param.name}} with ${creator.id} answered ${reply.summary}`, reply);
      id = data!.id as string;
    }
    if (!fresh) this.cache.set(cacheKey, id);
    return id;
  }
}

/** The schema name of `data.id` in a success body, following `$ref`s and `allOf`s. */
function idSchemaName(spec: SpecDocument, schema: unknown): string | undefined {
  const data = propertyOf(spec, schema, 'data');
  if (!data) return undefined;
  const id = propertyOf(spec, data, 'id');
  return id && typeof (id as JsonObject).$ref === 'string' ? String((id as JsonObject).$ref).split('/').pop() : undefined;
}

function propertyOf(spec: SpecDocument, schema: unknown, name: string): unknown {
  const resolved = spec.deref<JsonObject>(schema);
  const own = (resolved.properties as JsonObject | undefined)?.[name];
  if (own) return own;
  for (const part of (resolved.allOf ?? []) as unknown[]) {
    const found = propertyOf(spec, part, name);
    if (found) return found;
  }
  return undefined;
}

/** The operation that creates API keys (its keys are named and short-lived, see `exampleBody`). */
const KEY_CREATION = 'createApiKey';
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const A_DAY_MS = 86_400_000;

/** Examples are written once and age; a timestamp that has passed is moved a year ahead. */
function freshen(value: unknown): unknown {
  if (typeof value === 'string' && TIMESTAMP.test(value) && Date.parse(value) < Date.now() + A_DAY_MS) {
    return new Date(Date.now() + 365 * A_DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  if (Array.isArray(value)) return value.map(freshen);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, freshen(v)]));
  return value;
}
