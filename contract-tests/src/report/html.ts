import { shapeRedactor } from '../redact.ts';
import type { CoverageResult, RuleResult, RunResult } from '../results.ts';
import { renderExchangeText, verdictText } from './summary.ts';

/**
 * A self-contained HTML report: inline styles, no script, nothing fetched from anywhere. Failing
 * rules open with each failure's message and the exchange that showed it.
 */
export function renderHtml(result: RunResult): string {
  const t = result.totals;
  const verdict = verdictText(result);
  const groups = new Map<string, RuleResult[]>();
  for (const rule of result.rules) groups.set(rule.group, [...(groups.get(rule.group) ?? []), rule]);

  const body: string[] = [];
  body.push(`<h1>Herald conformance report</h1>`);
  body.push(`<p class="verdict v${result.exitCode}">${esc(verdict)} (exit ${result.exitCode})</p>`);
  body.push('<table class="facts">');
  for (const [k, v] of [
    ['Target', result.target],
    ['Profile', result.profile],
    ['Started', result.startedAt],
    ['Duration', `${(result.durationMs / 1000).toFixed(1)} s`],
    ['Rules', `${result.rules.length}: ${t.rules.pass} passed, ${t.rules.fail} failed, ${t.rules.skip} skipped, ${t.rules.error} errors`],
    ['Checks', `${t.checks} (${t.failedChecks} failed)`],
    ['Requests', `${t.requests} (${t.failedAuthentications} failed authentications)${result.fuzz ? `, ${result.fuzz.cases} of them schema-derived` : ''}`],
    ...(result.seed !== undefined ? [['Seed', `${result.seed} (--seed ${result.seed} draws the same schema-derived cases)`]] : []),
    ...(result.stopped ? [['Stopped', result.stopped.message]] : []),
    ...(result.cleanup ? [['Cleanup', `revoked ${result.cleanup.revoked} of ${result.cleanup.created} keys created${result.cleanup.leftActive ? `, ${result.cleanup.leftActive} left active` : ''}${result.cleanup.clockAdvancedSeconds ? `; test clock moved ${result.cleanup.clockAdvancedSeconds} s and ${result.cleanup.clockRestored ? 'moved back' : 'NOT moved back'}` : ''}`]] : []),
  ]) body.push(`<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`);
  body.push('</table>');
  if (result.coverage) body.push(coverageBlock(result.coverage));

  const broken = result.rules.filter((r) => r.status === 'fail' || r.status === 'error');
  if (broken.length > 0) {
    body.push('<h2>Broken rules</h2><ul>');
    for (const rule of broken) body.push(`<li><a href="#${esc(rule.id)}" class="id">${esc(rule.id)}</a> — ${rule.status === 'fail' ? `${rule.failed} of ${rule.checks} checks failed` : 'could not be checked'}</li>`);
    body.push('</ul>');
  }

  if (result.errors.length > 0) {
    body.push('<h2>Runner errors</h2><ul class="errors">');
    for (const error of result.errors) body.push(`<li><pre>${esc(error)}</pre></li>`);
    body.push('</ul>');
  }

  for (const [group, rules] of groups) {
    body.push(`<h2>${esc(group)}</h2>`);
    for (const rule of rules) body.push(ruleBlock(rule));
  }

  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Herald conformance — ${esc(verdict)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1d1d1f; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 1.6rem; border-bottom: 1px solid #ddd; }
.verdict { font-size: 1.2rem; font-weight: 600; } .v0 { color: #137333; } .v1 { color: #b3261e; } .v2 { color: #8e24aa; }
table.facts th { text-align: left; padding-right: 1rem; color: #555; font-weight: 500; }
details { margin: .25rem 0; border: 1px solid #e3e3e3; border-radius: 6px; padding: .3rem .6rem; }
summary { cursor: pointer; } .id { font-family: ui-monospace, monospace; font-weight: 600; }
.badge { display: inline-block; min-width: 3.2rem; text-align: center; border-radius: 4px; padding: 0 .3rem; margin-right: .5rem; font-size: .8rem; font-weight: 600; color: #fff; }
.pass { background: #137333; } .fail { background: #b3261e; } .skip { background: #80868b; } .error { background: #8e24aa; }
.cell { font-family: ui-monospace, monospace; font-size: .8rem; padding: 0 .2rem; border-radius: 3px; } .yes { background: #e6f4ea; } .no { background: #fce8e6; } .na { color: #888; }
.meta { color: #555; } pre { background: #f6f8fa; padding: .5rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
  return shapeRedactor.redact(html);
}

function coverageBlock(coverage: CoverageResult): string {
  const operations = [...new Set(coverage.cells.map((c) => c.operation))];
  const rows = operations.map((op) => {
    const cells = coverage.cells.filter((c) => c.operation === op).map((c) => {
      const mark = !c.causable ? '–' : c.exercised ? '✓' : '·';
      return `<span class="cell ${!c.causable ? 'na' : c.exercised ? 'yes' : 'no'}" title="${esc(c.reason ?? 'exercised')}">${esc(c.value)} ${mark}</span>`;
    });
    return `<tr><th class="id">${esc(op)}</th><td>${cells.join(' ')}</td></tr>`;
  });
  const gaps = coverage.cells.filter((c) => c.causable && !c.exercised).map((c) => `<li>${esc(`${c.operation} ${c.value}: ${c.reason ?? ''}`)}</li>`);
  const undocumented = coverage.undocumented.map((u) => `<li>${esc(`${u.operation} answered ${u.status} (${u.count}×), a status it does not document`)}</li>`);
  return `<h2>Coverage: ${coverage.percent} % of causable cells (${coverage.exercised} of ${coverage.causable})</h2><table class="coverage">${rows.join('')}</table>${gaps.length + undocumented.length > 0 ? `<ul>${[...gaps, ...undocumented].join('')}</ul>` : ''}`;
}

function ruleBlock(rule: RuleResult): string {
  const status = rule.status;
  const meta = status === 'skip' ? `skipped: ${rule.skipReasons.join('; ')}` : status === 'error' ? `${rule.errors.length} runner error(s)` : `${rule.checks} checks, ${rule.failed} failed`;
  const inner: string[] = [];
  for (const failure of rule.failures) {
    inner.push(`<p>${esc(failure.message)}${failure.scenario ? ` <span class="meta">[${esc(failure.scenario)}]</span>` : ''}</p>`);
    if (failure.exchange) inner.push(`<pre>${esc(renderExchangeText(failure.exchange).join('\n'))}</pre>`);
  }
  if (rule.failed > rule.failures.length) inner.push(`<p class="meta">… and ${rule.failed - rule.failures.length} more failed check(s)</p>`);
  for (const error of rule.errors) inner.push(`<pre>${esc(error)}</pre>`);
  const open = status === 'fail' || status === 'error' ? ' open' : '';
  return `<details id="${esc(rule.id)}"${open}><summary><span class="badge ${status}">${status.toUpperCase()}</span><span class="id">${esc(rule.id)}</span> — ${esc(rule.title)} <span class="meta">(${esc(meta)})</span></summary>${inner.join('\n') || `<p class="meta">${esc(meta)}</p>`}</details>`;
}

function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
