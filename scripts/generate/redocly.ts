// Runs the pinned Redocly CLI (node_modules/@redocly/cli) as a child process. Redocly's own
// telemetry is off in redocly.yaml; the environment says so too, so that a run never reaches
// the network even with another config, and its update notice stays out of our output.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const cliPath = join(dirname(require.resolve('@redocly/cli/package.json')), 'bin', 'cli.js');

export interface RedoclyOutput {
  stdout: string;
  /** Progress lines and the CLI's banners go here. */
  stderr: string;
}

export async function runRedocly(args: string[], cwd: string): Promise<RedoclyOutput> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cliPath, ...args], {
      cwd,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      maxBuffer: 64 << 20,
    });
    return { stdout, stderr };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`redocly ${args.join(' ')} failed:\n${failure.stdout ?? ''}${failure.stderr ?? failure.message}`);
  }
}
