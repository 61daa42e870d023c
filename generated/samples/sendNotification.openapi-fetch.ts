// Send a notification (POST /notifications)
import { createHeraldClient } from '@herald/client';

const herald = createHeraldClient({
  baseUrl: process.env.HERALD_BASE_URL ?? 'https://api.herald.example/v1',
  apiKey: process.env.HERALD_API_KEY,
  scheme: 'Bearer', // or 'ApiKey', or 'X-API-Key'
  maxRetries: 2, // on 429, 5xx and network failures, only where a retry cannot act twice
  timeoutMs: 30000, // per attempt
});

// The client sends an Idempotency-Key of its own making, the same on each retry of this call.
const { data, error, response } = await herald.POST('/notifications', {
  body: {
    channel: 'email',
    to: 'ada@example.com',
    subject: 'Your invoice is ready',
    text: 'Hello Ada, your November invoice is ready.',
  },
});
if (error) throw error; // a HeraldApiError: error.code (switch on it), error.detail, error.requestId, error.retryAfter
console.log(data.data);
