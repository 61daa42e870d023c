import type { Principal } from './api-exchange.ts';
import { formatTimestamp } from './clock.ts';
import { WINDOW_SECONDS } from './fixed-window.ts';
import { displayPrefix, generateKey } from './key-format.ts';
import { newId } from './ids.ts';
import { readPage } from './pagination.ts';
import type { ProblemCode } from './problems.ts';
import { countsTowardQuota, quotaPeriod, quotaRefusal, quotaStatus } from './quota.ts';
import {
  apiKeyJson,
  environmentJson,
  keyModeOfEnvironment,
  notificationJson,
  pingJson,
} from './representations.ts';
import type { ValidRequest } from './request-validation.ts';
import type { ServerContext } from './server-context.ts';
import { responseHeaderName, scopesInSpecOrder } from './spec.ts';
import type { Channel, KeyRecord, SecretSlot } from './store.ts';
import { eventKey } from './webhooks.ts';

// One function per operation of the spec, by operationId. Each runs after authentication,
// rate limiting, scope checks and request validation, reads and writes the store, and returns
// what to answer; `operation-route.ts` turns that into a response (and into an idempotency record).

export type HandlerResult =
  /** A JSON body; `containsSecret` marks a body that shows a key's secret. */
  | { readonly status: number; readonly json: unknown; readonly headers?: Record<string, string>; readonly containsSecret?: boolean }
  /** An already serialized JSON body. */
  | { readonly status: number; readonly serialized: string }
  | { readonly status: 204 }
  /**
   * A refusal decided by the handler. `remember`: whether an idempotent request keeps it (the
   * brief: 4xx answers of the handler itself are kept; see operation-route.ts for the exceptions).
   */
  | {
      readonly problem: ProblemCode;
      readonly detail: string;
      readonly extra?: Record<string, unknown>;
      readonly headers?: Record<string, string>;
      readonly remember: boolean;
    };

export interface HandlerInput {
  readonly principal: Principal;
  readonly request: ValidRequest;
  readonly now: number;
  readonly context: ServerContext;
}

export type OperationHandler = (input: HandlerInput) => HandlerResult;

const NOT_FOUND_KEY: HandlerResult = {
  problem: 'not_found',
  detail: 'There is no API key with this id in the environment of the key that asks.',
  remember: true,
};

/** The unrevoked key `id` if it belongs to the caller's environment: other environments see nothing. */
function visibleKey(input: HandlerInput, id: unknown): KeyRecord | undefined {
  const key = input.context.store.getKey(String(id));
  if (key === undefined || key.revokedAt !== null || key.environmentId !== input.principal.environment.id) return undefined;
  return key;
}

function newSecret(input: HandlerInput): { secret: string; slot: SecretSlot } {
  const secret = generateKey(keyModeOfEnvironment(input.principal.environment));
  input.context.onSecretIssued(secret);
  return { secret, slot: { digest: input.context.hasher.digest(secret), prefix: displayPrefix(secret), expiresAt: null } };
}

// A ping's body depends only on the secret that authenticated, and secrets are immutable
// records replaced on every change, so each one's body is serialized once.
const pingBodies = new WeakMap<SecretSlot, string>();

const ping: OperationHandler = ({ principal }) => {
  let serialized = pingBodies.get(principal.slot);
  if (serialized === undefined) {
    serialized = JSON.stringify(pingJson(principal.key, principal.slot, principal.environment));
    pingBodies.set(principal.slot, serialized);
  }
  return { status: 200, serialized };
};

const getEnvironment: OperationHandler = ({ principal, context }) => ({
  status: 200,
  json: environmentJson(principal.environment, context.publicBaseUrl),
});

/** The answer to a cursor this server did not issue, for every list. */
export const BAD_CURSOR: HandlerResult = {
  problem: 'validation_failed',
  detail: 'The cursor was not issued by this list. Pass the next_cursor of the previous page, or omit it.',
  extra: { errors: [{ location: 'query', pointer: 'cursor', message: 'is not a cursor of this list' }] },
  remember: false,
};

const listApiKeys: OperationHandler = (input) => {
  const page = readPage(input.request.query, 0, (after, count) => input.context.store.listKeys(input.principal.environment.id, after, count));
  if (page === null) return BAD_CURSOR;
  return { status: 200, json: { data: page.records.map((key) => apiKeyJson(key, input.now)), next_cursor: page.nextCursor } };
};

