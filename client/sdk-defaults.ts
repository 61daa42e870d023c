// The configuration the hey-api SDK's default `client` starts with (hey-api's runtimeConfigPath,
// set in openapi-ts.config.ts): it sends through the Herald transport, so that even a client
// configured only with `client.setConfig({ baseUrl, auth })` never follows a redirect to another
// origin, times out, retries only what cannot be sent twice, and says who it is. Replacing its
// `fetch` with `setConfig({ fetch })` replaces all of that: use `createHeraldSdkClient({ fetch })`.
import type { Config } from '../generated/sdk/client/index.ts';
import { createTransport } from './transport.ts';

export function createClientConfig<T extends Config>(config: T): T {
  return { ...config, fetch: createTransport().fetch as typeof fetch };
}
