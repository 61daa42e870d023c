// List API keys (GET /api-keys)
import { createHeraldClient } from '@herald/client';

const herald = createHeraldClient({
  baseUrl: process.env.HERALD_BASE_URL ?? 'https://api.herald.example/v1',
  apiKey: process.env.HERALD_API_KEY,
  scheme: 'Bearer', // or 'ApiKey', or 'X-API-Key'
});

const { data, error, response } = await herald.GET('/api-keys', {
  params: { query: { limit: 20 } },
});
if (error) throw new Error(`${response.status} ${error.code}: ${error.detail}`);
console.log(data.data);
