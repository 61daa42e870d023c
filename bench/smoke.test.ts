import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results, Row } from './lib/report.ts';

// Runs the whole bench in tiny mode, as `npm run bench -- --tiny` would, and checks that every
// row of issue 6 was measured and reported in the documented JSON shape. Nothing here looks at
// how fast anything was: a tiny run's figures mean nothing, and timing belongs to the bench.

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'herald-bench-smoke-'));
const resultsPath = join(folder, 'results.json');
let exitCode: number | null = null;
let output = '';
let results: Results;

beforeAll(async () => {
  const child = spawn(`${REPO_ROOT}node_modules/.bin/tsx`, ['bench/run.ts', '--tiny', '--out', resultsPath], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  exitCode = await new Promise((resolve) => child.on('close', resolve));
  results = JSON.parse(readFileSync(resultsPath, 'utf8')) as Results;
}, 600_000);

afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The rows the bench must always produce, by id. */
const EXPECTED_ROWS = [
  'throughput.health',
  'throughput.bare-node-http',
  // The two ways of writing the ping's bytes that were not the fastest in the run (which two
  // depends on the run), each against the fastest.
  'throughput.bare-node-http.*',
  'throughput.bare-node-http.*',
  'throughput.prism',
  'throughput.bare-node-http.vs-health',
  'throughput.bare-node-http.vs-prism',
  ...['apikey', 'bearer', 'x-api-key'].flatMap((form) => [
    `throughput.ping-${form}`,
    `throughput.ping-${form}.vs-health`,
    `throughput.ping-${form}.vs-bare-node-http`,
    `throughput.ping-${form}.vs-prism`,
  ]),
  'rejection.valid',
  'rejection.malformed',
  'rejection.malformed.vs-valid',
  'rejection.malformed.lookups',
  'rejection.unknown',
  'rejection.unknown.vs-valid',
  'memory.unknown-keys',
  'memory.unknown-keys.state',
  'memory.idempotency-keys',
  'memory.idempotency-keys.cap',
  'conformance.dredd',
  'conformance.suite',
  'conformance.checks-vs-dredd',
  'conformance.wall-vs-dredd',
  'conformance.suite-full-run',
  'conformance.suite-checks-per-second',
  'conformance.suite-cases-per-second',
  'generation',
  ...['openapi', 'client', 'mock', 'contract'].map((name) => `packages.${name}`),
  'packages.client.install-size',
  'packages.contract-and-mock.vs-repo',
  'packages.contract.help-start',
  'packages.suite-installed',
  'packages.suite-repository',
  'packages.suite-installed.vs-repository',
  'client.bare-fetch',
  'client.openapi-fetch',
  'client.overhead',
  'client.overhead.no-timeout',
  'client.bundle',
  'client.bundle.sdk',
  ...['small', 'medium', 'large'].map((size) => `scale.store-${size}`),
  'scale.memory-per-key',
  ...['ping', 'cycle'].flatMap((kind) => [
    `scale.${kind}-small`,
    ...['medium', 'large'].flatMap((size) => [`scale.${kind}-${size}`, `scale.${kind}-${size}.vs-small`, `scale.${kind}-${size}.p99-vs-small`]),
  ]),
  'scale.page-first',
  'scale.page-last',
  'scale.page-last.vs-first',
  'scale.idempotency-at-cap',
  'scale.idempotency-below-cap',
  'scale.idempotency-at-cap.vs-below',
  'scale.idempotency-at-cap.p99-vs-below',
];

/** A row id as EXPECTED_ROWS names it: the bare node:http ways that lost are shown as `*`. */
function expectedId(id: string): string {
  return /^throughput\.bare-node-http\.(?!vs-)/.test(id) ? 'throughput.bare-node-http.*' : id;
}

describe('npm run bench -- --tiny', () => {
  it('measures every row and exits 0', () => {
    const errors = results.rows.filter((row) => row.result === 'error').map((row) => `${row.id}: ${row.reason}`);
    expect(errors).toEqual([]);
    expect(exitCode, output).toBe(0);
    expect(results.rows.map((row) => expectedId(row.id)).sort()).toEqual([...EXPECTED_ROWS].sort());
  });

  it('writes the documented JSON shape', () => {
    expect(results).toMatchObject({ mode: 'tiny', machine: { cpus: expect.any(Number), node: process.version } });
    expect(Number.isNaN(Date.parse(results.startedAt))).toBe(false);
    for (const row of results.rows) {
      expect(row, row.id).toMatchObject<Partial<Row>>({
        group: expect.any(Number),
        name: expect.any(String),
        figure: expect.any(String),
        method: expect.any(String),
      });
      expect([1, 2, 3, 4, 5, 6, 7, 8]).toContain(row.group);
      expect(['pass', 'short', 'info']).toContain(row.result);
      for (const value of Object.values(row.values)) if (value !== null) expect(Number.isFinite(value), row.id).toBe(true);
      if (row.target === null) {
        expect(row.result, row.id).toBe('info');
      } else {
        // A row with a target has the number the target applies to, and a verdict on it.
        expect(Number.isFinite(row.ratio), row.id).toBe(true);
        expect(['pass', 'short']).toContain(row.result);
      }
    }
  });

  it('carries the figures each row is about', () => {
    const byId = new Map(results.rows.map((row) => [row.id, row]));
    for (const id of ['throughput.health', 'throughput.bare-node-http', 'throughput.prism', 'throughput.ping-apikey', 'rejection.valid']) {
      const { values } = byId.get(id) as Row;
      expect(values.requestsPerSecond, id).toBeGreaterThan(0);
      expect(values.p50Ms, id).toBeGreaterThanOrEqual(0);
      expect(values.p99Ms, id).toBeGreaterThanOrEqual(values.p50Ms as number);
    }
    // A malformed key never reaches the store; an unknown well-formed one does.
    expect(byId.get('rejection.malformed.lookups')?.values.storeLookups).toBe(0);
    expect(byId.get('rejection.unknown')?.values.storeLookups).toBeGreaterThanOrEqual(byId.get('rejection.unknown')?.values.responses as number);
    for (const id of ['memory.unknown-keys', 'memory.idempotency-keys']) {
      expect(byId.get(id)?.values.requests, id).toBe(results.settings.floodRequests);
      expect(byId.get(id)?.values.rssAfterMiB, id).toBeGreaterThan(0);
    }
    expect(byId.get('conformance.suite')?.values.checks).toBeGreaterThan(0);
    expect(byId.get('conformance.dredd')?.values.transactions).toBeGreaterThan(0);
    for (const name of ['openapi', 'client', 'mock', 'contract']) {
      expect(byId.get(`packages.${name}`)?.values.tarballBytes, name).toBeGreaterThan(0);
      expect(byId.get(`packages.${name}`)?.values.installBytes, name).toBeGreaterThan(0);
    }
    expect(byId.get('packages.suite-installed')?.values.wallMs).toBeGreaterThan(0);
    expect(byId.get('generation')?.values.wallMs).toBeGreaterThan(0);
    expect(byId.get('client.bare-fetch')?.values.cpuMicrosPerCall).toBeGreaterThan(0);
    expect(byId.get('client.bundle')?.values.gzipBytes).toBeGreaterThan(byId.get('client.bundle')?.values.openapiFetchGzipBytes as number);
    // Row 8: the stores grew, and the memory per key is a number of bytes.
    const stored = ['small', 'medium', 'large'].map((size) => byId.get(`scale.store-${size}`)?.values.keys as number);
    expect(stored[0]).toBeLessThan(stored[1]);
    expect(stored[1]).toBeLessThan(stored[2]);
    expect(byId.get('scale.memory-per-key')?.values.bytesPerKey).toBeGreaterThan(0);
    for (const id of ['scale.ping-large', 'scale.cycle-large', 'scale.page-last', 'scale.idempotency-at-cap']) {
      expect(byId.get(id)?.values.p99Micros, id).toBeGreaterThanOrEqual(byId.get(id)?.values.p50Micros as number);
    }
  });

  it('prints one table with every row', () => {
    for (const row of results.rows) expect(output).toContain(row.name.trim());
  });
});
