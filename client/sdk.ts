// `@herald/client/sdk`: the SDK that @hey-api/openapi-ts generates from the spec (one function
// per operation), with its default client to configure (`client.setConfig({ baseUrl, auth })`)
// and `createClient` for more than one configuration in an application.
export * from '../generated/sdk/index.ts';
export { client } from '../generated/sdk/client.gen.ts';
export { createClient, createConfig } from '../generated/sdk/client/index.ts';
export type { Auth, Client, Config } from '../generated/sdk/client/index.ts';
