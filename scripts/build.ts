// `npm run build [-- NAME…]`: compile every package (or the named ones) into its dist/, which is
// never committed. `npm run pack` builds and then writes the tarballs.
import { performance } from 'node:perf_hooks';
import { buildWorkspace } from './packages/build.ts';
import { WORKSPACES } from './packages/workspaces.ts';

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !WORKSPACES.some((w) => w.name === name));
if (unknown.length > 0) {
  console.error(`Unknown package ${unknown.join(', ')}: the packages are ${WORKSPACES.map((w) => w.name).join(', ')}`);
  process.exit(2);
}
try {
  for (const workspace of WORKSPACES.filter((w) => wanted.length === 0 || wanted.includes(w.name))) {
    const started = performance.now();
    await buildWorkspace(workspace);
    console.log(`built ${workspace.name} → ${workspace.folder}/dist (${Math.round(performance.now() - started)} ms)`);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
