import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReferenceServer, type ReferenceServer } from '../../../mock/src/testing.ts';
import { loadArazzoFiles, type ArazzoFile } from '../../arazzo/arazzo-documents.ts';
import { rewriteSourceUrls } from '../../arazzo/package-arazzo.ts';
import { REPO_ROOT } from '../../generate/repo-root.ts';

/** A reference server for the Arazzo workflows, and every secret it issued (seeded keys included). */
export interface ArazzoTarget {
  server: ReferenceServer;
  issued: string[];
  close(): Promise<void>;
}

/**
 * Per-minute limits a fifth of the plans' (startup 40, indie 10). The rate-limit workflow spends
 * a key's whole window one Respect step at a time, whatever the limit is (it reads
 * X-RateLimit-Remaining, never the plan): 40 steps prove what 200 would, in a fifth of the time.
 * No workflow compares a limit with the plan's figure.
 */
export const RATE_LIMIT_SCALE = 0.2;

/**
 * A fresh reference server on 127.0.0.1 whose clock stands still unless its test clock moves
 * it, so that no rate-limit window or grace period ends while a workflow runs.
 */
export async function startArazzoTarget(): Promise<ArazzoTarget> {
  const issued: string[] = [];
  const server = await startReferenceServer({
    manualClock: true,
    rateLimitScale: RATE_LIMIT_SCALE,
    logLevel: 'info',
    server: { onSecretIssued: (secret) => issued.push(secret) },
  });
  return { server, issued, close: () => server.close() };
}

/** At most `limit` of the returned function's tasks run at once (Respect processes, on 2 cores). */
export function limitConcurrency(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    while (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

/**
 * The workflows as `@herald/openapi` publishes them: `openapi.json` and `arazzo/*.arazzo.yaml`
 * side by side in one folder (the package's `dist/`), each workflow pointing at
 * `../openapi.json`, so the tests run what users run.
 */
export function packagedArazzoFiles(): { files: ArazzoFile[]; cleanup(): void } {
  const dist = mkdtempSync(join(tmpdir(), 'herald-openapi-dist-'));
  mkdirSync(join(dist, 'arazzo'));
  copyFileSync(join(REPO_ROOT, 'generated', 'openapi.json'), join(dist, 'openapi.json'));
  for (const file of loadArazzoFiles()) {
    writeFileSync(join(dist, 'arazzo', file.name), rewriteSourceUrls(readFileSync(file.path, 'utf8'), '../openapi.json'));
  }
  return { files: loadArazzoFiles(join(dist, 'arazzo')), cleanup: () => rmSync(dist, { recursive: true, force: true }) };
}
