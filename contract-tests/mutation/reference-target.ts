import { startReferenceServer, type ReferenceServer } from '../../mock/src/testing.ts';
import { Session } from '../src/harness/session.ts';
import { resolveConfig } from '../src/runner/config.ts';

// The target of the mutation run (`npm run mutation`): a reference server started inside the
// vitest worker that runs the scenarios. Stryker's vitest runner switches mutants through a
// global of the worker (`globalThis.__stryker__`), so the server must live in the same process as
// the scenarios: a server started by globalSetup (vitest's main process) or by `npm start` would
// never see a mutant.

export interface MutationTarget {
  server?: ReferenceServer;
  /** Why the server did not start (a mutant that breaks start-up), if it did not. */
  startFailure?: unknown;
  session: Session;
}

export async function startMutationTarget(): Promise<MutationTarget> {
  let server: ReferenceServer | undefined;
  let startFailure: unknown;
  try {
    // Time stands still (from a whole second) unless the suite moves the test clock: every run
    // sees the same instants, so a mutant that moves a boundary by a millisecond is seen, and
    // none is killed or spared by how fast the machine happened to be.
    server = await startReferenceServer({ logLevel: 'silent', manualClock: Math.floor(Date.now() / 1000) * 1000 });
  } catch (error) {
    startFailure = error;
  }
  // The configuration the suite's command would resolve from the server's `--env-out` variables
  // (with its defaults); a server that did not start gets a target nothing answers at.
  const env = server?.env ?? { HERALD_BASE_URL: 'http://127.0.0.1:9/v1', HERALD_API_KEY: 'none' };
  const session = new Session({ ...resolveConfig([], env).config!, runId: 'mutation' });
  return { server, startFailure, session };
}
