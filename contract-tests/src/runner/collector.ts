import type { Reporter, SerializedError, TestCase, TestModule } from 'vitest/node';
import type { LedgerData } from '../results.ts';

/** What one scenario produced, as the runner sees it after vitest ran it. */
export interface ScenarioOutcome {
  name: string;
  file: string;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  ledger?: LedgerData;
  /** Errors that were not rule violations: the scenario itself crashed. */
  crashes: string[];
  skipNote?: string;
}

const VIOLATION_NAMES = new Set(['RuleViolation', 'ScenarioAbort']);

/**
 * The only vitest reporter of a run: it prints nothing and hands every test's ledger (recorded
 * in the test's meta by the scenario) to the runner, which writes the reports users see.
 */
export class Collector implements Reporter {
  readonly scenarios: ScenarioOutcome[] = [];
  readonly errors: string[] = [];

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    for (const module of testModules) {
      for (const error of module.errors()) this.errors.push(`${relative(module.moduleId)}: ${describe(error)}`);
      for (const test of module.children.allTests()) this.scenarios.push(outcomeOf(test));
    }
    for (const error of unhandledErrors) this.errors.push(`unhandled: ${describe(error)}`);
  }
}

function outcomeOf(test: TestCase): ScenarioOutcome {
  const result = test.result();
  const ledger = test.meta().herald;
  const crashes = result.state === 'failed'
    ? result.errors.filter((e) => !VIOLATION_NAMES.has(e.name ?? '')).map(describe)
    : [];
  return {
    name: test.name,
    file: relative(test.module.moduleId),
    state: result.state,
    ledger,
    crashes,
    skipNote: result.state === 'skipped' ? result.note : undefined,
  };
}

function describe(error: { name?: string; message?: string; stack?: string }): string {
  const frame = error.stack?.split('\n').find((line) => line.includes('contract-tests/'))?.trim();
  return `${error.name ?? 'Error'}: ${error.message ?? String(error)}${frame ? ` (${frame})` : ''}`;
}

function relative(path: string): string {
  const at = path.lastIndexOf('contract-tests/');
  return at >= 0 ? path.slice(at) : path;
}
