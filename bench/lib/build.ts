import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { WORKSPACES } from '../../scripts/packages/workspaces.ts';
import { REPO_ROOT } from './child.ts';

// The reference server the benchmark measures is @herald/mock as it ships: the JavaScript that
// `npm run build` compiles with tsc from mock/tsconfig.build.json, beside the files the package
// copies in, run by plain node. The bench compiles it afresh for each run, into a folder of its
// own rather than mock/dist, which `npm run pack` (another test of `npm test`) may be emptying
// and rebuilding at the same moment. The folder sits under node_modules/, so the compiled code
// finds its dependencies (fastify, …) the way an installed package does.

const MOCK = WORKSPACES.find((workspace) => workspace.name === '@herald/mock');
const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

export interface ShippedMock {
  /** The build's root: the layout of the package's dist/. */
  root: string;
  /** `herald-mock`, the package's bin. */
  cli: string;
}

let building: Promise<ShippedMock> | null = null;

/** Builds once per run; later calls get the same build. */
export function shippedMock(): Promise<ShippedMock> {
  building ??= build();
  return building;
}

async function build(): Promise<ShippedMock> {
  if (MOCK === undefined) throw new Error('scripts/packages/workspaces.ts lists no @herald/mock');
  const root = join(REPO_ROOT, 'node_modules', '.cache', 'herald-bench', `mock-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  const started = performance.now();
  try {
    await promisify(execFile)(process.execPath, [TSC, '-p', join(REPO_ROOT, MOCK.folder, 'tsconfig.build.json'), '--outDir', root, '--declaration', 'false'], {
      cwd: REPO_ROOT,
    });
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`.trim();
    throw new Error(`building @herald/mock failed:\n${output || (error as Error).message}`);
  }
  // The assets land where the package's dist/ has them: `dist/generated/openapi.json` → ROOT/generated/openapi.json.
  for (const asset of MOCK.assets) {
    const target = join(root, asset.to.replace(/^dist\//, ''));
    mkdirSync(dirname(target), { recursive: true });
    if (asset.transform) writeFileSync(target, asset.transform(readFileSync(join(REPO_ROOT, asset.from), 'utf8')));
    else cpSync(join(REPO_ROOT, asset.from), target);
  }
  process.stderr.write(`bench: built @herald/mock with tsc in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return { root, cli: join(root, 'mock', 'start.js') };
}
