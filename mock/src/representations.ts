import { formatTimestamp } from './clock.ts';
import { KEY_PREFIXES, type KeyMode } from './key-format.ts';
import type { EnvironmentRecord, KeyRecord, NotificationRecord, SecretSlot } from './store.ts';

// Store records as the spec's schemas show them (ApiKey, KeyCheck, Environment, Notification).
// A secret never appears here: only `createApiKey` and `regenerateApiKey` add one, themselves.

const timestampOrNull = (at: number | null) => (at === null ? null : formatTimestamp(at));

/** The spec's EnvironmentType: production environments issue live keys, the others test keys. */
export function keyModeOfEnvironment(environment: Pick<EnvironmentRecord, 'type'>): KeyMode {
  return environment.type === 'production' ? 'live' : 'test';
}

export function apiKeyJson(key: KeyRecord, now: number) {
  const previous = key.previous !== null && (key.previous.expiresAt ?? 0) > now ? key.previous : null;
  return {
    id: key.id,
    name: key.name,
    prefix: key.current.prefix,
    environment_id: key.environmentId,
    scopes: [...key.scopes],
    status: key.expiresAt !== null && key.expiresAt <= now ? 'expired' : 'active',
    created_at: formatTimestamp(key.createdAt),
    expires_at: timestampOrNull(key.expiresAt),
    last_used_at: timestampOrNull(key.lastUsedAt),
    regenerated_at: timestampOrNull(key.regeneratedAt),
    previous_secret: previous ? { prefix: previous.prefix, expires_at: formatTimestamp(previous.expiresAt as number) } : null,
  };
}

export function environmentSummaryJson(environment: EnvironmentRecord) {
  return { id: environment.id, name: environment.name, type: environment.type };
}

/** The ping body for a secret: a previous secret reports its own prefix and the end of its grace. */
export function pingJson(key: KeyRecord, slot: SecretSlot, environment: EnvironmentRecord) {
  const ends = [key.expiresAt, slot === key.current ? null : slot.expiresAt].filter((t): t is number => t !== null);
  return {
    data: {
      key: {
        id: key.id,
        prefix: slot.prefix,
        scopes: [...key.scopes],
        expires_at: ends.length === 0 ? null : formatTimestamp(Math.min(...ends)),
      },
      environment: environmentSummaryJson(environment),
    },
  };
}

export function environmentJson(environment: EnvironmentRecord, apiBaseUrl: string) {
  const websocket = new URL(apiBaseUrl);
  websocket.protocol = websocket.protocol === 'https:' ? 'wss:' : 'ws:';
  websocket.pathname = '/ws';
  return {
    data: {
      ...environmentSummaryJson(environment),
      key_prefix: KEY_PREFIXES[keyModeOfEnvironment(environment)],
      application_identifier: environment.applicationIdentifier,
      region: environment.region,
      api_base_url: apiBaseUrl,
      websocket_url: websocket.toString(),
    },
  };
}

export function notificationJson(notification: NotificationRecord) {
  return {
    data: {
      id: notification.id,
      channel: notification.channel,
      status: 'queued',
      environment_id: notification.environmentId,
      counted_toward_quota: notification.countedTowardQuota,
      created_at: formatTimestamp(notification.createdAt),
    },
  };
}
