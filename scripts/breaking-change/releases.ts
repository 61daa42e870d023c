// The released documents: `releases/vX.Y.Z/openapi.json` (the bundled spec, byte for byte what
// generate wrote when the release was made) and `release.json` beside it (version, date and the
// human summary line). Both are written by `npm run release` and never edited afterwards.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { WORKSPACES } from '../packages/workspaces.ts';
import { GateInputError } from './load-spec.ts';
import { isObject } from './spec.ts';

export const RELEASES_DIR = 'releases';
export const RELEASE_SPEC = 'openapi.json';
export const RELEASE_META = 'release.json';

export interface ReleaseMeta {
  version: string;
  /** YYYY-MM-DD (UTC). */
  date: string;
  summary: string;
  /** The packages published at this version (a release is the set of packages at one version). */
  packages: string[];
}

export interface Release extends ReleaseMeta {
  /** The release folder, relative to the repository root: `releases/v1.0.0`. */
  dir: string;
  /** Its bundled document, relative to the repository root. */
  spec: string;
}

/** A release version is a plain X.Y.Z: no `v`, no pre-release or build suffix. */
export function isReleaseVersion(version: string): boolean {
  return /^\d+\.\d+\.\d+$/.test(version) && semver.valid(version) === version;
}

export function releaseDir(version: string): string {
  return `${RELEASES_DIR}/v${version}`;
}

/** Every release, oldest first. Anything in releases/ that is not a release folder is refused. */
export async function listReleases(root: string): Promise<Release[]> {
  let names: string[];
  try {
    names = await readdir(join(root, RELEASES_DIR));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const releases: Release[] = [];
  for (const name of names) {
    if (name === 'README.md') continue;
    const version = name.replace(/^v/, '');
    if (!name.startsWith('v') || !isReleaseVersion(version)) {
      throw new GateInputError(`${RELEASES_DIR}/${name}: not a release folder (expected vX.Y.Z)`);
    }
    releases.push({ ...(await readMeta(root, version)), dir: releaseDir(version), spec: `${releaseDir(version)}/${RELEASE_SPEC}` });
  }
  return releases.sort((a, b) => semver.compare(a.version, b.version));
}

async function readMeta(root: string, version: string): Promise<ReleaseMeta> {
  const file = `${releaseDir(version)}/${RELEASE_META}`;
  let meta: unknown;
  try {
    meta = JSON.parse(await readFile(join(root, file), 'utf8'));
  } catch (error) {
    throw new GateInputError(`${file}: cannot read it (${error instanceof SyntaxError ? 'not JSON' : ((error as NodeJS.ErrnoException).code ?? 'unknown error')})`);
  }
  const packages = isObject(meta) ? meta.packages : undefined;
  if (
    !isObject(meta) || meta.version !== version || typeof meta.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(meta.date) ||
    typeof meta.summary !== 'string' || !Array.isArray(packages) || !packages.every((name) => typeof name === 'string')
  ) {
    throw new GateInputError(`${file}: expected {"version": "${version}", "date": "YYYY-MM-DD", "summary": "…", "packages": ["…"]}`);
  }
  return { version, date: meta.date, summary: meta.summary, packages: packages as string[] };
}

export function releaseMetaText(meta: ReleaseMeta): string {
  const { version, date, summary, packages } = meta;
  return `${JSON.stringify({ version, date, summary, packages }, null, 2)}\n`;
}

export interface PackageVersion {
  name: string;
  /** Its package.json, relative to the repository root. */
  manifest: string;
  version: string;
}

/** The published packages (the npm workspaces) and the version each package.json gives. */
export async function packageVersions(root: string): Promise<PackageVersion[]> {
  return Promise.all(WORKSPACES.map(async ({ name, folder }) => {
    const manifest = `${folder}/package.json`;
    let version: unknown;
    try {
      version = (JSON.parse(await readFile(join(root, manifest), 'utf8')) as { version?: unknown }).version;
    } catch {
      throw new GateInputError(`${manifest}: cannot read the version of ${name}`);
    }
    return { name, manifest, version: String(version ?? '') };
  }));
}
