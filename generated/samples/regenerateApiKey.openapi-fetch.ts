// Regenerate an API key (POST /api-keys/{key_id}/regenerate)
import { createHeraldClient } from '@herald/client';

const herald = createHeraldClient({
  baseUrl: process.env.HERALD_BASE_URL ?? 'https://api.herald.example/v1',
  apiKey: process.env.HERALD_API_KEY,
  scheme: 'Bearer', // or 'ApiKey', or 'X-API-Key'
});

const { data, error, response } = await herald.POST('/api-keys/{key_id}/regenerate', {
  params: {
    path: { key_id: 'key_3xQm7RcV9pLk2NwT8sHa4YdE' },
    header: { 'Idempotency-Key': crypto.randomUUID() },
  },
  body: { grace_period_seconds: 1800 },
});
if (error) throw new Error(`${response.status} ${error.code}: ${error.detail}`);
console.log(data.data);
