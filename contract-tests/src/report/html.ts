import { shapeRedactor } from '../redact.ts';
import type { RuleResult, RunResult } from '../results.ts';
import { renderExchangeText } from './summary.ts';

/**
 * A self-contained HTML report: inline styles, no script, nothing fetched from anywhere. Failing
 * rules open with each failure's message and the exchange that showed it.
 */
export function renderHtml(result: RunResult): string {
  const t = result.totals;
  const verdict = result.exitCode === 0 ? 'PASS' : result.exitCode === 1 ? 'FAIL — the target broke the contract' : 'ERROR — the runner could not complete';
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
    ['Requests', `${t.requests} (${t.failedAuthentications} failed authentications)`],
  ]) body.push(`<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`);
  body.push('</table>');

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
