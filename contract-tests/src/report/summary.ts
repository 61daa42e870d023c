import { shapeRedactor } from '../redact.ts';
import { EXIT, type RenderedExchange, type RuleResult, type RunResult } from '../results.ts';
import { renderCoverageTable } from './coverage-table.ts';

const MARK = { pass: '✓', fail: '✗', skip: '-', error: '!' } as const;
const WORD = { pass: 'pass', fail: 'FAIL', skip: 'skip', error: 'ERROR' } as const;

export interface SummaryOptions {
  color?: boolean;
  /** Failures shown in full per rule (the rest are counted). */
  detailsPerRule?: number;
}

/**
 * The console report: every checked rule by group with its outcome, the skipped ones folded to one
 * line per reason, each failure with its exchange and a curl command that reproduces it, the
 * coverage matrix, what the run cleaned up, and the totals. The `Result:` line is apart
 * (`resultLine`): the command prints it last, after every report is written.
 */
export function renderSummary(result: RunResult, options: SummaryOptions = {}): string {
  const paint = painter(options.color ?? false);
  const perRule = options.detailsPerRule ?? 3;
  const out: string[] = [];
  out.push(paint.bold(`Herald conformance suite — ${result.target} (profile ${result.profile})`));
  if (result.seed !== undefined) out.push(`Seed ${result.seed} (schema-derived input; --seed ${result.seed} draws the same cases)`);
  out.push('');

  // A run that never started (bad key, unreachable target) has nothing to say per rule.
  const started = result.totals.requests > 0 || result.errors.length === 0;
  const checked = result.rules.filter((r) => r.status !== 'skip');
  const width = Math.max(...result.rules.map((r) => r.id.length)) + 2;
  let group = '';
  for (const rule of started ? checked : []) {
    if (rule.group !== group) {
      group = rule.group;
      out.push(paint.bold(group));
    }
    const mark = paint[rule.status](`${MARK[rule.status]} ${WORD[rule.status].padEnd(5)}`);
    const detail = rule.status === 'error'
      ? `could not be checked: ${rule.errors.length} error(s)`
      : `${rule.checks} check${rule.checks === 1 ? '' : 's'}${rule.failed > 0 ? `, ${rule.failed} failed` : ''}`;
    out.push(`  ${mark} ${rule.id.padEnd(width)}${detail}`);
  }
  const skipped = result.rules.filter((r) => r.status === 'skip');
  if (started && skipped.length > 0) {
    out.push(paint.bold(`skipped (${skipped.length})`));
    const byReason = new Map<string, string[]>();
    for (const rule of skipped) {
      const reason = rule.skipReasons.join('; ');
      byReason.set(reason, [...(byReason.get(reason) ?? []), rule.id]);
    }
    for (const [reason, ids] of byReason) out.push(`  ${paint.skip(`${MARK.skip} skip `)} ${reason}: ${ids.join(', ')}`);
  }

  const failing = result.rules.filter((r) => r.status === 'fail');
  if (failing.length > 0) {
    out.push('', paint.bold('Failures'));
    for (const rule of failing) out.push(...renderFailures(rule, perRule, paint));
  }
  const errored = result.rules.filter((r) => r.status === 'error');
  if (result.errors.length > 0 || errored.length > 0) {
    out.push('', paint.bold('Errors (the runner itself could not check everything; these are not verdicts on the target)'));
    for (const error of result.errors) out.push(`  ${paint.error('!')} ${error}`);
    for (const rule of errored) for (const error of rule.errors) out.push(`  ${paint.error('!')} ${rule.id}: ${error}`);
  }
  if (result.coverage && started) out.push('', ...renderCoverageTable(result.coverage));

  const t = result.totals;
  out.push('');
  if (result.stopped) out.push(paint.error(`Stopped: ${result.stopped.message}`));
  if (result.cleanup) {
    const c = result.cleanup;
    const clock = c.clockAdvancedSeconds > 0 ? `; the test clock, moved ${c.clockAdvancedSeconds} s, ${c.clockRestored ? 'moved back' : 'NOT moved back'}` : '';
    out.push(`Cleanup: revoked ${c.revoked} of the ${c.created} keys the run created${c.leftActive > 0 ? ` (${c.leftActive} left active, expiring within the hour)` : ''}${clock}`);
    for (const note of c.notes) out.push(`  ${note}`);
  }
  if (started) out.push(`${result.rules.length} rules: ${t.rules.pass} passed, ${t.rules.fail} failed, ${t.rules.skip} skipped, ${t.rules.error} errors`);
  const deliberate = t.failedAuthenticationsByGroup?.throttle ?? 0;
  const failedAuth = `${t.failedAuthentications} failed authentications${deliberate > 0 ? ` (${deliberate} of them sent by the throttle check, ${t.failedAuthentications - deliberate} by the rest)` : ''}`;
  const fuzz = result.fuzz ? `, ${result.fuzz.cases} schema-derived cases` : '';
  out.push(`${t.checks} checks (${t.failedChecks} failed), ${t.requests} requests${fuzz}, ${failedAuth}, ${(result.durationMs / 1000).toFixed(1)} s`);
  return shapeRedactor.redact(out.join('\n'));
}

