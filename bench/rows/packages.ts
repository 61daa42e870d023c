import { execFile, spawn } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildWorkspace } from '../../scripts/packages/build.ts';
import { packWorkspace, type PackedFile } from '../../scripts/packages/pack.ts';
import { WORKSPACES } from '../../scripts/packages/workspaces.ts';
import { writeEnvFile } from '../../mock/src/testing.ts';
import { REPO_ROOT } from '../lib/child.ts';
import { runTsxScript, type TimedRun } from '../lib/command.ts';
import { atMost, formatRatio, formatSeconds, infoRow, judgedRow, type Row } from '../lib/report.ts';
import { startReferenceServer } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';
import { median } from '../lib/stats.ts';

// Row 6: the packages as users install them. Each tarball's size and file count, the size of a
// fresh `npm install` of it into an empty folder (its node_modules, every file's apparent size),
// `npx herald-contract --help` from such an install, and a full suite run from the installed
// package beside the same run from the repository, alternating, each against a fresh reference
// server. Targets from the packages issue: the client installs in at most 2 MiB, the suite and
// the mock together in at most a quarter of the repository's node_modules, the installed suite
// within 1.2× the repository run's time.

const MIB = 1024 * 1024;
const TARGETS = { clientInstallMiB: 2, togetherShareOfRepo: 0.25, installedSuiteVsRepo: atMost(1.2) };
const CLI_RUNS = { full: 3, tiny: 1 };

const run = promisify(execFile);

/** Bytes of every file under `folder` (apparent sizes, symlinks not followed). */
function treeBytes(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += lstatSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** Packages in an install (folders holding a package.json directly under node_modules or a scope). */
function packageCount(nodeModules: string): number {
  let count = 0;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    if (entry.name.startsWith('@')) count += readdirSync(join(nodeModules, entry.name)).length;
    else count++;
  }
  return count;
}

interface Install {
  folder: string;
  bytes: number;
  packages: number;
}

async function freshInstall(tarballs: readonly string[]): Promise<Install> {
  const folder = mkdtempSync(join(tmpdir(), 'herald-bench-install-'));
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'bench-install', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], { cwd: folder, maxBuffer: 1 << 24 });
  const nodeModules = join(folder, 'node_modules');
  return { folder, bytes: treeBytes(nodeModules), packages: packageCount(nodeModules) };
}

