// What the interop checks share: running a pinned tool of node_modules as a child process (so its
// banners, warnings and crashes stay out of our process and are shown only when it fails), and
// the version each tool reports in its package.json.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../generate/repo-root.ts';

export interface ToolRun {
  code: number;
  output: string;
}

/** Runs `node_modules/.bin/<bin>` (or `node` with a script when `bin` is `node`); never throws for a non-zero exit. */
export function runTool(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<ToolRun> {
  const file = bin === 'node' ? process.execPath : join(REPO_ROOT, 'node_modules', '.bin', bin);
  return new Promise((resolve) => {
    execFile(file, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      maxBuffer: 64 << 20,
      timeout: 120_000,
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim() });
    });
  });
}

/**
 * The script behind `bin` of the installed package `name`. Two packages may declare the same bin
 * name (openapi-typescript-codegen and @redocly/cli both declare `openapi`), and which one
 * node_modules/.bin links then depends on the install; the package's own manifest does not.
 */
export function packageBin(name: string, bin: string): string {
  const folder = join(REPO_ROOT, 'node_modules', name);
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const script = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[bin];
  if (!script) throw new Error(`${name} declares no bin ${bin}`);
  return join(folder, script);
}

/** `name@version` of an installed package, read from its package.json. */
export function toolVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return `${name}@${manifest.version}`;
}

/** The last lines of a tool's output, for a failure message. */
export function tail(output: string, lines = 15): string {
  return output.split('\n').slice(-lines).map((line) => `    ${line}`).join('\n');
}
