import { caseFamilies, type FuzzContext } from '../src/fuzz/request-cases.ts';
import { runFamily } from '../src/fuzz/run-family.ts';
import { scenario, type Scenario } from '../src/harness/scenario.ts';
import { getSession } from '../src/harness/session.ts';

/**
 * Input derived from the schemas (fast-check): for every operation that takes input, requests
 * valid for its schemas — random ones (`--fuzz-runs` per operation) and each bound's edge once —
 * and requests that break one constraint in one place (`--fuzz-runs` ÷ 4 per constraint, at least
 * one). Valid input gets the documented success or a documented refusal that is not about the
 * input; broken input gets 400 validation_failed locating it. Each run is seeded (printed) and a
 * failure shrinks to the smallest input that still fails.
 */
export default function inputRules(): void {
  const session = getSession();
  const { contract, config } = session;
  if (config.fuzzRuns === 0) return;
  const fuzz: FuzzContext = { keyNamePrefix: session.keyName(''), keyCreation: 'createApiKey' };
  const perConstraint = Math.max(1, Math.ceil(config.fuzzRuns / 4));

  for (const op of contract.authenticatedOperations) {
    const families = caseFamilies(op, contract, fuzz);
    const valid = families.filter((f) => f.kind !== 'invalid');
    const invalid = families.filter((f) => f.kind === 'invalid');
    if (valid.length > 0) {
      scenario(['input.valid-accepted'], `${op.id}: input valid for the schemas`, async (s: Scenario) => {
        for (const family of valid) await runFamily(s, family, family.kind === 'valid' ? config.fuzzRuns : 1, config.seed, fuzz);
      });
    }
    if (invalid.length > 0) {
      scenario(['input.invalid-refused'], `${op.id}: input breaking one constraint`, async (s: Scenario) => {
        for (const family of invalid) await runFamily(s, family, Math.min(perConstraint, family.distinct ?? perConstraint), config.seed, fuzz);
      });
    }
  }
}
