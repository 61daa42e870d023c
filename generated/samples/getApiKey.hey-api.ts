// Get an API key (GET /api-keys/{key_id})
import { client, getApiKey } from '@herald/client/sdk';

client.setConfig({
  baseUrl: process.env.HERALD_BASE_URL ?? 'https://api.herald.example/v1',
  // Called once per security scheme of the operation: answer for one only.
  auth: (scheme) => (scheme.scheme === 'bearer' ? process.env.HERALD_API_KEY : undefined),
});

const { data, error, response } = await getApiKey({
  path: { key_id: 'key_3xQm7RcV9pLk2NwT8sHa4YdE' },
});
if (error) throw new Error(`${response.status} ${error.code}: ${error.detail}`);
console.log(data.data);
