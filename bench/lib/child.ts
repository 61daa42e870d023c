import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// Starting and stopping the servers under test. Each runs in its own process so that the load
// generator (autocannon, in the benchmark's process) never shares an event loop with it, and each
// is plain node running JavaScript: no tsx loader and no IPC channel in a measured process.

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROCESSES = new URL('../processes/', import.meta.url);

export interface ServerChild {
  readonly origin: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** A child of ours (bench/processes/*.mjs): a JSON line when it is ready, one JSON line per command. */
export interface ScriptServer extends ServerChild {
  readonly ready: Record<string, unknown>;
  /** Writes a command line to its stdin and resolves with the JSON line it answers. */
  ask<T>(command: string): Promise<T>;
}

/** `herald-mock`, the package's CLI: ready once it wrote its `--env-out` file. */
export interface CliServer extends ServerChild {
  /** The variables of its `--env-out` file. */
  readonly env: Record<string, string>;
}

const running = new Set<ChildProcess>();
/** A crashed run must not leave servers behind. */
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startScriptServer(script: string, args: string[] = [], nodeOptions: string[] = []): Promise<ScriptServer> {
  const child = spawn(process.execPath, [...nodeOptions, fileURLToPath(new URL(script, PROCESSES)), ...args], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  const stderr = collect(child);
  const lines = createInterface({ input: child.stdout! });
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const nextLine = () => new Promise<string>((resolve) => waiting.push(resolve));
  const ready = await Promise.race([
    nextLine().then((line) => JSON.parse(line) as Record<string, unknown>),
    exited(child, script, stderr),
  ]);
  return {
    origin: ready.origin as string,
    ready,
    pid: child.pid as number,
    async ask<T>(command: string) {
      const answer = nextLine();
      child.stdin!.write(`${command}\n`);
      return JSON.parse(await answer) as T;
    },
    // Closing its stdin asks it to close its server and exit.
    stop: () => stopChild(child, () => child.stdin!.end()),
  };
}

/** `node CLI ARGS --env-out FILE`, polled until the file is written. */
export async function startCliServer(cli: string, args: string[], timeoutMs = 60_000): Promise<CliServer> {
  const folder = mkdtempSync(join(tmpdir(), 'herald-bench-cli-'));
  const envFile = join(folder, 'herald.env');
  const child = spawn(process.execPath, [cli, ...args, '--env-out', envFile], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  const stderr = collect(child);
  const started = performance.now();
  try {
    let text = '';
    // The file is written in one go; until it ends with a newline it may be empty or half there.
    while (!text.endsWith('\n')) {
      if (child.exitCode !== null) await exited(child, 'herald-mock', stderr);
      if (performance.now() - started > timeoutMs) throw new Error(`herald-mock did not start within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      text = existsSync(envFile) ? readFileSync(envFile, 'utf8') : '';
    }
    const env = Object.fromEntries(
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    return {
      origin: new URL(env.HERALD_BASE_URL).origin,
      env,
      pid: child.pid as number,
      stop: () => stopChild(child, () => child.kill('SIGTERM')),
    };
  } catch (error) {
    await stopChild(child, () => child.kill('SIGTERM'));
    throw error;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function collect(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (chunk) => (text = (text + chunk).slice(-4000)));
  return () => text.trim();
}

async function exited(child: ChildProcess, what: string, stderr: () => string): Promise<never> {
  const [code] = child.exitCode !== null ? [child.exitCode] : await once(child, 'exit');
  throw new Error(`${what} exited with code ${code} before it was ready: ${stderr().slice(-2000)}`);
}

export async function stopChild(child: ChildProcess, ask: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    running.delete(child);
    return;
  }
  const exit = once(child, 'exit');
  ask();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exit;
  clearTimeout(timer);
  running.delete(child);
}
