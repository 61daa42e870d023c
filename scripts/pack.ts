// `npm run pack`: build every package and write one tarball each into dist/packages/, named as
// `npm pack` names them (herald-client-1.0.0.tgz, …). Install one in any project with
// `npm install /path/to/herald-client-1.0.0.tgz`.
import { buildWorkspace } from './packages/build.ts';
import { packWorkspace, PACKAGES_DIR } from './packages/pack.ts';
import { WORKSPACES } from './packages/workspaces.ts';
import { relative } from 'node:path';

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
try {
  for (const workspace of WORKSPACES) {
    await buildWorkspace(workspace);
    const packed = await packWorkspace(workspace);
    console.log(`${relative(process.cwd(), packed.path)}  ${kib(packed.size)} (${kib(packed.unpackedSize)} unpacked, ${packed.files.length} files)`);
  }
  console.log(`Tarballs in ${relative(process.cwd(), PACKAGES_DIR) || '.'}`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
