// The interop check: the published documents in the third-party tools users feed them to. Each
// check gives a verdict (what the tool said) and its time; `npm run interop` prints them and
// fails when one fails. The work folder (under reports/, so the generated code resolves this
// repository's node_modules) keeps every tool's output for people to look at.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GENERATORS, ZOD_CLIENT_MODULE } from './generators.ts';
import { validateAgainstOfficialSchema } from './official-schema.ts';
import { importIntoPostman } from './postman-import.ts';
import { tail, toolVersion, runTool } from './tools.ts';
import { typecheck, writeTsconfig } from './typecheck.ts';

export interface CheckResult {
  name: string;
  /** `package@version` of the tool. */
  tool: string;
  passed: boolean;
  /** What the tool said: one line when it passed, the reasons when it did not. */
  detail: string;
  ms: number;
}

export interface InteropInput {
  /** The bundled 3.1 document. */
  spec31: string;
  /** The same, down-converted to 3.0 (optional: tests pass only the one they break). */
  spec30?: string;
  workDir: string;
  /** Limits the generators run (all by default). */
  generators?: string[];
}

async function timed(name: string, tool: string, work: () => Promise<{ passed: boolean; detail: string }>): Promise<CheckResult> {
  const start = performance.now();
  try {
    const verdict = await work();
    return { name, tool, ...verdict, ms: performance.now() - start };
  } catch (error) {
    return { name, tool, passed: false, detail: `the check itself failed: ${error instanceof Error ? error.message : String(error)}`, ms: performance.now() - start };
  }
}

const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;

export async function runInterop(input: InteropInput): Promise<CheckResult[]> {
  await rm(input.workDir, { recursive: true, force: true });
  await mkdir(input.workDir, { recursive: true });
  const generators = GENERATORS.filter((g) => !input.generators || input.generators.includes(g.name));
  const folders = generators.map((g) => g.name);
  await writeTsconfig(input.workDir, folders);

  const schemaChecks = [input.spec31, input.spec30].filter((file): file is string => Boolean(file)).map((file) =>
    timed(`official OpenAPI schema: ${file.split('/').pop()}`, toolVersion('@seriousme/openapi-schema-validator'), async () => {
      const verdict = await validateAgainstOfficialSchema(await readJson(file));
      return verdict.errors.length === 0
        ? { passed: true, detail: `valid against ${verdict.schemaId}` }
        : { passed: false, detail: `invalid against ${verdict.schemaId}:\n    ${verdict.errors.slice(0, 20).join('\n    ')}` };
    }));

  const postman = timed('Postman import (as imported, examples sent as they are)', toolVersion('openapi-to-postmanv2'), async () => {
    const verdict = await importIntoPostman(await readJson(input.spec31));
    return verdict.problems.length === 0
      ? { passed: true, detail: `sends ${verdict.auth}; no two requests share an Idempotency-Key` }
      : { passed: false, detail: verdict.problems.join('\n    ') };
  });

  // The generators run side by side; the type check waits for all of them.
  const generated = generators.map((generator) => ({
    generator,
    run: generator.run(input.spec31, input.workDir),
  }));
  const results = [...(await Promise.all(schemaChecks)), await postman];

  const start = performance.now();
  const runs = await Promise.all(generated.map(async ({ generator, run }) => ({ generator, run: await run })));
  const generateMs = performance.now() - start;
  // Everything that was written is type-checked, also after a generator complained.
  const typeErrors = await typecheck(input.workDir, folders);
  const checkMs = performance.now() - start;
  for (const { generator, run } of runs) {
    const errors = typeErrors.get(generator.name) ?? [];
    results.push({
      name: `${generator.name} (${generator.settings}) → tsc --strict`,
      tool: generator.version,
      passed: run.code === 0 && errors.length === 0,
      detail: [
        run.code !== 0 ? `generation failed or warned (exit ${run.code}):\n${tail(run.output)}` : 'generated',
        errors.length ? `${errors.length} type errors:\n    ${errors.slice(0, 15).join('\n    ')}` : 'compiles',
      ].join(run.code !== 0 || errors.length ? '\n    ' : ' and '),
      // Side by side, so each is charged the shared wall time (generation and one tsc).
      ms: checkMs,
    });
  }
  for (const [where, errors] of typeErrors) {
    if (!folders.includes(where) && errors.length) {
      results.push({ name: 'tsc', tool: toolVersion('typescript'), passed: false, detail: errors.join('\n    '), ms: checkMs - generateMs });
    }
  }

  if (folders.includes('openapi-zod-client') && runs.find(({ generator }) => generator.name === 'openapi-zod-client')?.run.code === 0) {
    results.push(await timed('openapi-zod-client output imported, every example parsed', toolVersion('openapi-zod-client'), async () => {
      const run = await runTool('node', ['--import', 'tsx', join(import.meta.dirname, 'zod-examples.ts'), join(input.workDir, ZOD_CLIENT_MODULE), input.spec31], input.workDir);
      const summary = run.output.split('\n').reverse().find((line) => line.startsWith('{"endpoints"'));
      if (!summary) return { passed: false, detail: `the module did not load:\n${tail(run.output)}` };
      const { endpoints, checked, failures } = JSON.parse(summary) as { endpoints: number; checked: number; failures: string[] };
      return failures.length === 0 && run.code === 0
        ? { passed: true, detail: `${endpoints} endpoints, ${checked} examples accepted by its zod schemas` }
        : { passed: false, detail: failures.join('\n    ') };
    }));
  }
  return results;
}
