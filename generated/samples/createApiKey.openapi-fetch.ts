// Create an API key (POST /api-keys)
import { createHeraldClient } from '@herald/client';

const herald = createHeraldClient({
  baseUrl: process.env.HERALD_BASE_URL ?? 'https://api.herald.example/v1',
  apiKey: process.env.HERALD_API_KEY,
  scheme: 'Bearer', // or 'ApiKey', or 'X-API-Key'
});

const { data, error, response } = await herald.POST('/api-keys', {
  params: { header: { 'Idempotency-Key': crypto.randomUUID() } },
  body: {
    name: 'Dashboard (read-only)',
    scopes: ['keys:read', 'usage:read'],
    expires_at: '2035-01-01T00:00:00Z',
  },
});
if (error) throw new Error(`${response.status} ${error.code}: ${error.detail}`);
console.log(data.data);
