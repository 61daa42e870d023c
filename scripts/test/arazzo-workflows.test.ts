import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditSecretLeaks } from '../audit-secret-leaks.ts';
import { loadArazzoFiles } from '../arazzo/arazzo-documents.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';
import { DISCRIMINATOR_WARNING, executedSteps, failedChecks, runRespect, schemaWarnings } from './support/respect.ts';
import { limitConcurrency, packagedArazzoFiles, startArazzoTarget } from './support/arazzo-target.ts';

// Every Arazzo workflow of openapi/arazzo/, as the package publishes it (beside the spec, in
// dist/), passes when `redocly respect` runs it against the reference server, every step of it
// runs, and nothing Respect prints or writes (its verbose output, its JSON log, its HAR file)
// holds a secret: Respect masks them all.

const packaged = packagedArazzoFiles();
const files = packaged.files;
const timings: Array<{ file: string; workflows: number; requests: number; respectMs: number; processMs: number }> = [];
afterAll(() => {
  packaged.cleanup();
  // How long the workflows take, for the README and the closing note (reports/ is not committed).
  mkdirSync(join(REPO_ROOT, 'reports'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'reports', 'arazzo-runs.json'), `${JSON.stringify(timings, null, 2)}\n`);
});
const respectSlot = limitConcurrency(2);
const MASKED = '********';

interface HarEntry {
  request: { headers: Array<{ name: string; value: string }> };
  response: { content: { text?: string } };
}

// Generous: a test may wait for another's Respect run before its own starts.
describe.concurrent('redocly respect against the reference server', { timeout: 180_000 }, () => {
  it('packages every workflow file', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(files.map((file) => file.name)).toEqual(loadArazzoFiles().map((file) => file.name));
  });

  for (const file of files) {
    it(`${file.name}: every workflow passes, every step runs, no secret in Respect's output, JSON log or HAR`, async () => {
      const target = await startArazzoTarget();
      const run = await respectSlot(() => runRespect({ file, target: target.server.env, verbose: true }));
      try {
        expect(run.code, `redocly respect exited ${run.code}\n${run.stdout.slice(-4000)}\n${run.stderr.slice(-2000)}`).toBe(0);
        timings.push({
          file: file.name,
          workflows: run.workflows.length,
          requests: Object.values(run.log!.files).reduce((sum, f) => sum + f.totalRequests, 0),
          respectMs: Math.round(run.log!.totalTime),
          processMs: Math.round(run.durationMs),
        });
        expect(run.workflows.map((w) => w.workflowId)).toEqual(file.document.workflows.map((w) => w.workflowId));
        for (const workflow of run.workflows) {
          const declared = file.document.workflows.find((w) => w.workflowId === workflow.workflowId)!;
          expect(failedChecks(workflow), workflow.workflowId).toEqual([]);
          expect(new Set(executedSteps(workflow).map((step) => step.stepId)), `${workflow.workflowId}: steps run`)
            .toEqual(new Set(declared.steps.map((step) => step.stepId)));
          // The one warning Respect gives on a conforming target: it cannot compile the schema of
          // problem+json bodies (see RESPECT_SEVERITY). A schema warning on anything else fails.
          for (const warning of schemaWarnings(workflow)) {
            expect(warning.message, `${workflow.workflowId} / ${warning.stepId}`).toContain(DISCRIMINATOR_WARNING);
            expect(warning.status, `${workflow.workflowId} / ${warning.stepId}`).toBeGreaterThanOrEqual(400);
          }
        }

        // Masked, not merely absent: every credential Respect sent is shown as ********, and so is
        // every secret a response showed.
        const har = JSON.parse(readFileSync(join(run.dir, 'respect.har'), 'utf8')) as { log: { entries: HarEntry[] } };
        const credentials = har.log.entries.flatMap((entry) => entry.request.headers)
          .filter((header) => ['authorization', 'x-api-key'].includes(header.name.toLowerCase()));
        expect(credentials.length).toBeGreaterThan(0);
        for (const header of credentials) expect(header.value).toMatch(/^(\S+ )?\*{8}$/);
        const shownSecrets = har.log.entries.flatMap((entry) => [...(entry.response.content.text ?? '').matchAll(/"secret":"([^"]*)"/g)].map((m) => m[1]));
        for (const shown of shownSecrets) expect(shown).toBe(MASKED);

        // Whatever the server issued (the seeded keys and every key the workflows created) is in
        // none of the files, whole or in part.
        const leaks = auditSecretLeaks(run.dir, [run.dir], target.issued);
        expect(leaks.files).toBe(4);
        expect(leaks.hits).toEqual([]);
      } finally {
        run.cleanup();
        await target.close();
      }
    });
  }
});
