// The gate `npm test` runs: the current bundle (generated/openapi.json) against the latest
// release. It passes when nothing breaking or weaker came in — unless info.version's major number
// went up, and then every breaking and security change must be listed in CHANGELOG.md under that
// version (which `npm run release` writes).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { BUNDLE_JSON } from '../generate/outputs.ts';
import { CHANGELOG_FILE, listedChanges, listingKey } from './changelog.ts';
import { diffSpecs } from './diff.ts';
import { hasGateFailures } from './findings.ts';
import { GateInputError, loadSpec } from './load-spec.ts';
import { isReleaseVersion, listReleases, RELEASES_DIR } from './releases.ts';
import { type GateResult, plainResult } from './result.ts';
import { failsGate } from './rules.ts';

export const CURRENT_SPEC = BUNDLE_JSON;

export async function gateAgainstLatestRelease(root: string): Promise<GateResult> {
  const releases = await listReleases(root);
  const latest = releases.at(-1);
  if (!latest) throw new GateInputError(`no release in ${RELEASES_DIR}/: make the first one with \`npm run release -- X.Y.Z --summary "…"\``);
  const base = await loadSpec(join(root, latest.spec), latest.spec);
  const revision = await loadSpec(join(root, CURRENT_SPEC), CURRENT_SPEC);
  const version = revision.version;
  if (!isReleaseVersion(version)) throw new GateInputError(`${CURRENT_SPEC}: info.version "${version}" is not a version X.Y.Z`);
  const findings = diffSpecs(base, revision);
  const result = plainResult(base, revision, findings);
  if (semver.lt(version, latest.version)) {
    return { ...result, exitCode: 1, verdict: `info.version ${version} is older than the latest release ${latest.version}` };
  }
  if (!hasGateFailures(findings)) return result;
  if (semver.major(version) <= semver.major(latest.version)) {
    return {
      ...result,
      verdict: `${result.verdict}; a breaking change needs a new major version: set info.version to ${semver.major(latest.version) + 1}.0.0 and release it (\`npm run release\`)`,
    };
  }
  const listed = listedChanges(await readChangelog(root), version);
  const unlisted = findings.filter((finding) => failsGate(finding.severity) && !listed.has(listingKey(finding)));
  if (unlisted.length > 0) {
    return {
      ...result,
      exitCode: 1,
      verdict: `info.version's major went up to ${version}, but ${unlisted.length} breaking or security change(s) are not listed in ${CHANGELOG_FILE} under ${version}: release it with \`npm run release -- ${version} --summary "…"\``,
    };
  }
  return {
    ...result,
    exitCode: 0,
    verdict: `allowed: info.version's major went up (${latest.version} → ${version}) and ${CHANGELOG_FILE} lists every breaking and security change under ${version}`,
  };
}

async function readChangelog(root: string): Promise<string> {
  try {
    return await readFile(join(root, CHANGELOG_FILE), 'utf8');
  } catch {
    return '';
  }
}
