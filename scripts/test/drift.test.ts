// The drift check names every file that differs, is missing or is extra, and fails on any.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, mkdir, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { compareTrees, hasDifferences } from '../drift/compare-trees.ts';
import { DOCS_FILE } from '../generate/docs.ts';
import { GENERATED_DIR } from '../generate/pipeline.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';

const run = promisify(execFile);
const dirs: string[] = [];
async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'herald-tree-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('compareTrees', () => {
  it('finds nothing between identical trees', async () => {
    const files = { 'generated/a.json': '{}\n', 'generated/sub/b.ts': 'x', 'docs/index.html': '<p>' };
    const difference = await compareTrees(await tree(files), await tree(files), ['generated', 'docs/index.html']);
    expect(difference).toEqual({ differing: [], stale: [], missing: [] });
    expect(hasDifferences(difference)).toBe(false);
  });

  it('names differing, stale and missing files, and ignores paths it was not asked about', async () => {
    const committed = await tree({
      'generated/same.txt': 'same',
      'generated/changed.txt': 'old',
      'generated/gone/old.ts': 'x',
      'docs/index.html': 'a',
      'other/ignored.txt': '1',
    });
    const regenerated = await tree({
      'generated/same.txt': 'same',
      'generated/changed.txt': 'new',
      'generated/new.ts': 'y',
      'docs/index.html': 'a ', // one byte more
      'other/ignored.txt': '2',
    });
    const difference = await compareTrees(committed, regenerated, ['generated', 'docs/index.html']);
    expect(difference).toEqual({
      differing: ['docs/index.html', 'generated/changed.txt'].sort(),
      stale: ['generated/gone/old.ts'],
      missing: ['generated/new.ts'],
    });
    expect(hasDifferences(difference)).toBe(true);
  });
});

describe('npm run check:drift', () => {
  it('exits 1 and lists every difference against a tampered copy of the committed output', async () => {
    const committed = await tree({});
    await cp(join(REPO_ROOT, GENERATED_DIR), join(committed, GENERATED_DIR), { recursive: true });
    await cp(join(REPO_ROOT, DOCS_FILE), join(committed, DOCS_FILE));
    await appendFile(join(committed, 'generated/samples/ping.curl.sh'), '# edited by hand\n');
    await rm(join(committed, 'generated/openapi.yaml'));
    await writeFile(join(committed, 'generated/notes.txt'), 'not generated');

    const result = await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts/check-drift.ts'), '--committed', committed], { cwd: REPO_ROOT })
      .then(() => ({ code: 0, stderr: '' }), (error) => ({ code: error.code as number, stderr: String(error.stderr) }));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('differs:                 generated/samples/ping.curl.sh');
    expect(result.stderr).toContain('missing (not committed): generated/openapi.yaml');
    expect(result.stderr).toContain('extra (no longer made):  generated/notes.txt');
    expect(result.stderr.match(/^ {2}(differs|missing|extra)/gm)).toHaveLength(3);
  });
});