async function timed(command: string, args: string[], cwd: string): Promise<TimedRun> {
  const started = performance.now();
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exitCode: number = await new Promise((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return { wallMs: performance.now() - started, exitCode, tail: output.split('\n').slice(-12).join('\n') };
}

/** One suite run against a fresh reference server (default limits, as `npm start` runs it). */
async function suiteRun(runIt: (envFile: string) => Promise<TimedRun>): Promise<TimedRun> {
  const server = await startReferenceServer('defaults');
  const folder = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  try {
    const envFile = join(folder, 'herald.env');
    writeEnvFile(envFile, server.env);
    const result = await runIt(envFile);
    if (result.exitCode !== 0) throw new Error(`the suite exited with ${result.exitCode} against the reference server:\n${result.tail}`);
    return result;
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await server.stop();
  }
}

const mib = (bytes: number) => `${(bytes / MIB).toFixed(2)} MiB`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export async function measurePackages(settings: Settings): Promise<Row[]> {
  const packFolder = mkdtempSync(join(tmpdir(), 'herald-bench-packs-'));
  const installs: Install[] = [];
  try {
    const packed = new Map<string, PackedFile>();
    for (const workspace of WORKSPACES) {
      await buildWorkspace(workspace);
      packed.set(workspace.name, await packWorkspace(workspace, packFolder));
    }
    const rows: Row[] = [];
    const installed = new Map<string, Install>();
    for (const [name, file] of packed) {
      const install = await freshInstall([file.path]);
      installs.push(install);
      installed.set(name, install);
      rows.push(infoRow({
        group: 6,
        id: `packages.${name.replace('@herald/', '')}`,
        name: `${name} (tarball · fresh install)`,
        figure: `${kib(file.size)}, ${file.files.length} files · installs ${mib(install.bytes)} in ${install.packages} package${install.packages === 1 ? '' : 's'}`,
        values: { tarballBytes: file.size, files: file.files.length, unpackedBytes: file.unpackedSize, installBytes: install.bytes, installPackages: install.packages },
        method: '`npm pack` of the built workspace; `npm install <tarball>` into an empty folder, apparent size of node_modules',
      }));
    }

    const client = installed.get('@herald/client')!;
    const clientManifest = JSON.parse(readFileSync(join(client.folder, 'node_modules', '@herald', 'client', 'package.json'), 'utf8'));
    const clientDependencies = Object.keys(clientManifest.dependencies ?? {});
    const clientOk = clientDependencies.length === 1 && clientDependencies[0] === 'openapi-fetch';
    rows.push({
      ...judgedRow({
        group: 6,
        id: 'packages.client.install-size',
        name: '  @herald/client fresh install',
        figure: `${mib(client.bytes)} (dependencies: ${clientDependencies.join(', ')})`,
        values: { installMiB: client.bytes / MIB },
        method: 'node_modules of `npm install herald-client-<version>.tgz`',
        ratio: clientOk ? Math.round((client.bytes / MIB) * 100) / 100 : Number.POSITIVE_INFINITY,
        comparedWith: null,
        target: { kind: 'at-most', value: TARGETS.clientInstallMiB, text: `≤ ${TARGETS.clientInstallMiB} MiB, openapi-fetch alone`, unit: 'MiB' },
      }),
    });

    const together = await freshInstall([packed.get('@herald/contract')!.path, packed.get('@herald/mock')!.path]);
    installs.push(together);
    const repoBytes = treeBytes(join(REPO_ROOT, 'node_modules'));
    const share = together.bytes / repoBytes;
    rows.push(judgedRow({
      group: 6,
      id: 'packages.contract-and-mock.vs-repo',
      name: '  @herald/contract + @herald/mock ÷ repository node_modules',
      figure: `${mib(together.bytes)} ÷ ${mib(repoBytes)} (${(share * 100).toFixed(1)} %)`,
      values: { togetherBytes: together.bytes, repoBytes, share },
      method: 'one `npm install` of both tarballs into an empty folder, beside the repository after `npm ci`',
      ratio: share,
      comparedWith: '÷ repository node_modules',
      target: atMost(TARGETS.togetherShareOfRepo),
    }));

    const contractFolder = installed.get('@herald/contract')!.folder;
    const helpRuns: TimedRun[] = [];
    for (let i = 0; i < CLI_RUNS[settings.mode]; i++) {
      const help = await timed('npx', ['herald-contract', '--help'], contractFolder);
      if (help.exitCode !== 0) throw new Error(`npx herald-contract --help exited with ${help.exitCode}:\n${help.tail}`);
      helpRuns.push(help);
    }
    rows.push(infoRow({
      group: 6,
      id: 'packages.contract.help-start',
      name: '`npx herald-contract --help`, installed',
      figure: `${formatSeconds(helpRuns[0].wallMs)} first · ${formatSeconds(median(helpRuns.map((r) => r.wallMs)))} median`,
      values: { firstMs: Math.round(helpRuns[0].wallMs), medianMs: Math.round(median(helpRuns.map((r) => r.wallMs))) },
      method: `spawn to exit, ${helpRuns.length} run(s) in a fresh install (npx's own start-up included)`,
    }));

    const bin = join(contractFolder, 'node_modules', '.bin', 'herald-contract');
    const fromPackage: TimedRun[] = [];
    const fromRepo: TimedRun[] = [];
    for (let i = 0; i < settings.toolRuns; i++) {
      const installedRun = () => suiteRun((envFile) => timed(bin, ['--env-file', envFile], contractFolder));
      const repoRun = () => suiteRun((envFile) => runTsxScript('contract-tests/src/cli.ts', ['--env-file', envFile]));
      if (i % 2 === 0) {
        fromPackage.push(await installedRun());
        fromRepo.push(await repoRun());
      } else {
        fromRepo.push(await repoRun());
        fromPackage.push(await installedRun());
      }
    }
    const packageWall = median(fromPackage.map((r) => r.wallMs));
    const repoWall = median(fromRepo.map((r) => r.wallMs));
    const runs = `${settings.toolRuns} alternating run${settings.toolRuns > 1 ? 's' : ''} each, fresh server per run`;
    rows.push(
      infoRow({
        group: 6,
        id: 'packages.suite-installed',
        name: 'full suite run, installed (herald-contract)',
        figure: `${formatSeconds(packageWall)} wall`,
        values: { wallMs: Math.round(packageWall) },
        method: `median wall time, spawn to exit; ${runs}`,
      }),
      infoRow({
        group: 6,
        id: 'packages.suite-repository',
        name: 'full suite run, repository (tsx contract-tests/src/cli.ts)',
        figure: `${formatSeconds(repoWall)} wall`,
        values: { wallMs: Math.round(repoWall) },
        method: `median wall time, spawn to exit; ${runs}`,
      }),
      judgedRow({
        group: 6,
        id: 'packages.suite-installed.vs-repository',
        name: '  installed ÷ repository',
        figure: `${formatSeconds(packageWall)} ÷ ${formatSeconds(repoWall)} (${formatRatio(packageWall / repoWall)})`,
        values: { ratio: packageWall / repoWall },
        method: `medians of ${runs}`,
        ratio: packageWall / repoWall,
        comparedWith: '÷ repository run',
        target: TARGETS.installedSuiteVsRepo,
      }),
    );
    return rows;
  } finally {
    for (const install of installs) rmSync(install.folder, { recursive: true, force: true });
    rmSync(packFolder, { recursive: true, force: true });
  }
}
