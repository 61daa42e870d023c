import { scenario, type Scenario } from '../src/harness/scenario.ts';
import { getSession } from '../src/harness/session.ts';

/** Last file of the run: revoke every key the suite created, so it leaves the target as it found it. */
export default function cleanupRules(): void {
  scenario(['lifecycle.revoke'], 'revoke every key the suite created', async (s: Scenario) => {
    for (const pool of getSession().allPools()) await pool.cleanup(s);
    getSession().http.close();
  }, { always: true });
}
