import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { LedgerData } from '../results.ts';
import { Scenario, ScenarioAbort, ScenarioSkipped, type ScenarioDefinition } from '../harness/scenario.ts';
import { RunCancelled, type Session } from '../harness/session.ts';

/** What one scenario produced. */
export interface ScenarioOutcome {
  name: string;
  file: string;
  state: 'passed' | 'failed' | 'skipped' | 'cancelled';
  ledger: LedgerData;
  /** Errors that were not rule violations: the scenario itself crashed (a runner error). */
  crashes: string[];
  skipNote?: string;
  durationMs: number;
}

export interface RunProgress {
  /** A scenario is about to run (`index` of `total`). */
  onScenario?(definition: ScenarioDefinition, index: number, total: number): void;
}

/**
 * Runs scenarios one after another (the target's clock, rate limits and the suite's keys are
 * shared, so nothing runs concurrently) and returns what each recorded. Once the run is stopped
 * (interrupted, --max-time, a target that stopped answering) no further scenario starts.
 */
export async function runScenarios(session: Session, definitions: readonly ScenarioDefinition[], progress: RunProgress = {}): Promise<ScenarioOutcome[]> {
  const outcomes: ScenarioOutcome[] = [];
  for (const [index, definition] of definitions.entries()) {
    if (session.control.signal.aborted) break;
    progress.onScenario?.(definition, index, definitions.length);
    outcomes.push(await runScenario(session, definition));
  }
  return outcomes;
}

class ScenarioTimeout extends Error {
  override name = 'ScenarioTimeout';
}

/** Which rule a target's off-spec answers are recorded under: a later crash is their consequence. */
const SHAPE_RULES = ['responses.body-schema', 'responses.content-type', 'responses.documented-status', 'responses.answered'];

export async function runScenario(session: Session, definition: ScenarioDefinition): Promise<ScenarioOutcome> {
  // Each scenario's requests end with it: its own time limit aborts what it still has in flight.
  const limit = new AbortController();
  const signal = AbortSignal.any([session.control.signal, limit.signal]);
  setMaxListeners(0, signal);
  const s = new Scenario(session, definition.name, definition.rules, signal);
  const started = performance.now();
  const outcome = (state: ScenarioOutcome['state'], crashes: string[] = [], skipNote?: string): ScenarioOutcome => ({
    name: definition.name,
    file: definition.file,
    state,
    ledger: s.ledger,
    crashes,
    skipNote,
    durationMs: Math.round(performance.now() - started),
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const reason = definition.skipReason(session);
    if (reason) s.skip(reason);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new ScenarioTimeout(`did not finish within ${definition.timeoutMs} ms`);
        limit.abort(error);
        reject(error);
      }, definition.timeoutMs);
    });
    await Promise.race([definition.run(s), timeout]);
  } catch (error) {
    if (error instanceof ScenarioSkipped) return outcome('skipped', [], error.message);
    if (error instanceof ScenarioTimeout) return outcome('failed', timedOut(s, error, performance.now() - started));
    if (error instanceof RunCancelled) {
      if (limit.signal.aborted) return outcome('failed', timedOut(s, limit.signal.reason as Error, performance.now() - started));
      return outcome('cancelled');
    }
    if (!(error instanceof ScenarioAbort)) {
      if (session.control.signal.aborted) return outcome('cancelled');
      // A scenario that stumbles over an answer the target got wrong (a list where the spec has a
      // string…) reports that as a failure of its rule, never as a crash of the runner: the
      // answer's own failures are already recorded under the responses.* rules.
      if (SHAPE_RULES.some((rule) => s.ledger.failures.some((f) => f.rule === rule) || (s.ledger.droppedFailures[rule] ?? 0) > 0)) {
        s.check(definition.rules[0], false, `the scenario could not go on after the target answered off the spec (${describeCrash(error)}); see the responses.* failures`);
        return outcome('failed');
      }
      return outcome('failed', [describeCrash(error)]);
    }
  } finally {
    clearTimeout(timer);
  }
  const broken = s.ledger.failures.length > 0 || Object.keys(s.ledger.droppedFailures).length > 0;
  return outcome(broken ? 'failed' : 'passed');
}

/**
 * A scenario past its time limit: when most of that time went waiting on the target, the target
 * is too slow (a failed check of responses.answered); otherwise the scenario itself is stuck (a
 * runner error).
 */
function timedOut(s: Scenario, error: Error, elapsedMs: number): string[] {
  if (s.waitedMs >= elapsedMs / 2) {
    s.check('responses.answered', false, `scenario "${s.name}" ${error.message}: ${Math.round(s.waitedMs / 1000)} s of it went waiting for the target's answers`);
    return [];
  }
  return [`${s.name}: ${error.message}`];
}

/** A crash as one line: the error and the suite's own frame nearest to it. */
function describeCrash(error: unknown): string {
  const e = error as { name?: string; message?: string; stack?: string };
  const frame = e.stack?.split('\n').find((line) => /contract-tests\/(src|rules)\//.test(line))?.trim();
  return `${e.name ?? 'Error'}: ${e.message ?? String(error)}${frame ? ` (${frame})` : ''}`;
}