const createApiKey: OperationHandler = (input) => {
  const { principal, now, context } = input;
  const body = input.request.body as { name?: string; scopes?: string[]; expires_at?: string };
  const scopes = body.scopes ?? [...principal.key.scopes];
  const ungranted = scopes.filter((scope) => !principal.key.scopes.includes(scope));
  if (ungranted.length > 0) {
    return {
      problem: 'insufficient_permissions',
      detail: `A key can grant only scopes it holds; this key does not hold ${ungranted.join(', ')}.`,
      extra: { missing_scopes: ungranted },
      remember: true,
    };
  }
  let expiresAt: number | null = null;
  if (body.expires_at !== undefined) {
    expiresAt = Date.parse(body.expires_at);
    if (!(expiresAt > now)) {
      return {
        problem: 'validation_failed',
        detail: `expires_at must be in the future; it is ${body.expires_at} and the time is ${formatTimestamp(now)}.`,
        extra: { errors: [{ location: 'body', pointer: '/expires_at', message: 'must be in the future' }] },
        remember: false,
      };
    }
  }
  const { secret, slot } = newSecret(input);
  const key = context.store.insertKey({
    id: newId('key_'),
    environmentId: principal.environment.id,
    name: body.name ?? DEFAULT_KEY_NAME,
    scopes: scopesInSpecOrder(context.contract, scopes),
    createdAt: now,
    expiresAt,
    secret: slot,
  });
  context.webhooks.emit('api_key.created', key.environmentId, now, {
    key: eventKey(key),
    scopes: key.scopes,
    expires_at: key.expiresAt === null ? null : formatTimestamp(key.expiresAt),
  });
  return {
    status: 201,
    json: { data: { ...apiKeyJson(key, now), secret } },
    headers: { [responseHeaderName(context.contract, 'Location')]: `${context.contract.basePath}/api-keys/${key.id}` },
    containsSecret: true,
  };
};

const getApiKey: OperationHandler = (input) => {
  const key = visibleKey(input, input.request.params.key_id);
  if (key === undefined) return NOT_FOUND_KEY;
  return { status: 200, json: { data: apiKeyJson(key, input.now) } };
};

const revokeApiKey: OperationHandler = (input) => {
  const key = visibleKey(input, input.request.params.key_id);
  if (key === undefined) return NOT_FOUND_KEY;
  input.context.store.revokeKey(key.id, input.now);
  input.context.webhooks.emit('api_key.revoked', key.environmentId, input.now, {
    key: eventKey(key),
    revoked_at: formatTimestamp(input.now),
    reason: 'requested',
  });
  return { status: 204 };
};

const regenerateApiKey: OperationHandler = (input) => {
  const key = visibleKey(input, input.request.params.key_id);
  if (key === undefined) return NOT_FOUND_KEY;
  const body = (input.request.body ?? {}) as { grace_period_seconds?: number };
  const grace = body.grace_period_seconds ?? 0;
  const { secret, slot } = newSecret(input);
  const updated = input.context.store.replaceSecret(key.id, slot, grace > 0 ? input.now + grace * 1000 : null, input.now);
  input.context.webhooks.emit('api_key.regenerated', key.environmentId, input.now, {
    key: eventKey(updated),
    grace_period_ends_at: grace > 0 ? formatTimestamp(input.now + grace * 1000) : null,
  });
  return { status: 200, json: { data: { ...apiKeyJson(updated, input.now), secret } }, containsSecret: true };
};

const sendNotification: OperationHandler = ({ principal, request, now, context }) => {
  const channel = (request.body as { channel: Channel }).channel;
  const period = quotaPeriod(now);
  const usage = context.store.usage(principal.account.id, period.start);
  const refusal = quotaRefusal(principal.plan, usage, period, channel, now);
  if (refusal !== null) {
    return {
      problem: 'quota_exceeded',
      detail: refusal.detail,
      extra: { quota: refusal.quota },
      headers: { [responseHeaderName(context.contract, 'RetryAfter')]: String(refusal.retryAfterSeconds) },
      remember: false,
    };
  }
  context.store.countNotification(principal.account.id, period.start, channel);
  const notification = {
    id: newId('ntf_'),
    environmentId: principal.environment.id,
    channel,
    countedTowardQuota: countsTowardQuota(principal.plan, channel),
    createdAt: now,
  };
  context.store.addNotification(notification);
  return { status: 202, json: notificationJson(notification) };
};

const getNotification: OperationHandler = ({ principal, request, context }) => {
  const notification = context.store.getNotification(principal.environment.id, String(request.params.notification_id));
  if (notification === undefined) {
    return {
      problem: 'not_found',
      detail: 'There is no notification with this id in the environment of the key that asks.',
      remember: true,
    };
  }
  return { status: 200, json: notificationJson(notification) };
};

const getUsage: OperationHandler = ({ principal, now, context }) => {
  const plan = principal.plan;
  const rate = principal.rateLimit;
  const period = quotaPeriod(now);
  return {
    status: 200,
    json: {
      data: {
        plan: {
          name: plan.name,
          requests_per_minute: plan.requestsPerMinute,
          monthly_notification_quota: plan.monthlyNotificationQuota,
          counted_channels: [...plan.countedChannels],
        },
        rate_limit: {
          limit: rate.limit,
          remaining: rate.remaining,
          window_seconds: WINDOW_SECONDS,
          // The same instant as X-RateLimit-Reset (computed from the same reading of the clock).
          resets_at: formatTimestamp((Math.floor(principal.authenticatedAt / 1000) + rate.resetSeconds) * 1000),
        },
        quota: quotaStatus(plan, context.store.usage(principal.account.id, period.start), period),
      },
    },
  };
};

export const OPERATION_HANDLERS: Readonly<Record<string, OperationHandler>> = {
  ping,
  getEnvironment,
  listApiKeys,
  createApiKey,
  getApiKey,
  revokeApiKey,
  regenerateApiKey,
  sendNotification,
  getNotification,
  getUsage,
};

export const DEFAULT_KEY_NAME = 'Unnamed key';

