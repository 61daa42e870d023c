// `--junit FILE`: one test case per finding, so CI shows each change. A breaking or security
// change is a <failure>; compatible and info changes pass with their text. The verdict is a case
// of its own, failing when the run fails for a reason no finding carries (an out-of-order
// info.version, a breaking change the CHANGELOG does not list).
import { XMLBuilder } from 'fast-xml-parser';
import { operationLabel } from './findings.ts';
import { findingLine } from './report-text.ts';
import type { GateResult } from './result.ts';
import { failsGate } from './rules.ts';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: true, suppressEmptyNode: true });

// XML 1.0 forbids most control characters even when escaped.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function renderJUnit(result: GateResult): string {
  const cases: Record<string, unknown>[] = result.findings.map((finding) => {
    const body = [findingLine(finding), ...(finding.operations.length ? [`operations: ${finding.operations.map(operationLabel).join(', ')}`] : [])].join('\n');
    return {
      '@classname': `breaking-change.${finding.severity}`,
      '@name': `${finding.rule} ${finding.pointer}`,
      '@time': '0',
      ...(failsGate(finding.severity)
        ? { failure: { '@message': findingLine(finding), '@type': finding.rule, '#text': body } }
        : { 'system-out': body }),
    };
  });
  const findingFailures = result.findings.filter((finding) => failsGate(finding.severity)).length;
  const verdictFails = result.exitCode === 1 && findingFailures === 0;
  cases.push({
    '@classname': 'breaking-change.verdict',
    '@name': 'verdict',
    '@time': '0',
    ...(verdictFails
      ? { failure: { '@message': result.verdict, '@type': 'verdict', '#text': result.verdict } }
      : { 'system-out': `exit ${result.exitCode}: ${result.verdict}` }),
  });
  const failures = findingFailures + (verdictFails ? 1 : 0);
  const counts = { '@tests': String(cases.length), '@failures': String(failures), '@errors': '0' };
  const xml = builder.build({
    '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
    testsuites: {
      '@name': 'breaking-change gate',
      ...counts,
      testsuite: {
        '@name': `${result.base.source} (${result.base.version}) → ${result.revision.source} (${result.revision.version})`,
        ...counts,
        '@skipped': '0',
        '@time': '0',
        testcase: cases,
      },
    },
  }) as string;
  return xml.replace(INVALID_XML, '\uFFFD');
}
