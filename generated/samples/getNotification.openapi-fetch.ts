// Get a notification (GET /notifications/{notification_id})
import { createHeraldClient } from '@herald/client';

const herald = createHeraldClient({
  baseUrl: process.env.HERALD_BASE_URL ?? 'https://api.herald.example/v1',
  apiKey: process.env.HERALD_API_KEY,
  scheme: 'Bearer', // or 'ApiKey', or 'X-API-Key'
  maxRetries: 2, // on 429, 5xx and network failures, only where a retry cannot act twice
  timeoutMs: 30000, // per attempt
});

const { data, error, response } = await herald.GET('/notifications/{notification_id}', {
  params: { path: { notification_id: 'ntf_5GhT8kLm2QwX7pRz4VcN9bJs' } },
});
if (error) throw error; // a HeraldApiError: error.code (switch on it), error.detail, error.requestId, error.retryAfter
console.log(data.data);
