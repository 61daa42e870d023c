// `npm run generate [-- --out DIR]`: regenerate generated/ and docs/index.html from the spec.
// --out writes them under another root (the drift check uses a temporary folder).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generate } from './generate/pipeline.ts';
import { REPO_ROOT } from './generate/repo-root.ts';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const outRoot = values.out ? resolve(values.out) : REPO_ROOT;

console.log(`Generating into ${values.out ?? 'the repository'}:`);
try {
  await generate(outRoot, (line) => console.log(line));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
