// Delete a webhook endpoint (DELETE /webhook-endpoints/{endpoint_id})
import { createHeraldClient } from '@herald/client';

const herald = createHeraldClient({
  baseUrl: process.env.HERALD_BASE_URL ?? 'https://api.herald.example/v1',
  apiKey: process.env.HERALD_API_KEY,
  scheme: 'Bearer', // or 'ApiKey', or 'X-API-Key'
  maxRetries: 2, // on 429, 5xx and network failures, only where a retry cannot act twice
  timeoutMs: 30000, // per attempt
});

const { error, response } = await herald.DELETE('/webhook-endpoints/{endpoint_id}', {
  params: { path: { endpoint_id: 'whe_4NcR8tYb2KmQ7wLp9XsD3vHf' } },
});
if (error) throw error; // a HeraldApiError: error.code (switch on it), error.detail, error.requestId, error.retryAfter
console.log(response.status);
