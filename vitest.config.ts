import { defineConfig } from 'vitest/config';

// Each area of the project owns its tests and its vitest project file; this root file only
// gathers them, so `npx vitest run` runs the project's own tests in one go. The conformance
// suite itself (contract-tests/rules) is not among them: it runs against a deployment through
// its own runner, `npm run contract`.
export default defineConfig({
  test: {
    projects: ['./{scripts,client,mock,contract-tests,bench}/vitest.config.ts'],
  },
});
