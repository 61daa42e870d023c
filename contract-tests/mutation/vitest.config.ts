import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The conformance suite as the test runner of mutation testing (`npm run mutation`, see
// stryker.config.mjs): every scenario as a vitest test, against a reference server started in
// the same worker by `reference-target.ts`. Not part of `npm test` (the root config does not
// list it).
export default defineConfig({
  test: {
    name: 'contract-mutation',
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['mutation/scenarios.test.ts'],
    pool: 'threads',
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
