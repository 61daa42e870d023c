import { decodeCursor, encodeCursor, type HandlerInput, type HandlerResult, type OperationHandler } from './handlers.ts';
import { responseHeaderName } from './spec.ts';
import { deliveryJson, endpointJson, type EventType } from './webhooks.ts';

// The webhook-endpoint operations of the spec (createWebhookEndpoint, listWebhookEndpoints,
// getWebhookEndpoint, deleteWebhookEndpoint, listWebhookDeliveries), over the WebhookService.

const NOT_FOUND_ENDPOINT: HandlerResult = {
  problem: 'not_found',
  detail: 'There is no webhook endpoint with this id in the environment of the key that asks.',
  remember: true,
};

const BAD_CURSOR: HandlerResult = {
  problem: 'validation_failed',
  detail: 'The cursor was not issued by this list. Pass the next_cursor of the previous page, or omit it.',
  extra: { errors: [{ location: 'query', pointer: 'cursor', message: 'is not a cursor of this list' }] },
  remember: false,
};

function endpointOf(input: HandlerInput) {
  return input.context.webhooks.getEndpoint(input.principal.environment.id, String(input.request.params.endpoint_id));
}

const createWebhookEndpoint: OperationHandler = (input) => {
  const body = input.request.body as { url: string; events: EventType[] };
  const endpoint = input.context.webhooks.createEndpoint(input.principal.environment.id, body.url, body.events, input.now);
  return {
    status: 201,
    json: { data: { ...endpointJson(endpoint), secret: endpoint.secret } },
    headers: { [responseHeaderName(input.context.contract, 'Location')]: `${input.context.contract.basePath}/webhook-endpoints/${endpoint.id}` },
    containsSecret: true,
  };
};

const listWebhookEndpoints: OperationHandler = (input) => {
  const limit = input.request.query.limit as number;
  const cursor = input.request.query.cursor as string | undefined;
  const after = cursor === undefined ? 0 : decodeCursor(cursor);
  if (after === null) return BAD_CURSOR;
  const page = input.context.webhooks.listEndpoints(input.principal.environment.id, after, limit + 1);
  const more = page.length > limit;
  const shown = more ? page.slice(0, limit) : page;
  return { status: 200, json: { data: shown.map(endpointJson), next_cursor: more ? encodeCursor(shown[shown.length - 1].sequence) : null } };
};

const getWebhookEndpoint: OperationHandler = (input) => {
  const endpoint = endpointOf(input);
  return endpoint === undefined ? NOT_FOUND_ENDPOINT : { status: 200, json: { data: endpointJson(endpoint) } };
};

const deleteWebhookEndpoint: OperationHandler = (input) => {
  const endpoint = endpointOf(input);
  if (endpoint === undefined) return NOT_FOUND_ENDPOINT;
  input.context.webhooks.deleteEndpoint(endpoint.id);
  return { status: 204 };
};

const listWebhookDeliveries: OperationHandler = (input) => {
  const endpoint = endpointOf(input);
  if (endpoint === undefined) return NOT_FOUND_ENDPOINT;
  const limit = input.request.query.limit as number;
  const cursor = input.request.query.cursor as string | undefined;
  // Newest first: the cursor is the sequence of the last delivery shown, and the next page is older.
  const before = cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(cursor);
  if (before === null) return BAD_CURSOR;
  const page = input.context.webhooks.listDeliveries(endpoint.id, before, limit + 1);
  const more = page.length > limit;
  const shown = more ? page.slice(0, limit) : page;
  return { status: 200, json: { data: shown.map(deliveryJson), next_cursor: more ? encodeCursor(shown[shown.length - 1].sequence) : null } };
};

export const WEBHOOK_HANDLERS: Readonly<Record<string, OperationHandler>> = {
  createWebhookEndpoint,
  listWebhookEndpoints,
  getWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookDeliveries,
};
