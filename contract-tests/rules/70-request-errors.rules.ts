import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { compile } from '../src/fuzz/schema-arbitraries.ts';
import { expectProblem, expectSuccess } from '../src/harness/expect.ts';
import { scenario, type Scenario } from '../src/harness/scenario.ts';
import { getSession } from '../src/harness/session.ts';

/**
 * Bad requests from a client that holds a good key: each gets the documented 4xx problem, never
 * a 5xx. Which operations take a body, and the size limit, come from the spec.
 */
export default function requestErrorRules(): void {
  const contract = getSession().contract;
  const withBody = contract.authenticatedOperations.filter((op) => op.requestBody?.contentTypes.includes('application/json'));

  scenario(['errors.unknown-route'], 'a route the spec does not have', async (s: Scenario) => {
    const worker = await s.session.pool().worker(s, 2);
    const reply = await s.send({ method: 'GET', path: `/no-such-route-${randomBytes(4).toString('hex')}`, auth: { key: worker } });
    if (expectProblem(s, 'errors.unknown-route', reply, 'not_found', 'GET of an unknown route')) {
      const errors = contract.validator.validate(contract.problem('not_found').schemaPointer, reply.json);
      s.check('errors.unknown-route', reply.mediaType === 'application/problem+json' && errors.length === 0,
        `an unknown route should answer a NotFoundProblem as application/problem+json; got ${reply.mediaType}${errors.length ? `: ${errors.join('; ')}` : ''}`, reply);
    }
  });

  for (const op of withBody) {
    scenario(['errors.validation-failed'], `${op.id}: bodies that break the schema`, async (s: Scenario) => {
      const worker = await s.session.pool().worker(s, 6);
      const request = await s.session.resources.validRequest(s, op, worker, { fresh: false });
      for (const [label, raw] of [['a JSON array instead of an object', '[]'], ['a body that is not JSON', '{"name": '], ['an object with a property the schema does not allow', '{"no_such_property_in_the_spec": true}']] as const) {
        if (label.startsWith('an object') && contract.validator.validate(op.requestBody!.jsonSchemaPointer!, JSON.parse(raw)).length === 0) continue;
        const reply = await s.send({ ...request, json: undefined, rawBody: raw, contentType: 'application/json' });
        if (expectProblem(s, 'errors.validation-failed', reply, 'validation_failed', `${op.id} with ${label}`)) {
          const issues = (reply.json as { errors?: Array<{ location?: string }> }).errors ?? [];
          s.check('errors.validation-failed', issues.length > 0 && issues.every((i) => i.location === 'body'),
            `validation_failed should list the issues, each located in the body; got ${JSON.stringify(issues)}`, reply);
        }
      }
    });

    if (contract.payloadLimitBytes) {
      const limit = contract.payloadLimitBytes;
      scenario(['errors.payload-too-large'], `${op.id}: a body over ${limit} bytes`, async (s: Scenario) => {
        const worker = await s.session.pool().worker(s, 4);
        const request = await s.session.resources.validRequest(s, op, worker, { fresh: false });
        const padding = 'x'.repeat(limit + 1 - '{"padding":""}'.length);
        const reply = await s.send({ ...request, json: undefined, rawBody: `{"padding":"${padding}"}`, contentType: 'application/json' });
        expectProblem(s, 'errors.payload-too-large', reply, 'payload_too_large', `${op.id} with a ${limit + 1}-byte body`);
      });
    }

    scenario(['errors.unsupported-media-type'], `${op.id}: a body that is not application/json`, async (s: Scenario) => {
      const worker = await s.session.pool().worker(s, 4);
      const request = await s.session.resources.validRequest(s, op, worker, { fresh: false });
      const reply = await s.send({ ...request, json: undefined, rawBody: JSON.stringify(request.json ?? {}), contentType: 'text/plain' });
      expectProblem(s, 'errors.unsupported-media-type', reply, 'unsupported_media_type', `${op.id} with its JSON body sent as text/plain`);
    });
  }

  // An operation that takes no body has no reason to read one: whatever comes, and whatever its
  // Content-Type says (even one that cannot be parsed), the request is served as without it.
  for (const op of contract.authenticatedOperations.filter((o) => !o.requestBody)) {
    scenario(['errors.ignored-body'], `${op.id}: a body it does not take`, async (s: Scenario) => {
      const worker = await s.session.pool().worker(s, 8);
      for (const contentType of ['text/plain', ';;;', 'application/json']) {
        const request = await s.session.resources.validRequest(s, op, worker);
        const reply = await s.send({ ...request, json: undefined, rawBody: contentType === 'application/json' ? '{"not": "expected"}' : 'not expected', contentType });
        expectSuccess(s, 'errors.ignored-body', reply, op, `${op.id} with a body sent as ${JSON.stringify(contentType)}`);
      }
    });
  }

  // A well-formed id that names nothing, in every path parameter: 404, never a 5xx or a 400.
  for (const op of contract.authenticatedOperations.filter((o) => o.parameters.some((p) => p.in === 'path'))) {
    scenario(['errors.unknown-resource'], `${op.id}: an id that names nothing`, async (s: Scenario) => {
      const worker = await s.session.pool().worker(s, 4);
      const request = await s.session.resources.validRequest(s, op, worker);
      const pathParams = { ...request.pathParams };
      for (const param of op.parameters.filter((p) => p.in === 'path')) {
        const [id] = fc.sample(compile(contract.spec.pointer(param.schemaPointer), '', { spec: contract.spec, location: 'path' }).arb, { numRuns: 1, seed: s.session.config.seed });
        pathParams[param.name] = String(id);
      }
      const reply = await s.send({ ...request, pathParams });
      expectProblem(s, 'errors.unknown-resource', reply, 'not_found', `${op.id} with ${JSON.stringify(pathParams)}, an id no one was given`);
    });
  }

  // Every integer query parameter with a minimum, one below it (`limit=0`).
  for (const op of contract.authenticatedOperations) {
    for (const param of op.parameters.filter((p) => p.in === 'query')) {
      const schema = contract.spec.deref<{ type?: string; minimum?: number }>(contract.spec.pointer(param.schemaPointer));
      if (schema.type !== 'integer' || schema.minimum === undefined) continue;
      const value = String(schema.minimum - 1);
      scenario(['errors.validation-failed'], `${op.id}: ${param.name}=${value}, below its minimum`, async (s: Scenario) => {
        const worker = await s.session.pool().worker(s, 3);
        const request = await s.session.resources.validRequest(s, op, worker, { fresh: false });
        const reply = await s.send({ ...request, query: { [param.name]: value } });
        if (expectProblem(s, 'errors.validation-failed', reply, 'validation_failed', `${op.id} with ${param.name}=${value}`)) {
          const issues = (reply.json as { errors?: Array<{ location?: string; pointer?: string }> }).errors ?? [];
          s.check('errors.validation-failed', issues.some((i) => i.location === 'query' && (i.pointer ?? '').includes(param.name)),
            `validation_failed should point at the query parameter ${param.name}; got ${JSON.stringify(issues)}`, reply);
        }
      });
    }
  }
}
