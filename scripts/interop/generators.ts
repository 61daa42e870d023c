// Three third-party client generators that users feed our spec to, each run as its CLI would be
// run by them, into a folder of its own under the interop work folder. Their output is then
// type-checked together (typecheck.ts); openapi-zod-client's is also imported and run
// (zod-examples.ts). None of them needs the network or a download of its own.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageBin, runTool, type ToolRun, toolVersion } from './tools.ts';

export interface Generator {
  /** Also the folder its output goes to. */
  name: string;
  /** `name@version`. */
  version: string;
  /** What it is run with, for the report. */
  settings: string;
  run(specFile: string, workDir: string): Promise<ToolRun>;
}

export const GENERATORS: Generator[] = [
  {
    name: 'orval',
    version: toolVersion('orval'),
    settings: 'clients axios-functions and fetch, mode single',
    async run(specFile, workDir) {
      const out = join(workDir, 'orval');
      await mkdir(out, { recursive: true });
      // Two of its clients: axios-functions names each operation's result `<OperationId>Result`
      // (the name that once collided with a schema), fetch names `<operationId>Response…`.
      const config = join(out, 'orval.config.cjs');
      const output = (file: string, client: string) => ({
        target: join(out, file),
        client,
        mode: 'single',
        prettier: false,
        tsconfig: join(workDir, 'tsconfig.json'),
      });
      await writeFile(config, `module.exports = ${JSON.stringify({
        axios: { input: { target: specFile }, output: output('axios.ts', 'axios-functions') },
        fetch: { input: { target: specFile }, output: output('fetch.ts', 'fetch') },
      }, null, 2)};\n`);
      const run = await runTool('orval', ['--config', config], out);
      // orval reports a document its validator rejects as a warning and generates anyway; we
      // count it as a failure, since its users see it.
      if (run.code === 0 && /validation failed|⚠️/i.test(run.output)) return { code: 1, output: run.output };
      return run;
    },
  },
  {
    name: 'openapi-typescript-codegen',
    version: toolVersion('openapi-typescript-codegen'),
    settings: '--client fetch',
    run: (specFile, workDir) =>
      runTool('node', [packageBin('openapi-typescript-codegen', 'openapi'), '--input', specFile, '--output', join(workDir, 'openapi-typescript-codegen'), '--client', 'fetch'], workDir),
  },
  {
    name: 'openapi-zod-client',
    version: toolVersion('openapi-zod-client'),
    settings: '--with-alias --export-schemas',
    async run(specFile, workDir) {
      const out = join(workDir, 'openapi-zod-client');
      await mkdir(out, { recursive: true });
      return runTool('openapi-zod-client', [specFile, '-o', join(out, 'herald.ts'), '--with-alias', '--export-schemas'], workDir);
    },
  },
];

/** The module openapi-zod-client writes, relative to the work folder. */
export const ZOD_CLIENT_MODULE = 'openapi-zod-client/herald.ts';
