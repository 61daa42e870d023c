import { BAD_CURSOR, type HandlerInput, type HandlerResult, type OperationHandler } from './handlers.ts';
import { readPage } from './pagination.ts';
import { responseHeaderName } from './spec.ts';
import { deliveryJson, endpointJson, type EventType } from './webhooks.ts';

// The webhook-endpoint operations of the spec (createWebhookEndpoint, listWebhookEndpoints,
// getWebhookEndpoint, deleteWebhookEndpoint, listWebhookDeliveries), over the WebhookService.

const NOT_FOUND_ENDPOINT: HandlerResult = {
  problem: 'not_found',
  detail: 'There is no webhook endpoint with this id in the environment of the key that asks.',
  remember: true,
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
  const page = readPage(input.request.query, 0, (after, count) => input.context.webhooks.listEndpoints(input.principal.environment.id, after, count));
  if (page === null) return BAD_CURSOR;
  return { status: 200, json: { data: page.records.map(endpointJson), next_cursor: page.nextCursor } };
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
  // Newest first: the cursor is the sequence of the last delivery shown, and the next page is older.
  const page = readPage(input.request.query, Number.MAX_SAFE_INTEGER, (before, count) => input.context.webhooks.listDeliveries(endpoint.id, before, count));
  if (page === null) return BAD_CURSOR;
  return { status: 200, json: { data: page.records.map(deliveryJson), next_cursor: page.nextCursor } };
};

export const WEBHOOK_HANDLERS: Readonly<Record<string, OperationHandler>> = {
  createWebhookEndpoint,
  listWebhookEndpoints,
  getWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookDeliveries,
};
