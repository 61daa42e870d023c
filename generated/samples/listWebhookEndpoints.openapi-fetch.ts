// List webhook endpoints (GET /webhook-endpoints)
import { createHeraldClient } from '@herald/client';

const herald = createHeraldClient({
  baseUrl: process.env.HERALD_BASE_URL ?? 'https://api.herald.example/v1',
  apiKey: process.env.HERALD_API_KEY,
  scheme: 'Bearer', // or 'ApiKey', or 'X-API-Key'
  maxRetries: 2, // on 429, 5xx and network failures, only where a retry cannot act twice
  timeoutMs: 30000, // per attempt
});

// Every item, page after page: the client passes each page's cursor back as `cursor`.
const items = [];
for await (const item of herald.paginate('/webhook-endpoints', { limit: 20 })) items.push(item);
console.log(items);
