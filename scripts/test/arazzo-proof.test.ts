import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type Fault } from '../../contract-tests/proof/fault-proxy.ts';
import { FAULTS } from '../../contract-tests/proof/faults.ts';
import { auditSecretLeaks } from '../audit-secret-leaks.ts';
import { loadArazzoFiles, SUITE_RULES_EXTENSION, type ArazzoFile, type Workflow } from '../arazzo/arazzo-documents.ts';
import { failedChecks, runRespect, withoutCodeFrames } from './support/respect.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';
import { limitConcurrency, startArazzoTarget } from './support/arazzo-target.ts';

// The workflows fail against broken implementations, and the same ones the conformance suite
// fails on. A workflow names (x-herald-suite-rules) the suite rules that check its flow; every
// fault of the suite's proof (contract-tests/proof/faults.ts) that one of those rules catches
// is put in front of a fresh reference server, and the workflow, run alone by `redocly
// respect`, must fail on it — on a check of the target (a success criterion, the status, the
// content type), not only because Respect could not go on. So a flow written both as suite
// rules and as a workflow cannot drift apart without a test noticing, and neither can be
// trivially true. Secrets stay masked in what Respect writes, also when the target misbehaves.

interface Case {
  file: ArazzoFile;
  workflow: Workflow;
  fault: Fault;
}

const VERDICTS = new Set(['success criteria check', 'status code check', 'content-type check', 'schema check']);

const cases: Case[] = loadArazzoFiles().flatMap((file) => file.document.workflows.flatMap((workflow) => {
  const rules = workflow[SUITE_RULES_EXTENSION] ?? [];
  return FAULTS.filter((fault) => fault.caughtBy.some((rule) => rules.includes(rule))).map((fault) => ({ file, workflow, fault }));
}));

const respectSlot = limitConcurrency(2);
const record: Array<{ workflow: string; fault: string; breaks: string; exitCode: number; failedSteps: string[]; durationMs: number }> = [];

describe('the proof covers every workflow', () => {
  it('puts at least one broken implementation in front of each workflow', () => {
    for (const file of loadArazzoFiles()) {
      for (const workflow of file.document.workflows) {
        expect(cases.filter((c) => c.workflow.workflowId === workflow.workflowId).length, workflow.workflowId).toBeGreaterThan(0);
      }
    }
  });
});

// Generous: a test may wait for two others' Respect runs before its own starts.
describe.concurrent('each workflow fails against the broken implementations its suite rules catch', { timeout: 240_000 }, () => {
  for (const { file, workflow, fault } of cases) {
    it(`${workflow.workflowId} × ${fault.name}: ${fault.breaks}`, async () => {
      const target = await startArazzoTarget();
      const proxy = await startFaultProxy(target.server.origin, fault, { ...target.server.keys });
      const env = { ...target.server.env, HERALD_BASE_URL: `${proxy.origin}${new URL(target.server.baseUrl).pathname}` };
      const run = await respectSlot(() => runRespect({ file, target: env, workflows: [workflow.workflowId] }));
      try {
        const [result] = run.workflows;
        const failed = result ? failedChecks(result) : [];
        record.push({ workflow: workflow.workflowId, fault: fault.name, breaks: fault.breaks, exitCode: run.code, failedSteps: [...new Set(failed.map((f) => f.stepId))], durationMs: Math.round(run.durationMs) });
        expect(run.workflows.map((w) => w.workflowId)).toEqual([workflow.workflowId]);
        expect(run.code, `exit code (1: a workflow failed)\n${run.stdout.slice(-3000)}`).toBe(1);
        expect(result.status).toBe('error');
        expect(failed.filter(({ check }) => VERDICTS.has(check.name)), failed.map(({ stepId, check }) => `${stepId}: ${check.name}: ${check.message}`).join('\n'))
          .not.toEqual([]);
        // A broken target may show secrets where it must not (one lists them). Respect's JSON log
        // and HAR file still mask them; so does its output, except the code frame in which a
        // failed schema check quotes the response as received (see withoutCodeFrames).
        expect(auditSecretLeaks(run.dir, [join(run.dir, 'respect.json'), join(run.dir, 'respect.har')], target.issued).hits).toEqual([]);
        const printed = mkdtempSync(join(tmpdir(), 'herald-respect-printed-'));
        try {
          writeFileSync(join(printed, 'stdout.txt'), withoutCodeFrames(run.stdout));
          writeFileSync(join(printed, 'stderr.txt'), withoutCodeFrames(run.stderr));
          expect(auditSecretLeaks(printed, [printed], target.issued).hits).toEqual([]);
        } finally {
          rmSync(printed, { recursive: true, force: true });
        }
      } finally {
        // The whole-run audit gets the JSON log and the HAR; the output is audited above.
        run.cleanup(['respect.json', 'respect.har']);
        await proxy.close();
        await target.close();
      }
    });
  }
});

afterAll(() => {
  // What caught what, for the README and the closing note (reports/ is not committed).
  const dir = join(REPO_ROOT, 'reports');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'arazzo-proof.json'), `${JSON.stringify({ tried: cases.length, caught: record.filter((r) => r.exitCode === 1).length, cases: record }, null, 2)}\n`);
});
