// `npm run mutation`: Stryker mutates the reference server's authentication, key and limiter
// modules one change at a time and judges every mutant with the conformance suite — the rule
// files run by contract-tests/mutation/vitest.config.ts against a reference server started in
// the same vitest worker (Stryker activates mutants through a global of that worker). Reports go
// to reports/mutation/ (not committed). About 4 minutes on two cores: not part of npm test.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: {
    configFile: 'contract-tests/mutation/vitest.config.ts',
    // The rules import the server only through the harness: run them all, not "related" files.
    related: false,
  },
  mutate: [
    'mock/src/credentials.ts',
    'mock/src/key-format.ts',
    'mock/src/key-hashing.ts',
    'mock/src/authenticator.ts',
    'mock/src/auth-hook.ts',
    'mock/src/auth-throttle.ts',
    'mock/src/rate-limiter.ts',
    'mock/src/fixed-window.ts',
    'mock/src/rate-limit-headers.ts',
  ],
  // Each scenario runs on its own against a fresh server (checked), so per-test coverage is sound.
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Not needed to run the suite against the server; keeps the sandboxes small.
  ignorePatterns: ['bench', 'reports', 'docs', 'client', 'scripts', 'openapi', '.ci'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // 86.06 % at the last run (contract-tests/README.md, "Mutation testing", lists every survivor:
  // 26 equivalent, 8 in the wording of `detail`, 23 invisible to any client). The run fails if the
  // suite weakens below the 85 % issue 7 asks for.
  thresholds: { high: 90, low: 85, break: 85 },
};
