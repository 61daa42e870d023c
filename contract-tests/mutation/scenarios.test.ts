import { afterAll, beforeEach, expect, test } from 'vitest';
import { declareScenarios } from '../src/harness/scenario.ts';
import { useSession } from '../src/harness/session.ts';
import { runScenario } from '../src/runner/run-scenarios.ts';
import { RULE_FILES } from '../rules/index.ts';
import { startMutationTarget } from './reference-target.ts';

// Each scenario of the suite as one vitest test, so that Stryker can tell which scenarios cover
// which mutant (per-test coverage) and kill a mutant with the first scenario that fails.
const target = await startMutationTarget();
const definitions = declareScenarios(RULE_FILES.map(({ file, declare }) => ({ file, declare: () => { useSession(target.session); declare(); } })));

beforeEach(() => {
  // A mutant that breaks start-up must fail the tests; a throwing module would only mark the file
  // as broken, which Stryker does not count as a killed mutant.
  if (target.startFailure !== undefined) throw new Error(`the reference server did not start: ${(target.startFailure as Error).message ?? target.startFailure}`);
});

afterAll(async () => {
  await target.server?.close();
});

for (const definition of definitions) {
  test(`${definition.rules[0]} › ${definition.name}`, async () => {
    useSession(target.session);
    const outcome = await runScenario(target.session, definition);
    expect(outcome.crashes).toEqual([]);
    expect(outcome.ledger.failures.map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
    expect(Object.keys(outcome.ledger.droppedFailures)).toEqual([]);
  }, definition.timeoutMs);
}
