// `npm run check:breaking -- [BASE REVISION] [--json] [--junit FILE]`
//
// Exit 0: no breaking or security change. 1: at least one (or the release policy fails).
// 2: the gate could not run (unreadable file, not OpenAPI, bad $ref, bad arguments), with a
// one-line reason on stderr and never a stack trace.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../generate/repo-root.ts';
import { diffSpecs } from './diff.ts';
import { type CliIo, parseCommandLine, runAsCli } from './cli-io.ts';
import { GateInputError, loadSpec } from './load-spec.ts';
import { gateAgainstLatestRelease } from './policy.ts';
import { renderJson } from './report-json.ts';
import { renderJUnit } from './report-junit.ts';
import { renderText } from './report-text.ts';
import { type GateResult, plainResult } from './result.ts';

export const USAGE = `Usage: npm run check:breaking -- [BASE REVISION] [--json] [--junit FILE]

Compares two bundled OpenAPI 3 documents (JSON or YAML) and classifies every difference:
breaking, security, compatible or info. Without BASE and REVISION: the latest release in
releases/ against generated/openapi.json, under the release policy (a breaking change needs a
new major version listed in CHANGELOG.md).

  --json         print the findings as JSON instead of text
  --junit FILE   also write them as JUnit XML to FILE

Exit 0: nothing breaking or weaker. 1: a breaking or security change. 2: cannot run.`;

export async function checkBreaking(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    json: { type: 'boolean' },
    junit: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 0 && positionals.length !== 2) {
    throw new GateInputError(`give both BASE and REVISION, or neither (got ${positionals.length} file${positionals.length === 1 ? '' : 's'}); see --help`);
  }
  const result = positionals.length === 2
    ? await compareFiles(io.cwd, positionals[0]!, positionals[1]!)
    : await gateAgainstLatestRelease(io.root);
  if (values.junit) {
    const file = resolve(io.cwd, values.junit);
    try {
      await writeFile(file, renderJUnit(result));
    } catch (error) {
      throw new GateInputError(`cannot write the JUnit report to ${values.junit} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  io.out(values.json ? renderJson(result) : renderText(result));
  return result.exitCode;
}

async function compareFiles(cwd: string, baseFile: string, revisionFile: string): Promise<GateResult> {
  const [base, revision] = await Promise.all([loadSpec(resolve(cwd, baseFile), baseFile), loadSpec(resolve(cwd, revisionFile), revisionFile)]);
  return plainResult(base, revision, diffSpecs(base, revision));
}

runAsCli(import.meta.url, 'check:breaking', (argv, io) => checkBreaking(argv, io), REPO_ROOT);
