// CHANGELOG.md, generated: for every release (newest first) its human summary line, then the
// changes the gate classifies between it and the release before, grouped by severity. The file is
// a pure function of releases/ and the gate's rules, so a test can rebuild it and compare.
import { join } from 'node:path';
import { diffSpecs } from './diff.ts';
import { countSeverities, type Finding, operationLabel } from './findings.ts';
import { loadSpec } from './load-spec.ts';
import type { Release } from './releases.ts';
import { SEVERITIES, type Severity } from './rules.ts';

export const CHANGELOG_FILE = 'CHANGELOG.md';

const HEADER = `# Changelog

Releases of the Herald API contract, newest first. Each release's bundled document is
\`releases/vX.Y.Z/openapi.json\`. An entry's first line is its human summary; the list under it is
what the breaking-change gate classifies between that release and the one before it (rule id,
JSON pointer, what changed, the operations it reaches; the rules are catalogued in
[scripts/breaking-change/README.md](scripts/breaking-change/README.md)).

This file is written by \`npm run release\` and never by hand: \`npm test\` rebuilds it from
\`releases/\` and fails on any difference (\`npm run release -- --changelog\` rewrites it).
`;

const HEADINGS: Record<Severity, string> = {
  breaking: 'Breaking',
  security: 'Security (the contract got weaker)',
  compatible: 'Compatible',
  info: 'Info',
};

export interface ReleaseChanges {
  release: Release;
  previous?: Release;
  /** Undefined for the first release. */
  findings?: Finding[];
}

/** Each release with the findings between it and the one before, oldest first. */
export async function classifyReleases(root: string, releases: Release[]): Promise<ReleaseChanges[]> {
  const specs = await Promise.all(releases.map((release) => loadSpec(join(root, release.spec), release.spec)));
  return releases.map((release, index) => {
    if (index === 0) return { release };
    return { release, previous: releases[index - 1]!, findings: diffSpecs(specs[index - 1]!, specs[index]!) };
  });
}

export function renderChangelog(changes: ReleaseChanges[]): string {
  const entries = [...changes].reverse().map(renderEntry);
  return `${[HEADER, ...entries].join('\n')}`;
}

export function renderEntry({ release, previous, findings }: ReleaseChanges): string {
  const lines = [`## ${release.version} — ${release.date}`, '', release.summary, ''];
  if (release.packages.length > 0) lines.push(`Packages: ${release.packages.map((name) => `\`${name}@${release.version}\``).join(', ')}.`, '');
  if (!previous || !findings) {
    lines.push('First release: there is no earlier release to compare it with.', '');
    return lines.join('\n');
  }
  if (findings.length === 0) {
    lines.push(`Compared with ${previous.version}: no difference in the contract.`, '');
    return lines.join('\n');
  }
  const counts = countSeverities(findings);
  lines.push(`Compared with ${previous.version}: ${SEVERITIES.map((severity) => `${counts[severity]} ${severity}`).join(', ')}.`, '');
  for (const severity of SEVERITIES) {
    const group = findings.filter((finding) => finding.severity === severity);
    if (group.length === 0) continue;
    lines.push(`### ${HEADINGS[severity]}`, '');
    for (const finding of group) lines.push(changeLine(finding));
    lines.push('');
  }
  return lines.join('\n');
}

function changeLine(finding: Finding): string {
  const subjects = finding.subjects.length > 0 ? `${finding.subjects.join(', ')}: ` : '';
  const operations = finding.operations.length > 0 ? ` (${finding.operations.map(operationLabel).join(', ')})` : '';
  return `- \`${finding.rule}\` \`${finding.pointer}\` — ${subjects}${finding.change}${operations}`;
}

/** The `rule pointer` pairs the CHANGELOG lists under a version's entry. */
export function listedChanges(changelog: string, version: string): Set<string> {
  const listed = new Set<string>();
  let inEntry = false;
  for (const line of changelog.split('\n')) {
    if (line.startsWith('## ')) inEntry = line.startsWith(`## ${version} `);
    if (!inEntry) continue;
    const match = /^- `([^`]+)` `([^`]+)`/.exec(line);
    if (match) listed.add(`${match[1]} ${match[2]}`);
  }
  return listed;
}

export function listingKey(finding: Finding): string {
  return `${finding.rule} ${finding.pointer}`;
}
