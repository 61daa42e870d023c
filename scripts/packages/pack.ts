// Packs built workspaces into tarballs with npm itself, so the files, names and manifest are
// exactly what `npm publish` would upload.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../generate/repo-root.ts';
import type { Workspace } from './workspaces.ts';

const run = promisify(execFile);

/** Where `npm run pack` writes the tarballs. */
export const PACKAGES_DIR = join(REPO_ROOT, 'dist', 'packages');

export interface PackedFile {
  name: string;
  version: string;
  /** The tarball's absolute path. */
  path: string;
  /** Bytes of the tarball, and of its files unpacked. */
  size: number;
  unpackedSize: number;
  files: string[];
}

export async function packWorkspace(workspace: Workspace, destination: string = PACKAGES_DIR): Promise<PackedFile> {
  await mkdir(destination, { recursive: true });
  const { stdout } = await run('npm', ['pack', '--json', '--workspace', workspace.name, '--pack-destination', destination], {
    cwd: REPO_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [packed] = JSON.parse(stdout) as Array<{ name: string; version: string; filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>;
  return {
    name: packed.name,
    version: packed.version,
    path: join(destination, packed.filename),
    size: packed.size,
    unpackedSize: packed.unpackedSize,
    files: packed.files.map((f) => f.path),
  };
}
