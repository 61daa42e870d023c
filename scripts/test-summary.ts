// The closing line of `npm test`, in the plain form CI reads ("N passed, N failed, N skipped"),
// taken from the JSON report vitest wrote in the same run. It only reports: a failed test has
// already stopped `npm test` before this runs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPORT = fileURLToPath(new URL('../reports/vitest-results.json', import.meta.url));

interface VitestJson {
  numTotalTestSuites: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

const report = JSON.parse(readFileSync(REPORT, 'utf8')) as VitestJson;
const skipped = report.numPendingTests + report.numTodoTests;
console.log('\nlint, drift check, typecheck, tests and the secret audit all ran.');
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
process.exitCode = report.numFailedTests === 0 ? 0 : 1;
