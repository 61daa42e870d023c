import { randomInt } from 'node:crypto';
import { sleep } from '../harness/clock.ts';
import { listAllKeys, revokeKey, type ListedKey } from '../harness/key-operations.ts';
import type { Scenario } from '../harness/scenario.ts';
import { RunnerError } from './preflight.ts';

/**
 * Two runs against one target disturb each other — the test clock, the failed-auth throttle of
 * one address and a near-quota account are shared — and would each blame the target. So a run
 * first takes a lease: a key named `herald-contract <run id> run lease`, then lists the
 * environment's keys. Another run is in progress when keys named for another run id are active
 * and one of them was used (or created) within the last few minutes of the target's clock; the
 * run that started later (or at the same second) yields, with exit 2 and a message saying which
 * run holds the target. Runs killed without cleanup stop counting once their keys go quiet.
 */
export const LIVE_WINDOW_SECONDS = 300;
const NAMED = /^herald-contract ([0-9a-z]{8}) /;

export async function claimTarget(s: Scenario): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const session = s.session;
    const lease = await session.pool().create(s, { creator: session.config.apiKey, body: { name: session.keyName('run lease'), scopes: [session.contract.scopes[0]] } });
    const started = Date.parse(lease.reply.data<{ created_at?: string }>()?.created_at ?? '');
    const listed = await listAllKeys(s, session.config.apiKey, 'lifecycle.list');
    if (!listed) return;
    const now = Date.parse(listed.pages.at(-1)?.header('date') ?? '') || session.targetNow();
    const others = otherRuns(listed.keys, session.config.runId, now);
    const blockers = others.filter((run) => Number.isNaN(started) || run.started <= started);
    if (blockers.length === 0) return;
    await revokeKey(s, session.config.apiKey, lease.id);
    session.pool().markRevoked(lease.id);
    // Two runs that started in the same second both see each other: each steps back a random
    // moment and tries once more, so that usually one of them goes ahead.
    if (attempt === 1 && blockers.every((run) => run.started === started)) {
      await sleep(200 + randomInt(1300), s.signal);
      continue;
    }
    const first = blockers[0];
    throw new RunnerError(
      `another herald-contract run (run id ${first.runId}, started ${new Date(first.started).toISOString()} by the target's clock, last active ${Math.round((now - first.lastActive) / 1000)} s ago) is in progress against this target. ` +
      'Two runs at once disturb each other (test clock, failed-auth throttle, quotas) and would blame the target: run again when it has finished. ' +
      `A run that was killed stops counting ${LIVE_WINDOW_SECONDS / 60} minutes after its keys were last used (or revoke the keys named "herald-contract ${first.runId} …").`,
    );
  }
}

interface OtherRun {
  runId: string;
  started: number;
  lastActive: number;
}

function otherRuns(keys: ListedKey[], mine: string, now: number): OtherRun[] {
  const runs = new Map<string, OtherRun>();
  for (const key of keys) {
    const runId = typeof key.name === 'string' ? NAMED.exec(key.name)?.[1] : undefined;
    if (!runId || runId === mine || key.status !== 'active') continue;
    const created = Date.parse(String(key.created_at));
    const used = Date.parse(String(key.last_used_at ?? ''));
    const active = Math.max(Number.isNaN(created) ? 0 : created, Number.isNaN(used) ? 0 : used);
    const run = runs.get(runId) ?? { runId, started: Infinity, lastActive: 0 };
    if (!Number.isNaN(created)) run.started = Math.min(run.started, created);
    run.lastActive = Math.max(run.lastActive, active);
    runs.set(runId, run);
  }
  return [...runs.values()].filter((run) => now - run.lastActive <= LIVE_WINDOW_SECONDS * 1000);
}
