import { shapeRedactor } from '../redact.ts';
import type { RuleResult, RunResult } from '../results.ts';
import { renderCoverageTable } from './coverage-table.ts';
import { renderExchangeText } from './summary.ts';

/**
 * JUnit XML for CI: one test suite per rule group, one test case per rule. A broken rule is a
 * `<failure>`, a rule the runner could not check an `<error>`, a skipped rule `<skipped>` with its
 * reason.
 */
export function renderJUnit(result: RunResult): string {
  const groups = new Map<string, RuleResult[]>();
  for (const rule of result.rules) groups.set(rule.group, [...(groups.get(rule.group) ?? []), rule]);
  const count = (rules: RuleResult[], status: RuleResult['status']) => rules.filter((r) => r.status === status).length;
  const seconds = (result.durationMs / 1000).toFixed(3);

  const coverage = result.coverage;
  const coverageShort = coverage?.minimum !== undefined && coverage.percent < coverage.minimum;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(`<testsuites name="herald-contract" tests="${result.rules.length}" failures="${count(result.rules, 'fail')}" errors="${count(result.rules, 'error') + (result.errors.length > 0 ? 1 : 0)}" skipped="${count(result.rules, 'skip')}" time="${seconds}">`);
  for (const [group, rules] of groups) {
    const time = (rules.reduce((n, r) => n + r.durationMs, 0) / 1000).toFixed(3);
    lines.push(`  <testsuite name="${attr(group)}" tests="${rules.length}" failures="${count(rules, 'fail')}" errors="${count(rules, 'error')}" skipped="${count(rules, 'skip')}" timestamp="${attr(result.startedAt.replace(/\.\d+Z$/, ''))}" time="${time}">`);
    if (result.seed !== undefined) lines.push(`    <properties><property name="seed" value="${result.seed}"/></properties>`);
    for (const rule of rules) lines.push(...testCase(rule));
    lines.push('  </testsuite>');
  }
  if (coverage) {
    lines.push(`  <testsuite name="coverage" tests="1" failures="${coverageShort ? 1 : 0}" errors="0" skipped="0" time="0">`);
    lines.push(`    <testcase classname="herald.coverage" name="coverage" time="0">`);
    if (coverageShort) lines.push(`      <failure message="${attr(`coverage ${coverage.percent} % is below --min-coverage ${coverage.minimum} %`)}" type="coverage"/>`);
    lines.push(`      <system-out>${text(renderCoverageTable(coverage).join('\n'))}</system-out>`);
    lines.push('    </testcase>');
    lines.push('  </testsuite>');
  }
  const runnerProblems = [...result.errors, ...(result.stopped ? [`stopped: ${result.stopped.message}`] : [])];
  if (runnerProblems.length > 0) {
    lines.push('  <testsuite name="runner" tests="1" failures="0" errors="1" skipped="0" time="0">');
    lines.push('    <testcase classname="herald.runner" name="runner" time="0">');
    lines.push(`      <error message="${attr(runnerProblems[0])}" type="${result.stopped ? 'Stopped' : 'RunnerError'}">${text(runnerProblems.join('\n'))}</error>`);
    lines.push('    </testcase>');
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return shapeRedactor.redact(lines.join('\n')) + '\n';
}

function testCase(rule: RuleResult): string[] {
  const open = `    <testcase classname="herald.${attr(rule.group)}" name="${attr(rule.id)}" time="${(rule.durationMs / 1000).toFixed(3)}">`;
  const out = [open];
  if (rule.status === 'fail') {
    const details = rule.failures.flatMap((f) => [f.message + (f.scenario ? `  [${f.scenario}]` : ''), ...(f.exchange ? renderExchangeText(f.exchange).map((l) => `  ${l}`) : []), '']);
    if (rule.failed > rule.failures.length) details.push(`… and ${rule.failed - rule.failures.length} more failed check(s)`);
    out.push(`      <failure message="${attr(`${rule.failed} of ${rule.checks} checks failed: ${rule.failures[0]?.message ?? rule.title}`)}" type="${attr(rule.id)}">${text(details.join('\n'))}</failure>`);
  } else if (rule.status === 'error') {
    out.push(`      <error message="${attr(rule.errors[0] ?? 'error')}" type="RunnerError">${text(rule.errors.join('\n'))}</error>`);
  } else if (rule.status === 'skip') {
    out.push(`      <skipped message="${attr(rule.skipReasons.join('; '))}"/>`);
  }
  out.push(`      <system-out>${text(`${rule.title}\n${rule.checks} checks, ${rule.failed} failed`)}</system-out>`);
  out.push('    </testcase>');
  return out;
}

// XML 1.0 forbids most control characters even when escaped.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function text(value: string): string {
  return value.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
