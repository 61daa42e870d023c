// `--json`: the same findings for machines.
import { countSeverities } from './findings.ts';
import type { GateResult } from './result.ts';

export function renderJson(result: GateResult): string {
  return `${JSON.stringify({
    base: result.base,
    revision: result.revision,
    summary: countSeverities(result.findings),
    exitCode: result.exitCode,
    verdict: result.verdict,
    findings: result.findings,
  }, null, 2)}\n`;
}
