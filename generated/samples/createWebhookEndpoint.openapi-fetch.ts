// Create a webhook endpoint (POST /webhook-endpoints)
import { createHeraldClient } from '@herald/client';

const herald = createHeraldClient({
  baseUrl: process.env.HERALD_BASE_URL ?? 'https://api.herald.example/v1',
  apiKey: process.env.HERALD_API_KEY,
  scheme: 'Bearer', // or 'ApiKey', or 'X-API-Key'
  maxRetries: 2, // on 429, 5xx and network failures, only where a retry cannot act twice
  timeoutMs: 30000, // per attempt
});

// The client sends an Idempotency-Key of its own making, the same on each retry of this call.
const { data, error, response } = await herald.POST('/webhook-endpoints', {
  body: {
    url: 'https://hooks.example.com/herald',
    events: ['api_key.revoked', 'api_key.exposed'],
  },
});
if (error) throw error; // a HeraldApiError: error.code (switch on it), error.detail, error.requestId, error.retryAfter
console.log(data.data);
