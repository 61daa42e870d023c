// Revoke an API key (DELETE /api-keys/{key_id})
import { client, revokeApiKey } from '@herald/client/sdk';

client.setConfig({
  baseUrl: process.env.HERALD_BASE_URL ?? 'https://api.herald.example/v1',
  // Called once per security scheme of the operation: answer for one only.
  auth: (scheme) => (scheme.scheme === 'bearer' ? process.env.HERALD_API_KEY : undefined),
});

const { error, response } = await revokeApiKey({
  path: { key_id: 'key_3xQm7RcV9pLk2NwT8sHa4YdE' },
});
if (error) throw new Error(`${response.status} ${error.code}: ${error.detail}`);
console.log(response.status);
