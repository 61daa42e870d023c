// One `tsc --noEmit` over what every generator wrote, in strict mode, with the DOM library (the
// fetch clients need it) and no ambient Node types (a browser app compiles it without them).
// Errors are attributed to the generator whose folder they are in.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool } from './tools.ts';

export const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    types: [],
  },
};

/** Writes the work folder's tsconfig.json (orval reads it too, to choose its import style). */
export async function writeTsconfig(workDir: string, folders: string[]): Promise<void> {
  await writeFile(join(workDir, 'tsconfig.json'), `${JSON.stringify({ ...TSCONFIG, include: folders.map((f) => `${f}/**/*.ts`) }, null, 2)}\n`);
}

/** Type errors per folder (`tsc`'s lines that start with the folder); an empty list is a clean compile. */
export async function typecheck(workDir: string, folders: string[]): Promise<Map<string, string[]>> {
  const run = await runTool('tsc', ['-p', join(workDir, 'tsconfig.json')], workDir);
  const errors = new Map<string, string[]>(folders.map((folder) => [folder, []]));
  const lines = run.output.split('\n').filter((line) => /error TS\d+/.test(line));
  for (const line of lines) {
    const folder = folders.find((f) => line.startsWith(`${f}/`));
    if (folder) errors.get(folder)!.push(line);
    else errors.set('(elsewhere)', [...(errors.get('(elsewhere)') ?? []), line]);
  }
  if (run.code !== 0 && lines.length === 0) errors.set('(tsc)', [run.output]);
  return errors;
}