/** `Result: PASS (exit 0)` — the command's last line, always in agreement with its exit code. */
export function resultLine(result: RunResult, color = false): string {
  const paint = painter(color);
  return `Result: ${verdictOf(result, paint)} (exit ${result.exitCode})`;
}

export function verdictText(result: RunResult): string {
  return verdictOf(result, painter(false));
}

function verdictOf(result: RunResult, paint: Painter): string {
  switch (result.exitCode) {
    case EXIT.ok:
      return paint.pass('PASS');
    case EXIT.failed:
      return paint.fail('FAIL: the target broke the contract');
    case EXIT.incomplete:
      return paint.error(result.failOnSkip ? 'INCOMPLETE: rules were skipped (--fail-on-skip)' : `INCOMPLETE: coverage ${result.coverage?.percent} % is below --min-coverage ${result.coverage?.minimum} %`);
    case EXIT.stopped:
      return paint.error('STOPPED: --max-time was reached before every rule ran');
    case EXIT.sigint:
    case EXIT.sigterm:
      return paint.error(`INTERRUPTED by ${result.stopped?.cause ?? 'a signal'}`);
    default:
      return paint.error('ERROR: the runner could not complete');
  }
}

function renderFailures(rule: RuleResult, perRule: number, paint: Painter): string[] {
  const out = ['', `${paint.fail(MARK.fail)} ${paint.bold(rule.id)} — ${rule.title}`];
  for (const failure of rule.failures.slice(0, perRule)) {
    out.push(`    ${failure.message}${failure.scenario ? `  [${failure.scenario}]` : ''}`);
    if (failure.exchange) out.push(...renderExchangeText(failure.exchange).map((line) => `      ${line}`));
  }
  const more = rule.failed - Math.min(perRule, rule.failures.length);
  if (more > 0) out.push(`    … and ${more} more failed check(s) of this rule (see --html or --junit for more)`);
  return out;
}

export function renderExchangeText(exchange: RenderedExchange): string[] {
  const lines = [`→ ${exchange.request.method} ${exchange.request.url}`];
  for (const [name, value] of exchange.request.headers) lines.push(`  ${name}: ${value}`);
  if (exchange.request.body !== undefined) lines.push(`  ${oneLine(exchange.request.body)}`);
  if (exchange.response) {
    lines.push(`← ${exchange.response.status}`);
    for (const [name, value] of Object.entries(exchange.response.headers)) lines.push(`  ${name}: ${value}`);
    if (exchange.response.body !== '') lines.push(`  ${oneLine(exchange.response.body)}`);
  } else {
    lines.push(`← no response: ${exchange.failure}`);
  }
  if (exchange.curl) lines.push('reproduce:', ...exchange.curl.split('\n').map((line) => `  ${line}`));
  return lines;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  return flat.length > 600 ? `${flat.slice(0, 600)}…` : flat;
}

type Painter = ReturnType<typeof painter>;

function painter(color: boolean) {
  const wrap = (code: string) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  return { pass: wrap('32'), fail: wrap('31'), skip: wrap('90'), error: wrap('35'), bold: wrap('1') };
}
