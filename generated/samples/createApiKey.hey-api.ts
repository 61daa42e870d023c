// Create an API key (POST /api-keys)
import { client, createApiKey } from '@herald/client/sdk';

client.setConfig({
  baseUrl: process.env.HERALD_BASE_URL ?? 'https://api.herald.example/v1',
  // Called once per security scheme of the operation: answer for one only.
  auth: (scheme) => (scheme.scheme === 'bearer' ? process.env.HERALD_API_KEY : undefined),
});

const { data, error, response } = await createApiKey({
  headers: { 'Idempotency-Key': crypto.randomUUID() },
  body: {
    name: 'Dashboard (read-only)',
    scopes: ['keys:read', 'usage:read'],
    expires_at: '2035-01-01T00:00:00Z',
  },
});
if (error) throw new Error(`${response.status} ${error.code}: ${error.detail}`);
console.log(data.data);
