import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { runProcess } from '../../../contract-tests/proof/run-process.ts';
import { AUDIT_REPORTS, LEAK_AUDIT_ENV } from '../../../mock/src/leak-audit.ts';
import { heraldSource, type ArazzoFile } from '../../arazzo/arazzo-documents.ts';

// Runs Herald's Arazzo workflows with the pinned `redocly respect` (@redocly/cli in
// devDependencies), the way openapi/arazzo/README.md tells users to: the target's variables (the
// NAME=value pairs `npm start -- --env-out` writes) become Respect inputs, HERALD_BASE_URL
// becomes the server of the Herald source description.

const require = createRequire(import.meta.url);
const CLI = join(dirname(require.resolve('@redocly/cli/package.json')), 'bin', 'cli.js');

/**
 * Respect's schema check compiles response schemas with ajv's `discriminator` keyword, which
 * refuses the spec's Problem schema (a discriminator on a base schema that each problem extends
 * with allOf, valid OpenAPI; ajv wants a oneOf beside it): every problem+json response fails the
 * check with "discriminator: requires oneOf or anyOf composite keyword" before its body is
 * validated. So schema checks are warnings, and `schemaWarnings` below tells that one known
 * warning from any other (the tests fail on any other).
 */
export const RESPECT_SEVERITY = '{"SCHEMA_CHECK":"warn"}';
export const DISCRIMINATOR_WARNING = 'discriminator: requires oneOf or anyOf composite keyword';

/** What `--json-output` writes (the parts the tests read). */
export interface RespectCheck {
  name: string;
  passed: boolean;
  message: string;
  severity: string;
}
export interface RespectStep {
  type: 'step' | 'workflow';
  stepId?: string;
  workflowId?: string;
  status: string;
  checks?: RespectCheck[];
  response?: { statusCode: number; headers?: Record<string, string> };
  executedSteps?: RespectStep[];
}
export interface RespectWorkflow {
  workflowId: string;
  status: string;
  totalRequests: number;
  executedSteps: RespectStep[];
}
export interface RespectLog {
  status: string;
  /** Milliseconds Respect spent running the files (its start-up aside). */
  totalTime: number;
  files: Record<string, { totalRequests: number; executedWorkflows: RespectWorkflow[] }>;
}

export interface RespectRun {
  code: number;
  stdout: string;
  stderr: string;
  log?: RespectLog;
  /** The run's workflows, from its JSON log. */
  workflows: RespectWorkflow[];
  /** Where the JSON log, the HAR file and the output (stdout.txt, stderr.txt) were written; removed by `cleanup`. */
  dir: string;
  durationMs: number;
  /**
   * Removes `dir`, first copying the files named (all by default) to the run's secret audit,
   * if there is one.
   */
  cleanup(audited?: RespectOutput[]): void;
}

/** The files of a run's folder. */
export const RESPECT_OUTPUTS = ['respect.json', 'respect.har', 'stdout.txt', 'stderr.txt'] as const;
export type RespectOutput = (typeof RESPECT_OUTPUTS)[number];

export interface RespectOptions {
  file: ArazzoFile;
  /** The target's variables: HERALD_BASE_URL and whichever keys and URLs it has. */
  target: Record<string, string>;
  /** Run only these workflows. */
  workflows?: string[];
  verbose?: boolean;
  timeoutMs?: number;
}

/**
 * `redocly respect FILE` against a target, with a JSON log and a HAR file in a fresh folder.
 * The inputs go through REDOCLY_CLI_RESPECT_INPUT (the environment form of `--input`), which
 * keeps the keys out of the process list.
 */
