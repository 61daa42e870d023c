// The generate pipeline, step by step. Every output is a pure function of the spec and the
// pinned tools: no timestamps, no absolute paths, stable key order, so a run gives the same
// bytes on any machine and into any output root (the drift check relies on that).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import YAML from 'yaml';
import { bundleSpec } from './bundle.ts';
import { CONTRACT_FACTS_FILE, contractFactsSource } from './contract-facts.ts';
import { buildDocs, DOCS_FILE } from './docs.ts';
import { downConvert } from './down-convert.ts';
import { EXAMPLES_FILE, examplesCheckSource } from './examples-check.ts';
import { injectCodeSamples } from './inject-code-samples.ts';
import { generatePostmanCollection } from './postman.ts';
import { generatedReadme, README_FILE } from './readme.ts';
import { generateSdk } from './sdk.ts';
import { StepTimer } from './timing.ts';
import { generateTypes, TYPES_FILE } from './types.ts';
import { BUNDLE_30_JSON, BUNDLE_JSON, BUNDLE_YAML, GENERATED_DIR } from './outputs.ts';
import { jsonText, writeFiles } from './write-files.ts';

export { BUNDLE_30_JSON, BUNDLE_JSON, BUNDLE_YAML, GENERATED_DIR } from './outputs.ts';

/** Every path generate owns, relative to the output root: the drift check compares these. */
export const GENERATED_PATHS = [GENERATED_DIR, DOCS_FILE];

export async function generate(outRoot: string, log: (line: string) => void = () => {}): Promise<void> {
  const timer = new StepTimer(log);
  // Start from nothing, so a file the spec no longer produces (a removed operation's samples)
  // cannot linger.
  await timer.step('clean', async () => {
    await rm(join(outRoot, GENERATED_DIR), { recursive: true, force: true });
    await rm(join(outRoot, DOCS_FILE), { force: true });
  });
  const document = await timer.step('bundle (redocly)', bundleSpec);
  const samples = await timer.step('code samples → x-codeSamples', () => injectCodeSamples(document));
  await timer.step('write openapi.json, .yaml, samples', () =>
    writeFiles(outRoot, [
      { path: BUNDLE_JSON, content: jsonText(document) },
      { path: BUNDLE_YAML, content: YAML.stringify(document, { aliasDuplicateObjects: false, lineWidth: 100 }) },
      ...samples,
      { path: CONTRACT_FACTS_FILE, content: contractFactsSource(document) },
      { path: README_FILE, content: generatedReadme() },
    ]));
  await timer.step('down-convert to 3.0', () =>
    writeFiles(outRoot, [{ path: BUNDLE_30_JSON, content: jsonText(downConvert(document)) }]));
  await timer.step('types (openapi-typescript)', async () =>
    writeFiles(outRoot, [{ path: TYPES_FILE, content: await generateTypes(document) }]));
  await timer.step('sdk (@hey-api/openapi-ts)', () => generateSdk(document, outRoot));
  await timer.step('postman collection (portman)', async () =>
    writeFiles(outRoot, await generatePostmanCollection(document, join(outRoot, BUNDLE_JSON))));
  await timer.step('examples type check', () =>
    writeFiles(outRoot, [{ path: EXAMPLES_FILE, content: examplesCheckSource(document) }]));
  await timer.step('docs (redocly build-docs)', () => buildDocs(join(outRoot, BUNDLE_JSON), outRoot));
  timer.total();
}
