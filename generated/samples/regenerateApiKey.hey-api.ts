// Regenerate an API key (POST /api-keys/{key_id}/regenerate)
import { createHeraldSdkClient, regenerateApiKey } from '@herald/client/sdk';

const herald = createHeraldSdkClient({
  baseUrl: process.env.HERALD_BASE_URL ?? 'https://api.herald.example/v1',
  apiKey: process.env.HERALD_API_KEY,
  scheme: 'Bearer', // or 'ApiKey', or 'X-API-Key'
  maxRetries: 2, // on 429, 5xx and network failures, only where a retry cannot act twice
  timeoutMs: 30000, // per attempt
});

// The client sends an Idempotency-Key of its own making, the same on each retry of this call.
const { data, error, response } = await regenerateApiKey({
  client: herald,
  path: { key_id: 'key_3xQm7RcV9pLk2NwT8sHa4YdE' },
  body: { grace_period_seconds: 1800 },
});
if (error) throw error; // a HeraldApiError: error.code (switch on it), error.detail, error.requestId, error.retryAfter
console.log(data.data);
