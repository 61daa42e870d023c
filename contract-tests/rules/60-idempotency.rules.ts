import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { expectProblem, expectSuccess, requireSuccess } from '../src/harness/expect.ts';
import { listAllKeys } from '../src/harness/key-operations.ts';
import { scenario, type Scenario, type SendOptions } from '../src/harness/scenario.ts';
import { getSession } from '../src/harness/session.ts';
import type { Operation } from '../src/spec/operations.ts';

/**
 * Idempotency, for every operation that accepts the Idempotency-Key header (found in the spec):
 * a replay answers the same and does nothing again; a reused key with another request is refused.
 */
export default function idempotencyRules(): void {
  const contract = getSession().contract;
  const header = contract.idempotencyKeyHeader;
  const idempotent = contract.authenticatedOperations.filter((op) => op.parameters.some((p) => p.in === 'header' && p.name === header));

  /**
   * The operation that reads back one resource `op` acted on: for a creation, the GET one level
   * below its path (`/notifications/{notification_id}`); for an action on a resource, the GET of
   * the resource (`/api-keys/{key_id}` for `/api-keys/{key_id}/regenerate`).
   */
  function itemReaderOf(op: Operation): Operation | undefined {
    const gets = contract.operations.filter((o) => o.method === 'GET');
    if (op.parameters.some((p) => p.in === 'path')) return gets.find((o) => o.pathTemplate === op.pathTemplate.replace(/\/[^/{}]+$/, ''));
    return gets.find((o) => /^\/\{[^}]+\}$/.test(o.pathTemplate.slice(op.pathTemplate.length)) && o.pathTemplate.startsWith(op.pathTemplate));
  }

  /** Another valid body for `op`: another documented example, or the empty object when it is valid. */
  function otherBody(op: Operation, body: unknown): unknown {
    const resources = getSession().resources;
    for (let i = 0; i < (op.requestBody?.examples.length ?? 0); i++) {
      const candidate = resources.exampleBody(op, i);
      if (!isDeepStrictEqual(candidate, body)) return candidate;
    }
    const empty = {};
    const pointer = op.requestBody?.jsonSchemaPointer;
    return pointer && contract.validator.validate(pointer, empty).length === 0 && !isDeepStrictEqual(empty, body) ? empty : undefined;
  }

  for (const op of idempotent) {
    scenario(['idempotency.replay', 'idempotency.single-effect'], `${op.id}: the same request twice`, async (s: Scenario) => {
      const worker = await s.session.pool().worker(s, 12);
      const request: SendOptions = { ...(await s.session.resources.validRequest(s, op, worker)), idempotencyKey: randomUUID() };
      const reader = itemReaderOf(op);
      // Keys can be counted: the list shows whether a replay created a second one.
      const listsKeys = op.id === 'createApiKey';
      const before = listsKeys ? await listAllKeys(s, worker, 'idempotency.single-effect') : undefined;

      const first = await s.send(request);
      requireSuccess(s, 'idempotency.replay', first, op, `${op.id} with a new Idempotency-Key`);
      s.check('idempotency.replay', first.header(contract.headers.idempotentReplayed) === undefined,
        `the first response to an Idempotency-Key should not say ${contract.headers.idempotentReplayed}`, first);
      const replay = await s.send(request);
      s.check('idempotency.replay', replay.status === first.status && isDeepStrictEqual(replay.json, first.json),
        `the replay should repeat ${first.status} and the same body, got ${replay.summary}${replay.status === first.status ? ' with another body' : ''}`, replay);
      s.check('idempotency.replay', replay.header(contract.headers.idempotentReplayed) === 'true',
        `the replay should carry ${contract.headers.idempotentReplayed}: true, got ${JSON.stringify(replay.header(contract.headers.idempotentReplayed))}`, replay);

      const id = first.data<{ id?: string }>()?.id;
      if (listsKeys && before) {
        const after = await listAllKeys(s, worker, 'idempotency.single-effect');
        if (after) {
          const added = after.keys.filter((k) => !before.keys.some((b) => b.id === k.id));
          s.check('idempotency.single-effect', added.length === 1 && added[0].id === id,
            `the request and its replay should add exactly one key (${id}); the list gained ${added.length}`, after.pages.at(-1));
        }
      } else if (reader && id) {
        // Read back what the first response described: a replay that ran again shows otherwise.
        const params = Object.fromEntries(reader.parameters.filter((p) => p.in === 'path').map((p) => [p.name, request.pathParams?.[p.name] ?? id]));
        const read = await s.send({ op: reader, auth: { key: worker }, pathParams: params });
        if (expectSuccess(s, 'idempotency.single-effect', read, reader, `${reader.id} after the replay`)) {
          const now = read.data<Record<string, unknown>>() ?? {};
          const was = first.data<Record<string, unknown>>() ?? {};
          const changed = Object.keys(was).filter((k) => k in now && k !== 'last_used_at' && !isDeepStrictEqual(now[k], was[k]));
          s.check('idempotency.single-effect', changed.length === 0, `after the replay, ${changed.join(', ')} differ from what the first response said: the request ran again`, read);
        }
      } else {
        s.check('idempotency.single-effect', replay.data<{ id?: string }>()?.id === id, `the replay names ${replay.data<{ id?: string }>()?.id}, the first response ${id}`, replay);
      }
    });

    scenario(['idempotency.key-reused'], `${op.id}: the same key for another request`, async (s: Scenario) => {
      const worker = await s.session.pool().worker(s, 12);
      const idempotencyKey = randomUUID();
      const request: SendOptions = { ...(await s.session.resources.validRequest(s, op, worker)), idempotencyKey };
      requireSuccess(s, 'idempotency.key-reused', await s.send(request), op, `${op.id} with a new Idempotency-Key`);
      const body = otherBody(op, request.json);
      if (body !== undefined) {
        const reply = await s.send({ ...request, json: body });
        expectProblem(s, 'idempotency.key-reused', reply, 'idempotency_key_reused', `${op.id} again with the same Idempotency-Key and another body`);
      }
      const elsewhere = op.parameters.some((p) => p.in === 'path')
        ? { ...(await s.session.resources.validRequest(s, op, worker, { exampleIndex: 0 })), json: request.json }
        : idempotent.filter((o) => o !== op && !o.parameters.some((p) => p.in === 'path')).length > 0
          ? await s.session.resources.validRequest(s, idempotent.find((o) => o !== op && !o.parameters.some((p) => p.in === 'path'))!, worker)
          : undefined;
      if (elsewhere) {
        const reply = await s.send({ ...elsewhere, idempotencyKey });
        expectProblem(s, 'idempotency.key-reused', reply, 'idempotency_key_reused', `the same Idempotency-Key on ${elsewhere.op?.id} ${elsewhere.pathParams && Object.keys(elsewhere.pathParams).length ? 'for another resource' : ''}`.trim());
      }
    });
  }

  const creating = idempotent.find((op) => !op.parameters.some((p) => p.in === 'path'));
  if (creating) {
    scenario(['idempotency.scoped-to-key'], `${creating.id}: the same Idempotency-Key from two API keys`, async (s: Scenario) => {
      const worker = await s.session.pool().worker(s, 6);
      const second = await s.session.pool().create(s, { creator: worker, body: { name: s.session.keyName('second sender') } });
      const idempotencyKey = randomUUID();
      const request = { ...(await s.session.resources.validRequest(s, creating, worker, { exampleIndex: 0 })), idempotencyKey };
      const first = await s.send(request);
      requireSuccess(s, 'idempotency.scoped-to-key', first, creating, `${creating.id} with a new Idempotency-Key`);
      const other = await s.send({ ...request, auth: { key: second.secret } });
      s.check('idempotency.scoped-to-key', other.status === creating.successStatus && other.header(contract.headers.idempotentReplayed) === undefined
        && other.data<{ id?: string }>()?.id !== first.data<{ id?: string }>()?.id,
      `another API key using the same Idempotency-Key should get a new ${creating.successStatus}, not a replay; got ${other.summary}${other.header(contract.headers.idempotentReplayed) ? ' marked replayed' : ''}`, other);
    });
  }
}
