// Step: the SDK from @hey-api/openapi-ts, configured by openapi-ts.config.ts at the repository
// root. Only the input (the document just bundled) and the output folder are changed here.
import { join } from 'node:path';
import { createClient } from '@hey-api/openapi-ts';
import { heyApiConfig } from '../../openapi-ts.config.ts';
import type { JsonObject } from './openapi-document.ts';
import { REPO_ROOT } from './repo-root.ts';

export const SDK_DIR = 'generated/sdk';

export async function generateSdk(document: JsonObject, outRoot: string): Promise<void> {
  await createClient({
    ...heyApiConfig,
    input: { path: structuredClone(document) },
    // Quiet: its banner and progress lines would interleave with ours. Its warnings (such as an
    // unsupported security scheme) still reach the console: they do not go through `logs`.
    logs: { ...heyApiConfig.logs, level: 'silent' },
    output: {
      ...heyApiConfig.output,
      path: join(outRoot, SDK_DIR),
      tsConfigPath: join(REPO_ROOT, heyApiConfig.output.tsConfigPath),
    },
  });
}
