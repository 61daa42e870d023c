// Releases and the CHANGELOG. The committed ones must agree: every release folder holds the
// document of its version, and CHANGELOG.md is exactly what the gate classifies between
// consecutive releases (so nobody edits either by hand). Then the release command and the
// release policy of `npm test`, on throw-away copies of the repository's releases.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANGELOG_FILE, classifyReleases, listedChanges, listingKey, renderChangelog } from '../../breaking-change/changelog.ts';
import { type CliIo, runCommand } from '../../breaking-change/cli-io.ts';
import { release } from '../../breaking-change/cli-release.ts';
import { hasGateFailures } from '../../breaking-change/findings.ts';
import { KEY_FORMAT_SCHEMAS, locateKeyFormat } from '../../breaking-change/key-format.ts';
import { loadSpec } from '../../breaking-change/load-spec.ts';
import { CURRENT_SPEC, gateAgainstLatestRelease } from '../../breaking-change/policy.ts';
import { listReleases, RELEASES_DIR } from '../../breaking-change/releases.ts';
import { failsGate } from '../../breaking-change/rules.ts';
import { REPO_ROOT } from '../../generate/repo-root.ts';
import { WORKSPACES } from '../../packages/workspaces.ts';
import { clone, type Doc, operation } from './plant.ts';

describe('the committed releases and CHANGELOG.md', async () => {
  const releases = await listReleases(REPO_ROOT);
  const changes = await classifyReleases(REPO_ROOT, releases);

  it('has at least the first release, v1.0.0', () => {
    expect(releases[0]?.version).toBe('1.0.0');
  });

  it.each(releases.map((r) => [r.version, r] as const))('releases/v%s holds the document of that version', async (_version, known) => {
    const spec = await loadSpec(join(REPO_ROOT, known.spec), known.spec);
    expect(spec.version).toBe(known.version);
    expect(known.summary.trim()).not.toBe('');
  });

  it('CHANGELOG.md is exactly what the gate classifies between consecutive releases', async () => {
    expect(await readFile(join(REPO_ROOT, CHANGELOG_FILE), 'utf8')).toBe(renderChangelog(changes));
  });

  it('the first entry says it is the first release', async () => {
    const changelog = await readFile(join(REPO_ROOT, CHANGELOG_FILE), 'utf8');
    const first = changelog.slice(changelog.indexOf(`## ${releases[0]!.version} `));
    expect(first).toContain('First release');
  });

  it('a breaking or security change between two releases comes with a new major version, listed under it', async () => {
    const changelog = await readFile(join(REPO_ROOT, CHANGELOG_FILE), 'utf8');
    for (const { release: known, previous, findings } of changes) {
      if (!previous || !findings || !hasGateFailures(findings)) continue;
      expect(semver.major(known.version)).toBeGreaterThan(semver.major(previous.version));
      const listed = listedChanges(changelog, known.version);
      for (const finding of findings.filter((f) => failsGate(f.severity))) expect(listed).toContain(listingKey(finding));
    }
  });

  it('the key-format schemas are found in the latest release and in the current spec', async () => {
    for (const file of [releases.at(-1)!.spec, CURRENT_SPEC]) {
      const found = locateKeyFormat(await loadSpec(join(REPO_ROOT, file)));
      expect(found.map((location) => location.schema), file).toEqual(KEY_FORMAT_SCHEMAS);
    }
  });

  it('releases/ holds nothing but release folders', async () => {
    for (const name of await readdir(join(REPO_ROOT, RELEASES_DIR))) expect(name).toMatch(/^v\d+\.\d+\.\d+$|^README\.md$/);
  });
});

