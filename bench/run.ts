import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { errorRow, renderTable, writeResults, type Row } from './lib/report.ts';
import { FULL, TINY, withMillionKeys, type Settings } from './lib/settings.ts';
import { measureClient } from './rows/client.ts';
import { measureConformance } from './rows/conformance.ts';
import { measureSuiteRates } from './rows/suite-rates.ts';
import { measureGeneration } from './rows/generation.ts';
import { measureIdempotencyFlood, measureUnknownKeyFlood } from './rows/memory.ts';
import { measurePackages } from './rows/packages.ts';
import { measureRejection } from './rows/rejection.ts';
import { measureScale } from './rows/scale.ts';
import { measureThroughput } from './rows/throughput.ts';

// `npm run bench [-- --tiny] [--out FILE] [--only 1,2,…]`: measures the rows of issue 6 side by
// side on this machine, prints one table and writes the figures as JSON (bench/results.json).
// A row short of its target is a finding, not a failure: the exit code is 0 unless a row could
// not be measured at all (then 1, with the reason in the table).

const USAGE = `Usage: npm run bench -- [--tiny] [--scale] [--out FILE] [--only 1,2,3,4,5,6,7,8]

  --tiny       every row, seconds instead of minutes (for the smoke test; figures mean nothing)
  --scale      row 8 also seeds a store of 1,000,000 keys (about a minute more and 1 GiB of
               memory; \`npm run bench -- --only 8 --scale\` runs it alone)
  --out FILE   where to write the JSON results (default bench/results.json)
  --only LIST  measure only these rows
`;

const { values: flags } = parseArgs({
  options: {
    tiny: { type: 'boolean', default: false },
    scale: { type: 'boolean', default: false },
    out: { type: 'string', default: fileURLToPath(new URL('./results.json', import.meta.url)) },
    only: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const settings: Settings = flags.tiny ? TINY : flags.scale ? withMillionKeys(FULL) : FULL;
const only = flags.only ? new Set(flags.only.split(',').map(Number)) : null;

const ROWS: Array<{ group: number; id: string; name: string; measure: (s: Settings) => Promise<Row[]> }> = [
  { group: 1, id: 'throughput', name: 'reference server throughput', measure: measureThroughput },
  { group: 2, id: 'rejection', name: 'rejection cost', measure: measureRejection },
  { group: 3, id: 'memory.unknown-keys', name: 'memory under an unknown-key flood', measure: measureUnknownKeyFlood },
  { group: 3, id: 'memory.idempotency-keys', name: 'memory under an idempotency-key flood', measure: measureIdempotencyFlood },
  { group: 4, id: 'conformance', name: 'conformance suite beside dredd', measure: measureConformance },
  { group: 4, id: 'conformance.suite-rates', name: 'conformance suite: full run, checks/s, schema-derived cases/s', measure: measureSuiteRates },
  { group: 5, id: 'generation', name: 'generation', measure: measureGeneration },
  { group: 6, id: 'packages', name: 'the packages as installed', measure: measurePackages },
  { group: 7, id: 'client', name: '@herald/client overhead and bundle size', measure: measureClient },
  { group: 8, id: 'scale', name: 'flat as data grows', measure: measureScale },
];

const startedAt = new Date();
const started = performance.now();
const loadAverageAtStart = loadavg();
const rows: Row[] = [];
for (const entry of ROWS) {
  if (only && !only.has(entry.group)) continue;
  const rowStarted = performance.now();
  process.stderr.write(`bench: ${entry.group} ${entry.name} …\n`);
  try {
    rows.push(...(await entry.measure(settings)));
  } catch (error) {
    rows.push(errorRow(entry.group, entry.id, entry.name, error));
  }
  process.stderr.write(`bench: ${entry.group} ${entry.name} done in ${((performance.now() - rowStarted) / 1000).toFixed(1)} s\n`);
}
const wallSeconds = (performance.now() - started) / 1000;

process.stdout.write(`\n${renderTable(rows)}\n\n`);
process.stdout.write(
  `${settings.mode === 'tiny' ? 'Tiny run (figures mean nothing)' : 'Full run'} in ${wallSeconds.toFixed(0)} s on ${cpus().length} cores, ` +
    `load average at start ${loadAverageAtStart.map((n) => n.toFixed(2)).join(' ')}; JSON: ${flags.out}\n`,
);
writeResults(flags.out as string, {
  startedAt: startedAt.toISOString(),
  mode: settings.mode,
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  wallSeconds: Math.round(wallSeconds * 10) / 10,
  machine: { cpus: cpus().length, node: process.version, platform: process.platform, loadAverageAtStart },
  settings: { ...settings },
  rows,
});
const errors = rows.filter((row) => row.result === 'error');
if (errors.length > 0) {
  process.stderr.write(`bench: ${errors.length} row(s) could not be measured: ${errors.map((row) => row.id).join(', ')}\n`);
  process.exitCode = 1;
}
