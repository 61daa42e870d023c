// The packages this repository publishes: where each lives, how it is compiled, and which files
// from elsewhere in the repository it ships. Each package's dist/ mirrors the repository layout
// (tsconfig.build.json compiles with the repository as rootDir), so every relative path in the
// sources — `../../generated/openapi.json`, `../fixtures/demo.json` — holds inside the package too,
// once the build has copied those files beside the compiled code.

import { readdirSync } from 'node:fs';
import { ARAZZO_DIR, ARAZZO_SUFFIX } from '../arazzo/arazzo-documents.ts';
import { rewriteSourceUrls } from '../arazzo/package-arazzo.ts';

/** A repository file a package ships: copied as it is, or written from its text by `transform`. */
export interface Asset {
  /** Repository-relative. */
  from: string;
  /** Package-relative. */
  to: string;
  transform?: (text: string) => string;
}

export interface Workspace {
  /** The npm package name. */
  name: string;
  /** Its folder, relative to the repository root. */
  folder: string;
  /** Compiled with `tsc -p <folder>/tsconfig.build.json` when set. */
  compiled: boolean;
  /** Repository files the package ships. */
  assets: readonly Asset[];
}

export const WORKSPACES: readonly Workspace[] = [
  {
    name: '@herald/openapi',
    folder: 'openapi',
    compiled: false,
    assets: [
      { from: 'generated/openapi.json', to: 'dist/openapi.json' },
      { from: 'generated/openapi.yaml', to: 'dist/openapi.yaml' },
      { from: 'generated/openapi-3.0.json', to: 'dist/openapi-3.0.json' },
      ...arazzoAssets(),
    ],
  },
  {
    name: '@herald/client',
    folder: 'client',
    compiled: true,
    // tsc emits declarations for .ts files only; the generated types are a .d.ts already.
    assets: [{ from: 'generated/types/openapi.d.ts', to: 'dist/generated/types/openapi.d.ts' }],
  },
  {
    name: '@herald/mock',
    folder: 'mock',
    compiled: true,
    assets: [
      { from: 'generated/openapi.json', to: 'dist/generated/openapi.json' },
      { from: 'generated/openapi.yaml', to: 'dist/generated/openapi.yaml' },
      { from: 'docs/index.html', to: 'dist/docs/index.html' },
      { from: 'mock/fixtures/demo.json', to: 'dist/mock/fixtures/demo.json' },
    ],
  },
  {
    name: '@herald/contract',
    folder: 'contract-tests',
    compiled: true,
    assets: [{ from: 'generated/openapi.json', to: 'dist/generated/openapi.json' }],
  },
];

/** The file name `npm pack` gives a package's tarball: `@herald/client` 1.0.0 → herald-client-1.0.0.tgz. */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/**
 * The Arazzo workflows of openapi/arazzo/, published beside the bundled spec they run against:
 * in the package they sit in `dist/arazzo/` next to `dist/openapi.json`, so their source
 * description points at `../openapi.json` instead of the repository's `generated/` copy.
 */
function arazzoAssets(): Asset[] {
  return readdirSync(ARAZZO_DIR)
    .filter((name) => name.endsWith(ARAZZO_SUFFIX))
    .sort()
    .map((name) => ({ from: `openapi/arazzo/${name}`, to: `dist/arazzo/${name}`, transform: (text: string) => rewriteSourceUrls(text, '../openapi.json') }));
}
