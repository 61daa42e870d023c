// `npm run interop` (part of `npm test`): the published documents in third-party tools users
// feed them to — the official OpenAPI schemas, Postman's importer, orval, openapi-typescript-codegen
// and openapi-zod-client — each tool's verdict and time on one line. Exits 1 when a check fails.
// Every tool's output stays in reports/interop/.
import { join } from 'node:path';
import { BUNDLE_30_JSON, BUNDLE_JSON } from './generate/pipeline.ts';
import { REPO_ROOT } from './generate/repo-root.ts';
import { runInterop } from './interop/run.ts';

const started = performance.now();
const results = await runInterop({
  spec31: join(REPO_ROOT, BUNDLE_JSON),
  spec30: join(REPO_ROOT, BUNDLE_30_JSON),
  workDir: join(REPO_ROOT, 'reports', 'interop'),
});
console.log('Interop: the published spec in third-party tools');
for (const result of results) {
  const seconds = `${(result.ms / 1000).toFixed(1)} s`.padStart(7);
  console.log(`  ${result.passed ? 'pass' : 'FAIL'} ${seconds}  ${result.name} [${result.tool}]: ${result.detail}`);
}
const failed = results.filter((result) => !result.passed).length;
console.log(`${results.length - failed} of ${results.length} interop checks passed in ${((performance.now() - started) / 1000).toFixed(1)} s (outputs in reports/interop/)`);
process.exitCode = failed === 0 ? 0 : 1;
