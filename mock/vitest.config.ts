import { defineConfig } from 'vitest/config';

// The reference server's tests: unit tests of its pure modules and integration tests through
// HTTP against `startReferenceServer` (127.0.0.1, port 0), every response checked against the
// bundled spec. Time moves only by injected clocks; nothing sleeps.
export default defineConfig({
  test: {
    name: 'mock',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
