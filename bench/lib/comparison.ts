import type { Interleaved, TargetFigures } from './interleave.ts';
import { formatCount, formatMs, formatRatio, verdict, type Row, type Target } from './report.ts';
import type { Settings } from './settings.ts';

// Rows for interleaved measurements: one per target with its figures, and one per comparison
// whose verdict is taken on the capacity ratio (throughput per server CPU-second; see
// interleave.ts for why), with the plain req/s ratio beside it. Where the servers' CPU time
// cannot be read, the verdict falls back to the req/s ratio and says so.

export function describeTarget(figures: TargetFigures): string {
  const cpu =
    figures.serverCpuShare === null
      ? ''
      : ` · server ${Math.round(figures.serverCpuShare * 100)}% of a core, ${(figures.serverCpuMicrosPerRequest as number).toFixed(1)} µs CPU/req`;
  return `${formatCount(figures.requestsPerSecond)} req/s · p50 ${formatMs(figures.p50Ms)} · p99 ${formatMs(figures.p99Ms)}${cpu}`;
}

export function targetValues(figures: TargetFigures): Record<string, number | null> {
  const round = (n: number | null, places: number) => (n === null ? null : Math.round(n * 10 ** places) / 10 ** places);
  return {
    requestsPerSecond: Math.round(figures.requestsPerSecond),
    p50Ms: figures.p50Ms,
    p99Ms: figures.p99Ms,
    responses: figures.responses,
    serverCpuShare: round(figures.serverCpuShare, 2),
    serverCpuMicrosPerRequest: round(figures.serverCpuMicrosPerRequest, 2),
    clientCpuShare: round(figures.clientCpuShare, 2),
  };
}

export function comparisonRow(
  measured: Interleaved,
  settings: Settings,
  row: { group: number; id: string; name: string; numerator: string; denominator: string; comparedWith: string; target: Target | null },
): Row {
  const throughput = measured.throughputRatio(row.numerator, row.denominator);
  const capacity = measured.capacityRatio(row.numerator, row.denominator);
  const decisive = capacity ?? throughput;
  const spread = (r: { min: number; max: number }) => `${formatRatio(r.min)}–${formatRatio(r.max)}`;
  const figure =
    capacity === null
      ? `req/s ratio, rounds ${spread(throughput)} (no /proc: capacity not measured)`
      : `req/s ratio ${formatRatio(throughput.median)} (rounds ${spread(throughput)}); capacity rounds ${spread(capacity)}`;
  return {
    group: row.group,
    id: row.id,
    name: row.name,
    figure,
    values: {
      capacityRatio: capacity?.median ?? null,
      capacityRatioMin: capacity?.min ?? null,
      capacityRatioMax: capacity?.max ?? null,
      throughputRatio: throughput.median,
      throughputRatioMin: throughput.min,
      throughputRatioMax: throughput.max,
    },
    method:
      capacity === null
        ? `median of ${settings.rounds} per-round req/s ratios`
        : `median of ${settings.rounds} per-round ratios of req/s per server CPU-second`,
    ratio: decisive.median,
    comparedWith: row.comparedWith,
    target: row.target,
    result: verdict(row.target, decisive.median),
  };
}
