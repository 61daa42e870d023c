import { defineConfig } from 'vitest/config';

// The benchmark's own test: a smoke run of `npm run bench -- --tiny` that proves every row can
// still be measured and the JSON keeps its shape. It asserts nothing about speed: speed targets
// live only in the bench's output.
export default defineConfig({
  test: {
    name: 'bench',
    include: ['**/*.test.ts'],
    testTimeout: 180_000,
  },
});
