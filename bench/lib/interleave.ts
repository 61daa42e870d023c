import { runLoad, type LoadFigures, type LoadSpec } from './load.ts';
import type { Settings } from './settings.ts';
import { cpuSeconds, median } from './stats.ts';

// Measures several targets side by side on a shared, noisy machine: each target is warmed up,
// then the targets take turns, one short slice each per round, in an order that rotates every
// round, so a burst of outside load hits all of them alike. A ratio between two targets is the
// median of their per-round ratios, each taken from slices measured moments apart.

export interface InterleavedTarget {
  name: string;
  load: Omit<LoadSpec, 'connections' | 'seconds' | 'amount' | 'label'>;
  /** The server process, to report how busy it was (a saturated server is near 100 %). */
  serverPid: number;
  /** Run around each measured slice, outside its timing (e.g. to read a server counter). */
  beforeSlice?: () => Promise<void>;
  afterSlice?: (figures: LoadFigures) => Promise<void>;
}

export interface TargetFigures {
  name: string;
  slices: LoadFigures[];
  /** All responses of all slices over their total duration. */
  requestsPerSecond: number;
  /** Medians over the slices. */
  p50Ms: number;
  p99Ms: number;
  /** Share of one core the server used while measured (median over the slices); null without /proc. */
  serverCpu: number | null;
  /** Share of one core the load generator (this process) used, median over the slices. */
  clientCpu: number;
  /** Server CPU time per response in microseconds (median over the slices); null without /proc. */
  serverCpuMicrosPerRequest: number | null;
  responses: number;
}

export interface Interleaved {
  targets: Map<string, TargetFigures>;
  /** Median over rounds of `numerator` ÷ `denominator` requests per second, with its spread. */
  ratio(numerator: string, denominator: string): { median: number; min: number; max: number };
}

export async function measureInterleaved(targets: InterleavedTarget[], settings: Settings): Promise<Interleaved> {
  for (const target of targets) {
    await runLoad({ ...target.load, label: `${target.name} (warm-up)`, connections: settings.connections, seconds: settings.warmupSeconds });
  }
  const slices = new Map<string, LoadFigures[]>(targets.map((t) => [t.name, []]));
  const cpu = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  const clientCpu = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  for (let round = 0; round < settings.rounds; round++) {
    for (let i = 0; i < targets.length; i++) {
      const target = targets[(i + round) % targets.length];
      await target.beforeSlice?.();
      const cpuBefore = cpuSeconds(target.serverPid);
      const clientBefore = process.cpuUsage();
      const figures = await runLoad({
        ...target.load,
        label: target.name,
        connections: settings.connections,
        seconds: settings.sliceSeconds,
      });
      const cpuAfter = cpuSeconds(target.serverPid);
      const client = process.cpuUsage(clientBefore);
      (clientCpu.get(target.name) as number[]).push((client.user + client.system) / 1e6 / figures.seconds);
      if (cpuBefore !== null && cpuAfter !== null) (cpu.get(target.name) as number[]).push((cpuAfter - cpuBefore) / figures.seconds);
      await target.afterSlice?.(figures);
      (slices.get(target.name) as LoadFigures[]).push(figures);
    }
  }
  const figures = new Map<string, TargetFigures>();
  for (const target of targets) {
    const own = slices.get(target.name) as LoadFigures[];
    const responses = own.reduce((sum, s) => sum + s.responses, 0);
    const seconds = own.reduce((sum, s) => sum + s.seconds, 0);
    const cpuShares = cpu.get(target.name) as number[];
    const measuredCpu = cpuShares.length === own.length;
    figures.set(target.name, {
      name: target.name,
      slices: own,
      requestsPerSecond: responses / seconds,
      p50Ms: median(own.map((s) => s.p50Ms)),
      p99Ms: median(own.map((s) => s.p99Ms)),
      serverCpu: measuredCpu ? median(cpuShares) : null,
      clientCpu: median(clientCpu.get(target.name) as number[]),
      serverCpuMicrosPerRequest: measuredCpu ? median(own.map((s, i) => (cpuShares[i] / s.requestsPerSecond) * 1e6)) : null,
      responses,
    });
  }
  return {
    targets: figures,
    ratio(numerator, denominator) {
      const a = (figures.get(numerator) as TargetFigures).slices;
      const b = (figures.get(denominator) as TargetFigures).slices;
      const ratios = a.map((slice, round) => slice.requestsPerSecond / b[round].requestsPerSecond);
      return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
    },
  };
}
