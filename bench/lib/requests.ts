import { randomUUID } from 'node:crypto';
import { contract, credentialHeaders, requestExample } from './contract.ts';
import type { LoadSpec } from './load.ts';

// Requests several rows send beyond the ping: keys created through the API, and idempotent
// notifications that no quota refuses.

/** Full-access keys created through the API in the environment of `key`. */
export async function createApiKeys(baseUrl: string, key: string, count: number): Promise<string[]> {
  const create = contract.operation('createApiKey');
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${baseUrl}${create.pathTemplate}`, {
      method: create.method,
      headers: { ...credentialHeaders('ApiKey', key), 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `bench key ${i + 1}` }),
    });
    const text = await response.text();
    if (response.status !== create.successStatus) throw new Error(`creating a key answered ${response.status}: ${text.slice(0, 300)}`);
    keys.push((JSON.parse(text) as { data: { secret: string } }).data.secret);
  }
  return keys;
}

/**
 * The spec's email example, checked to be a channel the demo account's plan (Startup) does not
 * count toward its quota: a flood of them is never refused for quota.
 */
export function notificationNotCounted(): unknown {
  const example = requestExample('sendNotification', 'email') as { channel: string };
  const startup = contract.plan('startup');
  if (!startup || startup.countedChannels.includes(example.channel)) {
    throw new Error(`the demo account's plan counts ${example.channel} notifications: a flood would hit its quota`);
  }
  return example;
}

/**
 * `POST /v1/notifications`, each request with a new Idempotency-Key and the next of `apiKeys` in
 * turn: every request adds a record to the idempotency table.
 */
export function idempotentNotifications(baseUrl: string, apiKeys: readonly string[]): Omit<LoadSpec, 'label' | 'connections'> {
  const send = contract.operation('sendNotification');
  const header = contract.idempotencyKeyHeader;
  if (header === undefined) throw new Error('the spec names no Idempotency-Key header');
  let next = 0;
  return {
    url: `${baseUrl}${send.pathTemplate}`,
    method: 'POST',
    body: JSON.stringify(notificationNotCounted()),
    headers: { 'Content-Type': 'application/json' },
    expectStatus: send.successStatus,
    perRequest: ({ headers }) => ({
      headers: { ...headers, ...credentialHeaders('ApiKey', apiKeys[next % apiKeys.length]), [header]: `bench-${next++}-${randomUUID()}` },
    }),
  };
}
