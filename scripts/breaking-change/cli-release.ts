// `npm run release -- X.Y.Z --summary "…" [--date YYYY-MM-DD] [--dry-run]`
// `npm run release -- --changelog`   (rewrite CHANGELOG.md from releases/ only)
//
// Makes a release of the contract — the bundled spec and the packages at one version: checks that
// info.version and every package's version are X.Y.Z, newer than the latest release; runs the
// gate against that release (a breaking or security change needs a new major version); snapshots
// generated/openapi.json into releases/vX.Y.Z/ with its release.json; rewrites CHANGELOG.md. Exit 0: released. 1: refused (and why). 2: cannot run.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { REPO_ROOT } from '../generate/repo-root.ts';
import { CHANGELOG_FILE, classifyReleases, renderChangelog, renderEntry } from './changelog.ts';
import { type CliIo, parseCommandLine, runAsCli } from './cli-io.ts';
import { diffSpecs } from './diff.ts';
import { hasGateFailures } from './findings.ts';
import { loadSpec } from './load-spec.ts';
import { CURRENT_SPEC } from './policy.ts';
import { isReleaseVersion, listReleases, packageVersions, type Release, RELEASE_META, RELEASE_SPEC, releaseDir, releaseMetaText } from './releases.ts';
import { renderText } from './report-text.ts';
import { plainResult } from './result.ts';

export const USAGE = `Usage: npm run release -- X.Y.Z --summary "One line for the CHANGELOG" [--date YYYY-MM-DD] [--dry-run]
       npm run release -- --changelog

Releases the current bundle (generated/openapi.json; run \`npm run generate\` first) and the
packages as version X.Y.Z: info.version and every package's version must be X.Y.Z, newer than the
latest release; a breaking or security change since that release needs a new major version.
Writes releases/vX.Y.Z/openapi.json and release.json, and rewrites CHANGELOG.md.

  --summary TEXT   the human summary line of the CHANGELOG entry (required)
  --date DATE      the release date (default: today, UTC)
  --dry-run        print the CHANGELOG entry, write nothing
  --changelog      only rewrite CHANGELOG.md from releases/

Exit 0: released. 1: refused, with the reason. 2: cannot run.`;

/** Refused: the release would break the rules (exit 1, one line). */
export class ReleaseRefused extends Error {}

export interface ReleaseOptions {
  /** Today's date, injected by tests. */
  today?: () => Date;
}

export async function release(argv: string[], io: CliIo, options: ReleaseOptions = {}): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    summary: { type: 'string' },
    date: { type: 'string' },
    'dry-run': { type: 'boolean' },
    changelog: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  try {
    if (values.changelog) {
      await writeChangelog(io.root);
      io.out(`Rewrote ${CHANGELOG_FILE} from ${(await listReleases(io.root)).length} release(s).\n`);
      return 0;
    }
    const version = positionals[0] ?? '';
    if (positionals.length !== 1 || !isReleaseVersion(version)) throw new ReleaseRefused(`give one version X.Y.Z (got ${positionals.join(' ') || 'none'}); see --help`);
    const summary = (values.summary ?? '').trim();
    if (!summary || summary.includes('\n')) throw new ReleaseRefused('give the CHANGELOG summary in one line: --summary "…"');
    const date = values.date ?? (options.today?.() ?? new Date()).toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new ReleaseRefused(`--date ${date}: expected YYYY-MM-DD`);
    return await makeRelease(io, { version, summary, date }, values['dry-run'] === true);
  } catch (error) {
    if (!(error instanceof ReleaseRefused)) throw error;
    io.err(`release: refused: ${error.message}\n`);
    return 1;
  }
}

async function makeRelease(io: CliIo, meta: { version: string; summary: string; date: string }, dryRun: boolean): Promise<number> {
  const current = await loadSpec(join(io.root, CURRENT_SPEC), CURRENT_SPEC);
  if (current.version !== meta.version) {
    throw new ReleaseRefused(`${CURRENT_SPEC} has info.version ${current.version || '(none)'}, not ${meta.version}: set info.version in openapi/openapi.yaml and run \`npm run generate\``);
  }
  const releases = await listReleases(io.root);
  const latest = releases.at(-1);
  if (releases.some((known) => known.version === meta.version)) throw new ReleaseRefused(`${releaseDir(meta.version)} exists: ${meta.version} is released`);
  if (latest && !semver.gt(meta.version, latest.version)) throw new ReleaseRefused(`${meta.version} is not newer than the latest release ${latest.version}`);

  const packages = await packageVersions(io.root);
  const behind = packages.filter((known) => known.version !== meta.version);
  if (behind.length > 0) {
    throw new ReleaseRefused(`a release is the set of packages at one version, and ${behind.map((known) => `${known.manifest} is at ${known.version}`).join(', ')}: set them to ${meta.version} and run \`npm install\``);
  }
  const entryRelease: Release = {
    ...meta,
    packages: packages.map((known) => known.name),
    dir: releaseDir(meta.version),
    spec: `${releaseDir(meta.version)}/${RELEASE_SPEC}`,
  };
  let findings;
  if (latest) {
    const base = await loadSpec(join(io.root, latest.spec), latest.spec);
    findings = diffSpecs(base, current);
    if (hasGateFailures(findings) && semver.major(meta.version) <= semver.major(latest.version)) {
      io.err(renderText({ ...plainResult(base, current, findings), verdict: 'not released' }));
      throw new ReleaseRefused(`breaking or security changes since ${latest.version} (above) need a new major version: ${semver.major(latest.version) + 1}.0.0`);
    }
  }
  const entry = renderEntry({ release: entryRelease, ...(latest ? { previous: latest, findings } : {}) });
  if (dryRun) {
    io.out(`Dry run: would write ${entryRelease.spec}, ${entryRelease.dir}/${RELEASE_META} and this ${CHANGELOG_FILE} entry:\n\n${entry}`);
    return 0;
  }
  await mkdir(join(io.root, entryRelease.dir), { recursive: true });
  await copyFile(join(io.root, CURRENT_SPEC), join(io.root, entryRelease.spec));
  await writeFile(join(io.root, entryRelease.dir, RELEASE_META), releaseMetaText(entryRelease));
  await writeChangelog(io.root);
  io.out(`Released ${meta.version}: wrote ${entryRelease.spec}, ${entryRelease.dir}/${RELEASE_META} and ${CHANGELOG_FILE}:\n\n${entry}`);
  return 0;
}

async function writeChangelog(root: string): Promise<void> {
  const changes = await classifyReleases(root, await listReleases(root));
  await writeFile(join(root, CHANGELOG_FILE), renderChangelog(changes));
}

runAsCli(import.meta.url, 'release', (argv, io) => release(argv, io), REPO_ROOT);
