import { defineConfig } from 'vitest/config';

// The project's own tests of the conformance suite: the runner's pure parts (test/) and the
// proof (proof/) that it passes against the reference server and Prism, that dredd passes, and
// that it fails — naming the rule — against deliberately broken implementations. The rules
// themselves (rules/) are not collected here: they run through the suite's runner.
export default defineConfig({
  test: {
    name: 'contract-tests',
    include: ['test/**/*.test.ts', 'proof/**/*.test.ts'],
    // Each proof test spawns the suite in a child process; two at a time on a 2-core machine.
    maxConcurrency: 2,
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
