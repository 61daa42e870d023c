import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WORKSPACES } from '../packages/workspaces.ts';

// The house rule: exact versions, so a clean clone installs what CI tested and a user installs
// what we tested. A range in a package.json would let `npm install` (not `npm ci`) move a
// dependency under us, and a lock that disagrees with package.json makes `npm ci` fail on a
// fresh machine. The root holds the tools; each package declares what it needs at run time.
const root = new URL('../../', import.meta.url);
const read = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));
const lock = read('package-lock.json');
const manifests = [{ folder: '.', manifest: read('package.json') }, ...WORKSPACES.map((w) => ({ folder: w.folder, manifest: read(`${w.folder}/package.json`) }))];

const declared: [string, string, string][] = manifests.flatMap(({ folder, manifest }) => [
  ...Object.entries<string>(manifest.dependencies ?? {}),
  ...Object.entries<string>(manifest.devDependencies ?? {}),
  ...Object.entries<string>(manifest.peerDependencies ?? {}),
].map(([name, version]): [string, string, string] => [folder, name, version]));

describe('package versions', () => {
  it('declares some dependencies', () => {
    expect(declared.length).toBeGreaterThan(0);
  });

  it.each(declared)('%s: %s is pinned to an exact version', (_folder, _name, version) => {
    expect(version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  });

  it.each(declared)('%s: %s is locked at the version its package.json pins', (_folder, name, version) => {
    expect(lock.packages[`node_modules/${name}`]?.version).toBe(version);
  });

  it("gives every package the spec's info.version", () => {
    const { version } = read('generated/openapi.json').info;
    for (const { folder, manifest } of manifests) expect(`${folder}@${manifest.version}`).toBe(`${folder}@${version}`);
  });
});
