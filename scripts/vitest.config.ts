import { defineConfig } from 'vitest/config';

// The generate pipeline's tests: its pure steps, what it wrote (the drift check, run by
// `npm test` before this, guarantees generated/ is fresh) and the docs page in a real browser.
export default defineConfig({
  test: {
    name: 'scripts',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
