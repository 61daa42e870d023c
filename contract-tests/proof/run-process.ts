import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUDIT_REPORTS, LEAK_AUDIT_ENV } from '../../mock/src/leak-audit.ts';
import { writeEnvFile } from '../../mock/src/testing.ts';
import type { RunResult } from '../src/results.ts';

/**
 * Runs the suite the way a user does — its command in a child process, as `npm run contract`
 * starts it — and reads back its JSON result.
 */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const CONTRACT_COMMAND = ['--import', 'tsx', '--', CLI];
const TSX = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

export interface ProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SuiteRun extends ProcessRun {
  result?: RunResult;
  /** Where the run's reports (and env file) were written; removed by `cleanup()`. */
  dir: string;
  cleanup(): void;
}

/** The process environment without any HERALD_ variable, so runs see only what they are given. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('HERALD_')) env[name] = value;
  return { ...env, NO_COLOR: '1', ...extra };
}

export function runProcess(command: string, args: string[], env: Record<string, string> = {}, timeoutMs = 240_000): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Writes `env` as a `NAME=value` file, as `npm start -- --env-out FILE` does. */
/**
 * `herald-contract` with these arguments; `env` is written to an --env-file (as `npm start --
 * --env-out` would) unless `asEnvironment` is set, and the JSON result is read back.
 */
export async function runContract(args: string[], env: Record<string, string>, options: { asEnvironment?: boolean } = {}): Promise<SuiteRun> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-contract-'));
  const resultFile = join(dir, 'result.json');
  const envFile = join(dir, 'target.env');
  writeEnvFile(envFile, env);
  // `{dir}` in an argument stands for the run's temporary directory (for report paths).
  const fullArgs = [...CONTRACT_COMMAND, ...(options.asEnvironment ? [] : ['--env-file', envFile]), '--json', resultFile, ...args.map((a) => a.replaceAll('{dir}', dir))];
  const run = await runProcess(process.execPath, fullArgs, options.asEnvironment ? env : {});
  let result: RunResult | undefined;
  try {
    result = JSON.parse(readFileSync(resultFile, 'utf8')) as RunResult;
  } catch {
    result = undefined;
  }
  const cleanup = () => {
    keepForSecretAudit(basename(dir), run, dir);
    rmSync(dir, { recursive: true, force: true });
  };
  return { ...run, result, dir, cleanup };
}

export async function runDredd(args: string[], env: Record<string, string>): Promise<ProcessRun> {
  const run = await runProcess(process.execPath, [TSX, join(REPO_ROOT, 'contract-tests', 'dredd', 'run.ts'), ...args], env);
  keepForSecretAudit(`dredd-${process.pid}-${Date.now()}`, run);
  return run;
}

/**
 * In an audited test run (HERALD_LEAK_AUDIT_DIR set, see mock/src/leak-audit.ts), a copy of what a
 * run printed and wrote (summary, JUnit, HTML, JSON, env file aside) goes to the audit, which
 * searches it for every secret the run's servers issued (scripts/audit-secret-leaks.ts).
 */
function keepForSecretAudit(name: string, run: ProcessRun, reportsDir?: string): void {
  const auditDir = process.env[LEAK_AUDIT_ENV];
  if (!auditDir) return;
  const target = join(auditDir, AUDIT_REPORTS, name);
  mkdirSync(target, { recursive: true });
  writeFileSync(join(target, 'stdout.txt'), run.stdout);
  writeFileSync(join(target, 'stderr.txt'), run.stderr);
  // The env file holds the keys the run was given, on purpose; everything else must not.
  if (reportsDir) cpSync(reportsDir, target, { recursive: true, filter: (source) => !source.endsWith('.env') });
}

export function failedRules(result: RunResult | undefined): string[] {
  return (result?.rules ?? []).filter((r) => r.status === 'fail').map((r) => r.id);
}

