// `npm run check:drift`: regenerate into a temporary folder and compare byte for byte with the
// committed generated/ and docs/index.html. Exits 1, naming every file, on any difference.
// `--committed DIR` compares with another tree instead of the repository (its tests use it).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compareTrees, hasDifferences } from './drift/compare-trees.ts';
import { GENERATED_PATHS, generate } from './generate/pipeline.ts';
import { REPO_ROOT } from './generate/repo-root.ts';

const { values } = parseArgs({ options: { committed: { type: 'string' } } });
const committedRoot = values.committed ? resolve(values.committed) : REPO_ROOT;
const outRoot = await mkdtemp(join(tmpdir(), 'herald-drift-'));
try {
  console.log('Regenerating into a temporary folder:');
  await generate(outRoot, (line) => console.log(line));
  const difference = await compareTrees(committedRoot, outRoot, GENERATED_PATHS);
  if (hasDifferences(difference)) {
    console.error('\nDrift: the committed output is not what the spec and the generator produce.');
    for (const file of difference.differing) console.error(`  differs:                 ${file}`);
    for (const file of difference.missing) console.error(`  missing (not committed): ${file}`);
    for (const file of difference.stale) console.error(`  extra (no longer made):  ${file}`);
    console.error('Run `npm run generate` and commit the result (never edit generated files by hand).');
    process.exitCode = 1;
  } else {
    console.log(`\nNo drift: ${GENERATED_PATHS.join(' and ')} match a fresh generate byte for byte.`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await rm(outRoot, { recursive: true, force: true });
}
