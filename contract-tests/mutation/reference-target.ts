import { afterAll, beforeEach } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../mock/src/testing.ts';
import { presetSessionConfig } from '../src/harness/session.ts';
import { resolveConfig } from '../src/runner/config.ts';

// Setup file of the mutation run (`npm run mutation`): starts the reference server inside the
// vitest worker that runs the rules, and points the suite's session at it. Stryker's vitest
// runner switches mutants through a global of the worker (`globalThis.__stryker__`), so the
// server must live in the same process as the rules: a server started by globalSetup (vitest's
// main process) or by `npm start` would never see a mutant. Each rule file gets a fresh server
// and a fresh session (vitest isolates files), so any subset of rules can run on its own.

let server: ReferenceServer | undefined;
let startFailure: unknown;
try {
  // Time stands still (from a whole second) unless the suite moves the test clock: every run
  // sees the same instants, so a mutant that moves a boundary by a millisecond is seen, and
  // none is killed or spared by how fast the machine happened to be.
  server = await startReferenceServer({ logLevel: 'silent', manualClock: Math.floor(Date.now() / 1000) * 1000 });
} catch (error) {
  // A mutant that breaks start-up must fail the tests. A setup file that throws only marks the
  // file as broken, which Stryker's runner does not count as a failed test (the mutant would
  // "survive"), so the failure is raised in every test instead.
  startFailure = error;
}

// The configuration the suite's command would resolve from the server's `--env-out` variables
// (with its defaults); a server that did not start gets a target nothing answers at.
const env = server?.env ?? { HERALD_BASE_URL: 'http://127.0.0.1:9/v1', HERALD_API_KEY: 'none' };
presetSessionConfig({ ...resolveConfig([], env).config!, runId: 'mutation' });

beforeEach(() => {
  if (startFailure !== undefined) throw new Error(`the reference server did not start: ${(startFailure as Error).message ?? startFailure}`);
});

afterAll(async () => {
  await server?.close();
});
