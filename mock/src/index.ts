// `@herald/mock` as a library: start the reference server (or Prism on the same spec) inside your
// own tests, on 127.0.0.1 and a free port, with the demo keys at hand.
export { startReferenceServer, DEMO_KEY_NAMES, envVariables, writeEnvFile } from './testing.ts';
export type { ReferenceServer, StartOptions, DemoKeys } from './testing.ts';
export { buildServer, type ServerOptions, type HeraldHandle } from './app.ts';
export { startPrism, prismDocument, PrismMissingError, PRISM_VERSION, type PrismMock, type PrismOptions } from './prism.ts';
export { FixtureError, type Fixture, type SeededKey } from './fixture.ts';
export { LARGE_STORE_NODE_OPTIONS } from './large-store.ts';
