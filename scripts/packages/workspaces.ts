// The packages this repository publishes: where each lives, how it is compiled, and which files
// from elsewhere in the repository it ships. Each package's dist/ mirrors the repository layout
// (tsconfig.build.json compiles with the repository as rootDir), so every relative path in the
// sources — `../../generated/openapi.json`, `../fixtures/demo.json` — holds inside the package too,
// once the build has copied those files beside the compiled code.

export interface Workspace {
  /** The npm package name. */
  name: string;
  /** Its folder, relative to the repository root. */
  folder: string;
  /** Compiled with `tsc -p <folder>/tsconfig.build.json` when set. */
  compiled: boolean;
  /** Repository files copied into the package: [from (repository-relative), to (package-relative)]. */
  assets: ReadonlyArray<readonly [string, string]>;
}

export const WORKSPACES: readonly Workspace[] = [
  {
    name: '@herald/openapi',
    folder: 'openapi',
    compiled: false,
    assets: [
      ['generated/openapi.json', 'dist/openapi.json'],
      ['generated/openapi.yaml', 'dist/openapi.yaml'],
      ['generated/openapi-3.0.json', 'dist/openapi-3.0.json'],
    ],
  },
  {
    name: '@herald/client',
    folder: 'client',
    compiled: true,
    // tsc emits declarations for .ts files only; the generated types are a .d.ts already.
    assets: [['generated/types/openapi.d.ts', 'dist/generated/types/openapi.d.ts']],
  },
  {
    name: '@herald/mock',
    folder: 'mock',
    compiled: true,
    assets: [
      ['generated/openapi.json', 'dist/generated/openapi.json'],
      ['generated/openapi.yaml', 'dist/generated/openapi.yaml'],
      ['docs/index.html', 'dist/docs/index.html'],
      ['mock/fixtures/demo.json', 'dist/mock/fixtures/demo.json'],
    ],
  },
  {
    name: '@herald/contract',
    folder: 'contract-tests',
    compiled: true,
    assets: [['generated/openapi.json', 'dist/generated/openapi.json']],
  },
];

/** The file name `npm pack` gives a package's tarball: `@herald/client` 1.0.0 → herald-client-1.0.0.tgz. */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}