export async function runRespect(options: RespectOptions): Promise<RespectRun> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-respect-'));
  const jsonLog = join(dir, 'respect.json');
  const source = heraldSource(options.file.document);
  const args = [
    CLI, 'respect', options.file.path,
    '--server', `${source.name}=${options.target.HERALD_BASE_URL}`,
    '--severity', RESPECT_SEVERITY,
    '--json-output', jsonLog,
    '--har-output', join(dir, 'respect.har'),
    ...(options.verbose ? ['--verbose'] : []),
    ...(options.workflows ? ['--workflow', ...options.workflows] : []),
  ];
  const started = performance.now();
  const run = await runProcess(process.execPath, args, {
    REDOCLY_CLI_RESPECT_INPUT: respectInput(options.target),
    REDOCLY_TELEMETRY: 'off',
    REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  }, options.timeoutMs ?? 120_000);
  const durationMs = performance.now() - started;
  // Beside the JSON log and the HAR file, so that one folder holds everything the run showed.
  writeFileSync(join(dir, 'stdout.txt'), run.stdout);
  writeFileSync(join(dir, 'stderr.txt'), run.stderr);
  const log = existsSync(jsonLog) ? (JSON.parse(readFileSync(jsonLog, 'utf8')) as RespectLog) : undefined;
  const workflows = Object.values(log?.files ?? {}).flatMap((file) => file.executedWorkflows);
  return {
    ...run,
    log,
    workflows,
    dir,
    durationMs,
    cleanup: (audited = [...RESPECT_OUTPUTS]) => {
      keepForSecretAudit(dir, `respect-${basename(dir)}`, audited);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `NAME=value,NAME=value`: the form REDOCLY_CLI_RESPECT_INPUT (and `--input`) takes. */
export function respectInput(target: Record<string, string>): string {
  for (const [name, value] of Object.entries(target)) {
    if (/[,=]/.test(value)) throw new Error(`${name}: Respect cannot take a value with "," or "=" as an input`);
  }
  return Object.entries(target).map(([name, value]) => `${name}=${value}`).join(',');
}

/**
 * Every step the workflow ran, in order, a step repeated by a `goto` once per run (Respect logs
 * a `goto` as a nested run of the workflow from the target step).
 */
export function executedSteps(workflow: { executedSteps?: RespectStep[] }): RespectStep[] {
  return (workflow.executedSteps ?? []).flatMap((step) => (step.type === 'workflow' ? executedSteps(step) : [step]));
}

/** The failed checks of a workflow's steps that are not warnings, each with its step. */
export function failedChecks(workflow: RespectWorkflow): Array<{ stepId: string; check: RespectCheck }> {
  return executedSteps(workflow).flatMap((step) => (step.checks ?? [])
    .filter((check) => !check.passed && check.severity === 'error')
    .map((check) => ({ stepId: step.stepId ?? '?', check })));
}

/** The schema-check warnings of a workflow, each with the status of the response it was about. */
export function schemaWarnings(workflow: RespectWorkflow): Array<{ stepId: string; status?: number; message: string }> {
  return executedSteps(workflow).flatMap((step) => (step.checks ?? [])
    .filter((check) => !check.passed && check.severity === 'warn')
    .map((check) => ({ stepId: step.stepId ?? '?', status: step.response?.statusCode, message: check.message })));
}

/**
 * In an audited test run (HERALD_LEAK_AUDIT_DIR, see mock/src/leak-audit.ts) Respect's output,
 * JSON log and HAR file go to the audit, which searches them for every secret the run's servers
 * issued (scripts/audit-secret-leaks.ts).
 */
function keepForSecretAudit(dir: string, name: string, files: RespectOutput[]): void {
  const auditDir = process.env[LEAK_AUDIT_ENV];
  if (!auditDir) return;
  const target = join(auditDir, AUDIT_REPORTS, name);
  mkdirSync(target, { recursive: true });
  for (const file of files) if (existsSync(join(dir, file))) cpSync(join(dir, file), join(target, file));
}

/**
 * Respect's output without the code frames of its schema-check messages: a failed schema check
 * quotes the response body around the error as received, unmasked (Respect 2.77 masks the rest
 * of what it prints). Only a target that shows a secret where its schema forbids one puts a
 * secret there.
 */
export function withoutCodeFrames(output: string): string {
  return output.split('\n').filter((line) => !/^\s*(>\s*)?\d+ \|/.test(line) && !/^\s*\|\s*\^/.test(line)).join('\n');
}
