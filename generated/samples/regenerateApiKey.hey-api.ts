// Regenerate an API key (POST /api-keys/{key_id}/regenerate)
import { client, regenerateApiKey } from '@herald/client/sdk';

client.setConfig({
  baseUrl: process.env.HERALD_BASE_URL ?? 'https://api.herald.example/v1',
  // Called once per security scheme of the operation: answer for one only.
  auth: (scheme) => (scheme.scheme === 'bearer' ? process.env.HERALD_API_KEY : undefined),
});

const { data, error, response } = await regenerateApiKey({
  path: { key_id: 'key_3xQm7RcV9pLk2NwT8sHa4YdE' },
  headers: { 'Idempotency-Key': crypto.randomUUID() },
  body: { grace_period_seconds: 1800 },
});
if (error) throw new Error(`${response.status} ${error.code}: ${error.detail}`);
console.log(data.data);
