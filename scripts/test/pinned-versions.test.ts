import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The house rule: exact versions, so a clean clone installs what CI tested. A range in
// package.json would let `npm install` (not `npm ci`) move a tool under us, and a lock that
// disagrees with package.json makes `npm ci` fail on a fresh machine.
const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8'));

const declared: [string, string][] = [
  ...Object.entries<string>(manifest.dependencies ?? {}),
  ...Object.entries<string>(manifest.devDependencies ?? {}),
];

describe('package versions', () => {
  it('declares some dependencies', () => {
    expect(declared.length).toBeGreaterThan(0);
  });

  it.each(declared)('%s is pinned to an exact version', (_name, version) => {
    expect(version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  });

  it.each(declared)('%s is locked at the version package.json pins', (name, version) => {
    expect(lock.packages[`node_modules/${name}`]?.version).toBe(version);
  });
});
