import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

// Starting and stopping the servers under test. Each runs in its own process so that the load
// generator (autocannon, in the benchmark's process) never shares an event loop with it.

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROCESSES = new URL('../processes/', import.meta.url);

/** A server child with an IPC channel (our own entries under bench/processes/). */
export interface IpcServer {
  readonly origin: string;
  readonly ready: Record<string, unknown>;
  readonly pid: number;
  /** Sends a message and resolves with the child's next reply. */
  ask<T>(message: unknown): Promise<T>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
/** A crashed run must not leave servers behind. */
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startIpcServer(entry: string, args: string[] = [], firstMessage?: unknown): Promise<IpcServer> {
  const child = fork(fileURLToPath(new URL(entry, PROCESSES)), args, {
    cwd: REPO_ROOT,
    // tsx as a loader (Node 20 cannot strip types); --expose-gc so memory is read after a full GC.
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  if (firstMessage !== undefined) child.send(firstMessage as object);
  const ready = await Promise.race([
    once(child, 'message').then(([message]) => message as Record<string, unknown>),
    once(child, 'exit').then(([code]) => {
      throw new Error(`${entry} exited with code ${code} before it was ready: ${stderr.trim().slice(-2000)}`);
    }),
  ]);
  return {
    origin: ready.origin as string,
    ready,
    pid: child.pid as number,
    async ask<T>(message: unknown) {
      const reply = once(child, 'message');
      child.send(message as object);
      return (await reply)[0] as T;
    },
    stop: () => stopChild(child, () => child.disconnect()),
  };
}

export interface ExternalServer {
  readonly origin: string;
  readonly pid: number;
  /** Milliseconds from spawn to the first answer. */
  readonly startupMs: number;
  stop(): Promise<void>;
}

/**
 * Spawns a server we do not control (Prism) and polls `probePath` until it answers anything
 * at all, or gives up after `timeoutMs`.
 */
export async function startExternalServer(
  command: string,
  args: string[],
  port: number,
  probePath: string,
  timeoutMs = 60_000,
): Promise<ExternalServer> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.resume();
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const origin = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${command} exited before it answered: ${stderr.trim().slice(-2000)}`);
    if (performance.now() - started > timeoutMs) {
      await stopChild(child, () => child.kill('SIGTERM'));
      throw new Error(`${command} did not answer on ${origin}${probePath} within ${timeoutMs / 1000} s`);
    }
    try {
      await fetch(origin + probePath, { signal: AbortSignal.timeout(1000) }).then((r) => r.arrayBuffer());
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    origin,
    pid: child.pid as number,
    startupMs: Math.round(performance.now() - started),
    stop: () => stopChild(child, () => child.kill('SIGTERM')),
  };
}

async function stopChild(child: ChildProcess, ask: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    running.delete(child);
    return;
  }
  const exited = once(child, 'exit');
  ask();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  running.delete(child);
}
