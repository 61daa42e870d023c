// List an endpoint's deliveries (GET /webhook-endpoints/{endpoint_id}/deliveries)
import { createHeraldSdkClient, listWebhookDeliveries } from '@herald/client/sdk';

const herald = createHeraldSdkClient({
  baseUrl: process.env.HERALD_BASE_URL ?? 'https://api.herald.example/v1',
  apiKey: process.env.HERALD_API_KEY,
  scheme: 'Bearer', // or 'ApiKey', or 'X-API-Key'
  maxRetries: 2, // on 429, 5xx and network failures, only where a retry cannot act twice
  timeoutMs: 30000, // per attempt
});

const { data, error, response } = await listWebhookDeliveries({
  client: herald,
  path: { endpoint_id: 'whe_4NcR8tYb2KmQ7wLp9XsD3vHf' },
  query: { limit: 20 },
});
if (error) throw error; // a HeraldApiError: error.code (switch on it), error.detail, error.requestId, error.retryAfter
console.log(data.data);
