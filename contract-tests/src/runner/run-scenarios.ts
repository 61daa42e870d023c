import { performance } from 'node:perf_hooks';
import type { LedgerData } from '../results.ts';
import { Scenario, ScenarioAbort, ScenarioSkipped, type ScenarioDefinition } from '../harness/scenario.ts';
import type { Session } from '../harness/session.ts';

/** What one scenario produced. */
export interface ScenarioOutcome {
  name: string;
  file: string;
  state: 'passed' | 'failed' | 'skipped';
  ledger: LedgerData;
  /** Errors that were not rule violations: the scenario itself crashed (a runner error). */
  crashes: string[];
  skipNote?: string;
  durationMs: number;
}

/**
 * Runs scenarios one after another (the target's clock, rate limits and the suite's keys are
 * shared, so nothing runs concurrently) and returns what each recorded.
 */
export async function runScenarios(session: Session, definitions: readonly ScenarioDefinition[]): Promise<ScenarioOutcome[]> {
  const outcomes: ScenarioOutcome[] = [];
  for (const definition of definitions) outcomes.push(await runScenario(session, definition));
  return outcomes;
}

export async function runScenario(session: Session, definition: ScenarioDefinition): Promise<ScenarioOutcome> {
  const s = new Scenario(session, definition.name, definition.rules);
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
  try {
    const reason = definition.skipReason(session);
    if (reason) s.skip(reason);
    await withTimeout(definition.run(s), definition.timeoutMs, definition.name);
  } catch (error) {
    if (error instanceof ScenarioSkipped) return outcome('skipped', [], error.message);
    if (!(error instanceof ScenarioAbort)) return outcome('failed', [describeCrash(error)]);
  }
  const broken = s.ledger.failures.length > 0 || Object.keys(s.ledger.droppedFailures).length > 0;
  return outcome(broken ? 'failed' : 'passed');
}

class ScenarioTimeout extends Error {
  override name = 'ScenarioTimeout';
}

function withTimeout<T>(work: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ScenarioTimeout(`scenario "${name}" did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A crash as one line: the error and the suite's own frame nearest to it. */
function describeCrash(error: unknown): string {
  const e = error as { name?: string; message?: string; stack?: string };
  const frame = e.stack?.split('\n').find((line) => /contract-tests\/(src|rules)\//.test(line))?.trim();
  return `${e.name ?? 'Error'}: ${e.message ?? String(error)}${frame ? ` (${frame})` : ''}`;
}
