import { encodeBase62Fixed, randomBase62 } from './base62.ts';

// Resource ids: a type prefix and 24 base62 characters (the spec's KeyId, EnvironmentId, WebhookEndpointId, WebhookEventId, WebhookDeliveryId,
// NotificationId, ApplicationIdentifier and RequestId patterns).

export const ID_BODY_LENGTH = 24;

export type IdPrefix = 'key_' | 'env_' | 'ntf_' | 'app_' | 'req_' | 'whe_' | 'msg_' | 'dlv_';

export function newId(prefix: IdPrefix): string {
  return prefix + randomBase62(ID_BODY_LENGTH);
}

/**
 * Request ids need to be unique, not secret: a random per-generator half plus a counter is
 * unique across restarts and costs one string concatenation per request.
 */
export function createRequestIdGenerator(): () => string {
  const head = 'req_' + randomBase62(ID_BODY_LENGTH - 6);
  let counter = 0;
  return () => {
    counter = (counter + 1) >>> 0;
    // 62^6 > 2^32, so the counter always fits in the last 6 characters.
    return head + encodeBase62Fixed(counter, 6);
  };
}
