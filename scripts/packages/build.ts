// Builds a package into its dist/: compile (tsc, the pinned TypeScript), then copy the repository
// files it ships. dist/ is emptied first, so nothing from an earlier build lingers in a tarball.
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../generate/repo-root.ts';
import type { Workspace } from './workspaces.ts';

const run = promisify(execFile);
const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

export class BuildError extends Error {
  override name = 'BuildError';
}

export async function buildWorkspace(workspace: Workspace): Promise<void> {
  const folder = join(REPO_ROOT, workspace.folder);
  await rm(join(folder, 'dist'), { recursive: true, force: true });
  if (workspace.compiled) {
    try {
      await run(process.execPath, [TSC, '-p', join(folder, 'tsconfig.build.json')], { cwd: REPO_ROOT });
    } catch (error) {
      const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`.trim();
      throw new BuildError(`${workspace.name}: tsc failed\n${output || (error as Error).message}`);
    }
    await rewriteDeclarationSpecifiers(join(folder, 'dist'));
  }
  for (const asset of workspace.assets) {
    const target = join(folder, asset.to);
    await mkdir(dirname(target), { recursive: true });
    if (asset.transform) await writeFile(target, asset.transform(await readFile(join(REPO_ROOT, asset.from), 'utf8')));
    else await cp(join(REPO_ROOT, asset.from), target);
  }
}

/**
 * tsc's rewriteRelativeImportExtensions turns `./x.ts` into `./x.js` in the JavaScript it emits,
 * but leaves the `.ts` in declaration files, where a consumer's compiler would look for a `.ts`
 * file the package does not ship. Rewrite them as the JavaScript was.
 */
async function rewriteDeclarationSpecifiers(dist: string): Promise<void> {
  for (const entry of await readdir(dist, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    const text = await readFile(path, 'utf8');
    const rewritten = text.replace(/(\bfrom\s*|\bimport\s*\(\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g, '$1$2$3.js$2');
    if (rewritten !== text) await writeFile(path, rewritten);
  }
}
