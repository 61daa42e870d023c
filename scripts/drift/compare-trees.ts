// Byte-for-byte comparison of the generated paths under two roots: the repository (what is
// committed) and a fresh generate run. Names every file that differs, is missing or is extra.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface TreeDifference {
  /** Present in both, with different bytes. */
  differing: string[];
  /** In the repository but no longer produced by generate. */
  stale: string[];
  /** Produced by generate but not in the repository. */
  missing: string[];
}

export async function compareTrees(committedRoot: string, regeneratedRoot: string, paths: string[]): Promise<TreeDifference> {
  const committed = await listFiles(committedRoot, paths);
  const regenerated = await listFiles(regeneratedRoot, paths);
  const differing: string[] = [];
  for (const file of committed) {
    if (!regenerated.has(file)) continue;
    const [a, b] = await Promise.all([readFile(join(committedRoot, file)), readFile(join(regeneratedRoot, file))]);
    if (!a.equals(b)) differing.push(file);
  }
  return {
    differing,
    stale: [...committed].filter((file) => !regenerated.has(file)),
    missing: [...regenerated].filter((file) => !committed.has(file)),
  };
}

export function hasDifferences(difference: TreeDifference): boolean {
  return difference.differing.length + difference.stale.length + difference.missing.length > 0;
}

/** Files under `paths` (files or folders, relative to root), as sorted relative paths with `/`. */
async function listFiles(root: string, paths: string[]): Promise<Set<string>> {
  const files: string[] = [];
  const visit = async (relative: string) => {
    const info = await stat(join(root, relative)).catch(() => undefined);
    if (!info) return;
    if (info.isDirectory()) {
      for (const entry of await readdir(join(root, relative))) await visit(`${relative}/${entry}`);
    } else files.push(relative);
  };
  for (const path of paths) await visit(path);
  return new Set(files.sort());
}
