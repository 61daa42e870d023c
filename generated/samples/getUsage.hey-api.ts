// Get rate-limit and quota usage (GET /usage)
import { client, getUsage } from '@herald/client/sdk';

client.setConfig({
  baseUrl: process.env.HERALD_BASE_URL ?? 'https://api.herald.example/v1',
  // Called once per security scheme of the operation: answer for one only.
  auth: (scheme) => (scheme.scheme === 'bearer' ? process.env.HERALD_API_KEY : undefined),
});

const { data, error, response } = await getUsage();
if (error) throw new Error(`${response.status} ${error.code}: ${error.detail}`);
console.log(data.data);
