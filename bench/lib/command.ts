import { spawn } from 'node:child_process';
import { REPO_ROOT } from './child.ts';

// Runs one of the project's commands the way its npm script does (tsx on the script, minus
// npm's own start-up), timing it from spawn to exit.

export interface TimedRun {
  wallMs: number;
  exitCode: number;
  /** The last lines of its output, for error messages. */
  tail: string;
}

export async function runTsxScript(script: string, args: string[], timeoutMs = 180_000): Promise<TimedRun> {
  const started = performance.now();
  const child = spawn(`${REPO_ROOT}node_modules/.bin/tsx`, [script, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...cleanEnvironment(), NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exitCode: number = await new Promise((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  clearTimeout(timer);
  return { wallMs: performance.now() - started, exitCode, tail: output.split('\n').slice(-12).join('\n') };
}

/** This process's environment without HERALD_* variables: the run is configured by its flags alone. */
function cleanEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('HERALD_')));
}