describe('npm run release and the release policy, on a copy', () => {
  let root: string;
  const today = () => new Date('2026-12-24T10:00:00Z');

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'herald-release-'));
    await cp(join(REPO_ROOT, RELEASES_DIR), join(root, RELEASES_DIR), { recursive: true });
    await cp(join(REPO_ROOT, CHANGELOG_FILE), join(root, CHANGELOG_FILE));
    await mkdir(join(root, 'generated'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const latest = async () => (await listReleases(REPO_ROOT)).at(-1)!.version;
  const major = async () => semver.major(await latest());

  /** generated/openapi.json: the current spec with `plant` applied, at info.version `version`; the packages at `packages`. */
  async function current(version: string, plant: (doc: Doc) => void = () => {}, packages = version): Promise<void> {
    const doc = clone();
    plant(doc);
    doc.info.version = version;
    await writeFile(join(root, CURRENT_SPEC), `${JSON.stringify(doc, null, 2)}\n`);
    for (const { name, folder } of WORKSPACES) {
      await mkdir(join(root, folder), { recursive: true });
      await writeFile(join(root, folder, 'package.json'), JSON.stringify({ name, version: packages }));
    }
  }

  async function releaseCommand(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { out: (text) => (stdout += text), err: (text) => (stderr += text), cwd: root, root };
    const code = await runCommand('release', (args, cliIo) => release(args, cliIo, { today }), argv, io);
    return { code, stdout, stderr };
  }

  const compatible = (doc: Doc) => doc.servers.push({ url: 'https://ap.api.herald.example/v1', description: 'AP region' });
  const breaking = (doc: Doc) => {
    for (const alternative of operation(doc, 'getUsage').security) for (const scopes of Object.values<string[]>(alternative)) scopes.push('keys:write');
  };

  it('releases a compatible change as a minor version, with its entry and today\'s date', async () => {
    const next = `${await major()}.${semver.minor(await latest()) + 1}.0`;
    await current(next, compatible);
    const { code, stdout } = await releaseCommand(next, '--summary', 'Adds the AP region.');
    expect(code).toBe(0);
    expect(stdout).toContain(`Released ${next}`);
    expect(await readFile(join(root, RELEASES_DIR, `v${next}`, 'openapi.json'), 'utf8')).toBe(await readFile(join(root, CURRENT_SPEC), 'utf8'));
    expect(JSON.parse(await readFile(join(root, RELEASES_DIR, `v${next}`, 'release.json'), 'utf8'))).toEqual({
      version: next,
      date: '2026-12-24',
      summary: 'Adds the AP region.',
      packages: WORKSPACES.map((w) => w.name),
    });
    const changelog = await readFile(join(root, CHANGELOG_FILE), 'utf8');
    expect(changelog.indexOf(`## ${next} — 2026-12-24`)).toBeLessThan(changelog.indexOf(`## ${await latest()} `));
    expect(changelog).toContain('Adds the AP region.');
    const entry = changelog.slice(changelog.indexOf(`## ${next} `), changelog.indexOf(`## ${await latest()} `));
    expect(entry).toContain('### Compatible\n');
    expect(entry).toMatch(/^- `server\.added` `#\/servers\/\d+` — server https:\/\/ap\.api\.herald\.example\/v1: added$/m);
    expect(entry).not.toContain('### Breaking');
    expect(changelog).toBe(renderChangelog(await classifyReleases(root, await listReleases(root))));
    expect((await gateAgainstLatestRelease(root)).exitCode).toBe(0);
  });

  it('refuses a breaking change without a new major version, and writes nothing', async () => {
    const next = `${await major()}.${semver.minor(await latest()) + 1}.0`;
    await current(next, breaking);
    const before = await readFile(join(root, CHANGELOG_FILE), 'utf8');
    const { code, stderr } = await releaseCommand(next, '--summary', 'Tightens usage.');
    expect(code).toBe(1);
    expect(stderr).toContain('auth.scope-added');
    expect(stderr).toMatch(/release: refused: breaking or security changes .* need a new major version: \d+\.0\.0/);
    expect(await readdir(join(root, RELEASES_DIR))).not.toContain(`v${next}`);
    expect(await readFile(join(root, CHANGELOG_FILE), 'utf8')).toBe(before);
  });

  it('releases a breaking change as a new major version and lists it; the gate then passes', async () => {
    const next = `${(await major()) + 1}.0.0`;
    await current(next, breaking);
    const { code } = await releaseCommand(next, '--summary', 'GET /usage needs keys:write.');
    expect(code).toBe(0);
    const changelog = await readFile(join(root, CHANGELOG_FILE), 'utf8');
    expect(listedChanges(changelog, next)).toContain('auth.scope-added #/paths/~1usage/get/security');
    expect(changelog).toContain('### Breaking');
    const gate = await gateAgainstLatestRelease(root);
    expect(gate.exitCode).toBe(0);
  });

  it('refuses when info.version is not the version asked for, an existing one or an older one', async () => {
    await current(await latest());
    expect((await releaseCommand('9.9.9', '--summary', 'x')).stderr).toMatch(/has info\.version .*, not 9\.9\.9/);
    expect((await releaseCommand(await latest(), '--summary', 'x')).stderr).toMatch(/is released/);
    await current('0.0.1');
    expect((await releaseCommand('0.0.1', '--summary', 'x')).stderr).toMatch(/not newer than the latest release/);
    expect((await releaseCommand('1.2', '--summary', 'x')).stderr).toMatch(/give one version X\.Y\.Z/);
    expect((await releaseCommand('9.9.9')).stderr).toMatch(/--summary/);
  });

  it('refuses while a package is not at the version released: a release is the set of packages at one version', async () => {
    const next = `${await major()}.${semver.minor(await latest()) + 1}.0`;
    await current(next, compatible, await latest());
    const { code, stderr } = await releaseCommand(next, '--summary', 'Adds the AP region.');
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`${WORKSPACES[0]!.folder}/package\\.json is at ${(await latest()).replace(/\./g, '\\.')}`));
    expect(await readdir(join(root, RELEASES_DIR))).not.toContain(`v${next}`);
  });

  it('--dry-run prints the entry and writes nothing', async () => {
    const next = `${await major()}.${semver.minor(await latest()) + 1}.0`;
    await current(next, compatible);
    const { code, stdout } = await releaseCommand(next, '--summary', 'Adds the AP region.', '--dry-run');
    expect(code).toBe(0);
    expect(stdout).toContain(`## ${next} — 2026-12-24`);
    expect(await readdir(join(root, RELEASES_DIR))).not.toContain(`v${next}`);
  });

  it('--changelog rewrites a CHANGELOG.md that was edited by hand', async () => {
    const expected = await readFile(join(root, CHANGELOG_FILE), 'utf8');
    await writeFile(join(root, CHANGELOG_FILE), `${expected}\n- a line someone added\n`);
    expect((await releaseCommand('--changelog')).code).toBe(0);
    expect(await readFile(join(root, CHANGELOG_FILE), 'utf8')).toBe(expected);
  });

  describe('the gate npm test runs (latest release → generated/openapi.json)', () => {
    it('fails a breaking change made without raising the major version', async () => {
      await current(await latest(), breaking);
      const result = await gateAgainstLatestRelease(root);
      expect(result.exitCode).toBe(1);
      expect(result.verdict).toMatch(/needs a new major version/);
    });

    it('fails a raised major whose breaking changes the CHANGELOG does not list', async () => {
      const next = `${(await major()) + 1}.0.0`;
      await current(next, breaking);
      const result = await gateAgainstLatestRelease(root);
      expect(result.exitCode).toBe(1);
      expect(result.verdict).toMatch(new RegExp(`not listed in CHANGELOG\\.md under ${next.replace(/\./g, '\\.')}`));
    });

    it('passes a raised major when the CHANGELOG lists every breaking change under it', async () => {
      const next = `${(await major()) + 1}.0.0`;
      await current(next, breaking);
      const findings = (await gateAgainstLatestRelease(root)).findings.filter((f) => failsGate(f.severity));
      const entry = [`## ${next} — 2026-12-24`, '', ...findings.map((f) => `- \`${f.rule}\` \`${f.pointer}\` — ${f.change}`), ''].join('\n');
      const changelog = await readFile(join(root, CHANGELOG_FILE), 'utf8');
      await writeFile(join(root, CHANGELOG_FILE), changelog.replace('\n## ', `\n${entry}\n## `));
      const result = await gateAgainstLatestRelease(root);
      expect(result.exitCode).toBe(0);
      expect(result.verdict).toMatch(/^allowed: info\.version's major went up/);
    });

    it('fails an info.version older than the latest release', async () => {
      await current('0.0.1');
      expect((await gateAgainstLatestRelease(root)).verdict).toMatch(/older than the latest release/);
    });

    it('cannot run without any release (exit 2)', async () => {
      await rm(join(root, RELEASES_DIR), { recursive: true });
      await current('1.0.0');
      await expect(gateAgainstLatestRelease(root)).rejects.toThrow(/no release in releases\//);
    });
  });
});
