import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LogSink } from './logging.ts';

// A test-only harness, off unless HERALD_LEAK_AUDIT_DIR is set: every reference server of a test
// run — in the test processes, in `npm start` children, anywhere `buildServer` runs — copies
// each log line it writes (after redaction, exactly as written) into a file of its own under
// `<dir>/logs/`, and every secret it issues (seeded fixture keys, create, regenerate) into
// `<dir>/issued-secrets/`. When the run is over, `scripts/audit-secret-leaks.ts` searches every
// log and report of the whole run for every one of those secrets. Files are appended with
// synchronous writes, so nothing is lost when a child process is killed.

export const LEAK_AUDIT_ENV = 'HERALD_LEAK_AUDIT_DIR';
export const AUDIT_LOGS = 'logs';
/** Its name marks it: the audit never searches a folder of this name (the secrets are there on purpose). */
export const AUDIT_SECRETS = 'issued-secrets';
/** Where test harnesses copy the reports (JUnit, HTML, JSON, summaries) of conformance runs. */
export const AUDIT_REPORTS = 'reports';

export interface LeakAudit {
  /** The sink, plus a copy of every line in this server's audit log file. */
  teeLog(sink: LogSink): LogSink;
  recordSecret(secret: string): void;
  close(): void;
}

let servers = 0;

/** The audit of one server, writing under `dir`. */
export function createLeakAudit(dir: string): LeakAudit {
  const name = `${process.pid}-${++servers}-${randomBytes(3).toString('hex')}`;
  let logFd: number | undefined;
  let secretFd: number | undefined;
  const open = (folder: string, extension: string) => {
    mkdirSync(join(dir, folder), { recursive: true });
    return openSync(join(dir, folder, `${name}.${extension}`), 'a');
  };
  return {
    teeLog(sink) {
      return (line) => {
        sink(line);
        logFd ??= open(AUDIT_LOGS, 'log');
        writeSync(logFd, line);
      };
    },
    recordSecret(secret) {
      secretFd ??= open(AUDIT_SECRETS, 'txt');
      writeSync(secretFd, `${secret}\n`);
    },
    close() {
      for (const fd of [logFd, secretFd]) if (fd !== undefined) closeSync(fd);
      logFd = secretFd = undefined;
    },
  };
}

/** The audit the environment asks for, or null (the default: no audit). */
export function leakAuditFromEnvironment(env: NodeJS.ProcessEnv = process.env): LeakAudit | null {
  const dir = env[LEAK_AUDIT_ENV];
  return dir ? createLeakAudit(dir) : null;
}
