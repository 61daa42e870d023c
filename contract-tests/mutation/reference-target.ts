import { afterAll } from 'vitest';
import { startReferenceServer } from '../../mock/src/testing.ts';
import { presetSessionConfig } from '../src/harness/session.ts';

// Setup file of the mutation run (`npm run mutation`): starts the reference server inside the
// vitest worker that runs the rules, and points the suite's session at it. Stryker's vitest
// runner switches mutants through a global of the worker (`globalThis.__stryker__`), so the
// server must live in the same process as the rules: a server started by globalSetup (vitest's
// main process) or by `npm start` would never see a mutant. Each rule file gets a fresh server
// and a fresh session (vitest isolates files), so any subset of rules can run on its own.

const server = await startReferenceServer({ logLevel: 'silent' });

presetSessionConfig({
  baseUrl: server.baseUrl,
  apiKey: server.keys.HERALD_API_KEY,
  otherEnvApiKey: server.keys.HERALD_OTHER_ENV_API_KEY,
  readOnlyApiKey: server.keys.HERALD_READ_ONLY_API_KEY,
  inactiveAccountApiKey: server.keys.HERALD_INACTIVE_ACCOUNT_API_KEY,
  nearQuotaApiKey: server.keys.HERALD_NEAR_QUOTA_API_KEY,
  testClockUrl: server.testClockUrl,
  profile: 'full',
  maxBurst: 1000,
  timeoutMs: 10_000,
  skip: [],
  verbose: false,
  runId: 'mutation',
});

afterAll(async () => {
  await server.close();
});
