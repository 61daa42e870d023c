// Step 1: bundle the split spec into one document with `redocly bundle herald@v1`, the API
// entry of redocly.yaml (so the bundle sees exactly the config that `npm run lint` checks).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject } from './openapi-document.ts';
import { runRedocly } from './redocly.ts';
import { REPO_ROOT } from './repo-root.ts';

export const API_NAME = 'herald@v1';

export async function bundleSpec(): Promise<JsonObject> {
  const dir = await mkdtemp(join(tmpdir(), 'herald-bundle-'));
  try {
    const file = join(dir, 'openapi.json');
    await runRedocly(['bundle', API_NAME, '--output', file], REPO_ROOT);
    return JSON.parse(await readFile(file, 'utf8')) as JsonObject;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
