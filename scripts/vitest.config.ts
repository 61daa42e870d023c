import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The generate pipeline's tests: its pure steps, what it wrote (the drift check, run by
// `npm test` before this, guarantees generated/ is fresh), the docs page in a real browser, and
// the packages as a user installs them.
export default defineConfig({
  resolve: {
    // The code samples import the client by its package name, as an application does. Here they
    // run against the client's source; the packaging test runs them against the built tarball.
    alias: [
      { find: /^@herald\/client\/sdk$/, replacement: fileURLToPath(new URL('../client/sdk.ts', import.meta.url)) },
      { find: /^@herald\/client$/, replacement: fileURLToPath(new URL('../client/index.ts', import.meta.url)) },
    ],
  },
  test: {
    name: 'scripts',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
