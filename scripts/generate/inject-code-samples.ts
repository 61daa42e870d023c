// Adds `x-codeSamples` (Redoc's extension: a list of {lang, label, source}) to every operation
// of the bundle, and returns the same samples as files for generated/samples/.
import { codeSamplesFor, SAMPLES_DIR } from './code-samples.ts';
import { listOperations, type JsonObject } from './openapi-document.ts';

export interface GeneratedFile {
  /** Path relative to the output root, with `/` separators. */
  path: string;
  content: string;
}

export function injectCodeSamples(document: JsonObject): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (const operation of listOperations(document)) {
    const samples = codeSamplesFor(document, operation);
    operation.object['x-codeSamples'] = samples.map(({ lang, label, source }) => ({ lang, label, source }));
    for (const sample of samples) {
      files.push({ path: `${SAMPLES_DIR}/${operation.operationId}${sample.suffix}`, content: sample.source });
    }
  }
  return files;
}
