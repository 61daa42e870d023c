import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Contract } from '../contract-tests/src/spec/contract.ts';
import { AUDIT_SECRETS, LEAK_AUDIT_ENV } from '../mock/src/leak-audit.ts';

// The secret audit of a whole test run (issue 7, secret hygiene). While the run lasts, every
// reference server records each secret it issues and copies its log lines under the audit
// directory (mock/src/leak-audit.ts, switched on by HERALD_LEAK_AUDIT_DIR); the conformance
// runs' reports are copied there too. Afterwards this searches every log, every copied report
// and everything under reports/ for every recorded secret: any hit fails.
//
//   tsx scripts/audit-secret-leaks.ts [--dir DIR] -- <command…>   empties DIR, runs the command
//                                                                  with the audit on, then audits
//   tsx scripts/audit-secret-leaks.ts [--dir DIR]                  audits DIR as it is
//
// A key's first characters are its public display prefix (the spec's KeyPrefix: what a list or
// a log may show); what follows is the secret part. A hit is any 20 consecutive characters of a
// secret part, anywhere.

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_AUDIT_DIR = join(REPO_ROOT, 'reports', 'leak-audit');
const PUBLIC_PREFIX = Contract.load().keyFormat.listedPrefixLength;
const WINDOW = 20;

export interface LeakHit {
  file: string;
  /** The public prefix of the secret found (never the secret). */
  prefix: string;
}

export interface AuditResult {
  secrets: number;
  files: number;
  bytes: number;
  hits: LeakHit[];
}

/** Every secret the servers of the run recorded. */
export function recordedSecrets(auditDir: string): string[] {
  const dir = join(auditDir, AUDIT_SECRETS);
  if (!existsSync(dir)) return [];
  const secrets = new Set<string>();
  for (const name of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) if (line.length > PUBLIC_PREFIX + WINDOW) secrets.add(line);
  }
  return [...secrets];
}

/** Every file under `path`, except the records of issued secrets (this audit's or an earlier one's). */
function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name !== AUDIT_SECRETS)
    .flatMap((name) => filesUnder(join(path, name)));
}

/**
 * Searches `places` (files or folders; records of issued secrets excepted)
 * for any 20-character window of any secret's secret part.
 */
export function auditSecretLeaks(auditDir: string, places: string[], secrets = recordedSecrets(auditDir)): AuditResult {
  const windows = new Map<string, string>();
  for (const secret of secrets) {
    const part = secret.slice(PUBLIC_PREFIX);
    for (let i = 0; i + WINDOW <= part.length; i++) windows.set(part.slice(i, i + WINDOW), secret.slice(0, PUBLIC_PREFIX));
  }
  const files = [...new Set(places.flatMap((place) => filesUnder(resolve(place))))];
  const hits: LeakHit[] = [];
  let bytes = 0;
  const run = new RegExp(`[0-9A-Za-z]{${WINDOW},}`, 'g');
  for (const file of files) {
    const text = readFileSync(file).toString('latin1');
    bytes += text.length;
    const found = new Set<string>();
    for (const match of text.matchAll(run)) {
      const chars = match[0];
      for (let i = 0; i + WINDOW <= chars.length; i++) {
        const prefix = windows.get(chars.slice(i, i + WINDOW));
        if (prefix !== undefined && !found.has(prefix)) {
          found.add(prefix);
          hits.push({ file, prefix });
        }
      }
    }
  }
  return { secrets: secrets.length, files: files.length, bytes, hits };
}

function parseArgs(argv: string[]): { dir: string; command: string[] } {
  const split = argv.indexOf('--');
  const own = split < 0 ? argv : argv.slice(0, split);
  const command = split < 0 ? [] : argv.slice(split + 1);
  const at = own.indexOf('--dir');
  return { dir: resolve(at >= 0 ? own[at + 1] : DEFAULT_AUDIT_DIR), command };
}

function runCommand(command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done) => {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env, shell: process.platform === 'win32' });
    child.on('close', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<void> {
  const { dir, command } = parseArgs(process.argv.slice(2));
  let commandCode = 0;
  if (command.length > 0) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    commandCode = await runCommand(command, { ...process.env, [LEAK_AUDIT_ENV]: dir });
  }
  // The audit directory (logs and copied reports) and whatever else the run left in reports/.
  const places = [dir, join(REPO_ROOT, 'reports')];
  const result = auditSecretLeaks(dir, places);
  const where = relative(REPO_ROOT, dir) || dir;
  process.stdout.write(
    `\nsecret audit (${where}): ${result.secrets} secrets issued during the run, ${result.files} files scanned ` +
      `(${(result.bytes / 1e6).toFixed(1)} MB of logs and reports), ${result.hits.length} secrets found\n`,
  );
  for (const hit of result.hits) process.stdout.write(`  LEAK: ${hit.prefix}… in ${relative(REPO_ROOT, hit.file)}\n`);
  if (result.secrets === 0) {
    process.stdout.write(`  no secret was recorded: was ${LEAK_AUDIT_ENV} passed to the servers? The audit proves nothing without them.\n`);
  }
  const failed = result.hits.length > 0 || result.secrets === 0;
  process.exit(commandCode !== 0 ? commandCode : failed ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
