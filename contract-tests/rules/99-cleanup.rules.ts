import { scenario, type Scenario } from '../src/harness/scenario.ts';
import { getSession } from '../src/harness/session.ts';

/** Last file of the run: revoke every key the suite created, so it leaves the target as it found it. */
export default function cleanupRules(): void {
  scenario(['lifecycle.revoke'], 'revoke every key the suite created', async (s: Scenario) => {
    const session = getSession();
    // Webhook endpoints first, with the main key (they hold no secret of ours, but a run leaves nothing behind).
    const deleteEndpoint = session.contract.operations.find((op) => op.id === 'deleteWebhookEndpoint');
    if (deleteEndpoint) {
      for (const id of [...session.webhookEndpoints]) {
        const reply = await s.send({ op: deleteEndpoint, auth: { key: session.config.apiKey }, pathParams: { endpoint_id: id } });
        if (reply.status === deleteEndpoint.successStatus || reply.status === 404) session.webhookEndpoints.delete(id);
      }
    }
    await session.closeReceiver();
    for (const pool of session.allPools()) await pool.cleanup(s);
    getSession().http.close();
  }, { always: true });
}
