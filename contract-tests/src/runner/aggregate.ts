import { EXIT, type CleanupNote, type CoverageResult, type RuleResult, type RunResult, type StopNote } from '../results.ts';
import { DELIBERATE_SKIPS, RULES, ruleGroup, ruleIds, whyNotApplied, type RuleId } from '../rule-catalogue.ts';
import type { ScenarioOutcome } from './run-scenarios.ts';
import type { SuiteConfig } from './config.ts';

const DETAILED_FAILURES_PER_RULE = 20;

export interface RunFacts {
  startedAt: Date;
  durationMs: number;
  stopped?: StopNote;
  cleanup?: CleanupNote;
  coverage?: CoverageResult;
  fuzz?: RunResult['fuzz'];
}

type AggregateConfig = Pick<SuiteConfig, 'baseUrl' | 'profile' | 'skip'> & Partial<Pick<SuiteConfig, 'only' | 'failOnSkip' | 'minCoverage' | 'seed'>>;

/**
 * Turns what the scenarios recorded into one result per rule: `fail` when the target broke it,
 * `error` when the runner could not check it, `pass` when it was checked and held, `skip` (with
 * the reasons) when nothing checked it.
 */
export function aggregate(
  scenarios: ScenarioOutcome[],
  runnerErrors: string[],
  config: AggregateConfig,
  facts: RunFacts,
): RunResult {
  const selection = { profile: config.profile, skip: config.skip, only: config.only ?? [] };
  const rules = new Map<string, RuleResult>();
  const unchecked = (id: string, title: string): RuleResult =>
    ({ id, title, group: ruleGroup(id), status: 'skip', checks: 0, passed: 0, failed: 0, failures: [], skipReasons: [], errors: [], durationMs: 0 });
  for (const id of ruleIds()) rules.set(id, unchecked(id, RULES[id].title));
  // A rule id the catalogue does not know (a typo in a scenario) still gets its line.
  const rule = (id: string): RuleResult => {
    if (!rules.has(id)) rules.set(id, unchecked(id, id));
    return rules.get(id)!;
  };

  let requests = 0;
  let failedAuthentications = 0;
  const failedAuthenticationsByGroup: Record<string, number> = {};
  const requestIds = new Map<string, number>();
  const errors = [...runnerErrors];
  for (const scenario of scenarios) {
    const ledger = scenario.ledger;
    requests += ledger.requests;
    failedAuthentications += ledger.failedAuthentications;
    if (ledger.failedAuthentications > 0) {
      const group = ruleGroup(ledger.rules[0] ?? 'responses.answered');
      failedAuthenticationsByGroup[group] = (failedAuthenticationsByGroup[group] ?? 0) + ledger.failedAuthentications;
    }
    // A scenario's time goes to the rules it was declared for, in equal shares (JUnit's time).
    for (const id of ledger.rules) rule(id).durationMs += scenario.durationMs / Math.max(1, ledger.rules.length);
    for (const id of ledger.requestIds) requestIds.set(id, (requestIds.get(id) ?? 0) + 1);
    for (const [id, count] of Object.entries(ledger.passes)) rule(id).passed += count;
    for (const failure of ledger.failures) {
      const r = rule(failure.rule);
      r.failed++;
      if (r.failures.length < DETAILED_FAILURES_PER_RULE) r.failures.push(failure);
    }
    for (const [id, count] of Object.entries(ledger.droppedFailures)) rule(id).failed += count;
    for (const skip of ledger.skips) {
      const r = rule(skip.rule);
      if (!r.skipReasons.includes(skip.reason)) r.skipReasons.push(skip.reason);
    }
    for (const crash of scenario.crashes) {
      const owner = rule(ledger.rules[0] ?? 'responses.answered');
      owner.errors.push(`${scenario.name}: ${crash}`);
    }
  }

  // Request ids must be distinct across the whole run, so this rule is checked here, over every
  // id every scenario saw.
  const distinct = rule('request-id.distinct');
  if (!whyNotApplied('request-id.distinct', selection)) {
    for (const [id, count] of requestIds) {
      distinct.passed++;
      if (count > 1) {
        distinct.failed += count - 1;
        if (distinct.failures.length < DETAILED_FAILURES_PER_RULE) distinct.failures.push({ rule: distinct.id, message: `${count} responses carried the same request id ${id}` });
      }
    }
  }

  const stoppedReason = facts.stopped ? `not reached: the run stopped (${facts.stopped.cause})` : undefined;
  for (const r of rules.values()) {
    r.checks = r.passed + r.failed;
    r.durationMs = Math.round(r.durationMs);
    r.status = r.errors.length > 0 ? 'error' : r.failed > 0 ? 'fail' : r.passed > 0 ? 'pass' : 'skip';
    if (r.status === 'skip' && r.skipReasons.length === 0) {
      r.skipReasons.push(whyNotApplied(r.id as RuleId, selection) ?? stoppedReason ?? 'nothing in this run exercised it');
    }
  }

  const list = [...rules.values()];
  const count = (status: RuleResult['status']) => list.filter((r) => r.status === status).length;
  const checks = list.reduce((n, r) => n + r.checks, 0);
  const failedChecks = list.reduce((n, r) => n + r.failed, 0);
  const hasErrors = errors.length > 0 || count('error') > 0;
  const undeliberateSkips = list.filter((r) => r.status === 'skip' && r.skipReasons.some((why) => !(DELIBERATE_SKIPS as readonly string[]).includes(why)));
  const coverageShort = facts.coverage?.minimum !== undefined && facts.coverage.percent < facts.coverage.minimum;
  const exitCode = facts.stopped?.cause === 'SIGINT' ? EXIT.sigint
    : facts.stopped?.cause === 'SIGTERM' ? EXIT.sigterm
      : failedChecks > 0 ? EXIT.failed
        : hasErrors ? EXIT.error
          : facts.stopped ? EXIT.stopped
            : coverageShort || (config.failOnSkip && undeliberateSkips.length > 0) ? EXIT.incomplete
              : EXIT.ok;
  return {
    target: config.baseUrl,
    profile: config.profile,
    startedAt: facts.startedAt.toISOString(),
    durationMs: facts.durationMs,
    rules: list,
    totals: {
      checks,
      passedChecks: checks - failedChecks,
      failedChecks,
      rules: { pass: count('pass'), fail: count('fail'), skip: count('skip'), error: count('error') },
      requests,
      failedAuthentications,
      failedAuthenticationsByGroup,
    },
    errors,
    exitCode,
    seed: config.seed,
    fuzz: facts.fuzz,
    coverage: facts.coverage,
    stopped: facts.stopped,
    cleanup: facts.cleanup,
    failOnSkip: config.failOnSkip && undeliberateSkips.length > 0 ? true : undefined,
  };
}
