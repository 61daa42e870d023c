import { runLoad, type LoadFigures, type LoadSpec } from './load.ts';
import type { Settings } from './settings.ts';
import { cpuSeconds, median } from './stats.ts';

// Measures several targets side by side on a shared, noisy 2-core machine. Each target is warmed
// up, then the targets take turns, one short slice each per round, in an order that rotates
// every round, so a burst of outside load hits all of them alike.
//
// Two ratios come out of each pair of targets, both medians of per-round ratios:
//  - throughput: requests per second as autocannon counted them;
//  - capacity: requests per second of server CPU (responses ÷ CPU seconds the server process
//    used in the slice, from /proc). On this machine the load generator needs about a core of
//    its own and other jobs take their share, so a fast server often gets well under a core and
//    its req/s measures the machine, not the server; its throughput per CPU-second does not
//    depend on how much CPU it was given.

export interface InterleavedTarget {
  name: string;
  load: Omit<LoadSpec, 'connections' | 'seconds' | 'amount' | 'label'>;
  /** The server process whose CPU time is read around each slice. */
  serverPid: number;
  /** Slices of this many requests instead of `sliceSeconds` (for a target whose state grows with each request). */
  sliceRequests?: number;
  /** Run around each measured slice, outside its timing (e.g. to read a server counter). */
  beforeSlice?: () => Promise<void>;
  afterSlice?: (figures: LoadFigures) => Promise<void>;
}

interface Slice extends LoadFigures {
  /** Share of one core the server used during the slice; null without /proc. */
  serverCpuShare: number | null;
  /** Share of one core the load generator (this process) used. */
  clientCpuShare: number;
}

export interface TargetFigures {
  name: string;
  slices: Slice[];
  /** All responses of all slices over their total duration. */
  requestsPerSecond: number;
  /** Medians over the slices. */
  p50Ms: number;
  p99Ms: number;
  p50Micros: number;
  p99Micros: number;
  serverCpuShare: number | null;
  clientCpuShare: number;
  /** Server CPU time per response in microseconds (median over the slices); null without /proc. */
  serverCpuMicrosPerRequest: number | null;
  responses: number;
}

export interface Ratio {
  median: number;
  min: number;
  max: number;
}

export interface Interleaved {
  targets: Map<string, TargetFigures>;
  throughputRatio(numerator: string, denominator: string): Ratio;
  /** Null where the servers' CPU time cannot be read. */
  capacityRatio(numerator: string, denominator: string): Ratio | null;
}

export async function measureInterleaved(targets: InterleavedTarget[], settings: Settings): Promise<Interleaved> {
  for (const target of targets) {
    // A target measured in a fixed number of requests warms up with one slice's worth, so that
    // what it fills (the idempotency table below its cap) grows by a known amount.
    await runLoad({
      ...target.load,
      label: `${target.name} (warm-up)`,
      connections: settings.connections,
      ...(target.sliceRequests === undefined ? { seconds: settings.warmupSeconds } : { amount: target.sliceRequests }),
    });
  }
  const slices = new Map<string, Slice[]>(targets.map((t) => [t.name, []]));
  for (let round = 0; round < settings.rounds; round++) {
    for (let i = 0; i < targets.length; i++) {
      const target = targets[(i + round) % targets.length];
      await target.beforeSlice?.();
      const serverBefore = cpuSeconds(target.serverPid);
      const clientBefore = process.cpuUsage();
      const figures = await runLoad({
        ...target.load,
        label: target.name,
        connections: settings.connections,
        ...(target.sliceRequests === undefined ? { seconds: settings.sliceSeconds } : { amount: target.sliceRequests }),
      });
      const serverAfter = cpuSeconds(target.serverPid);
      const client = process.cpuUsage(clientBefore);
      await target.afterSlice?.(figures);
      (slices.get(target.name) as Slice[]).push({
        ...figures,
        serverCpuShare: serverBefore === null || serverAfter === null ? null : (serverAfter - serverBefore) / figures.seconds,
        clientCpuShare: (client.user + client.system) / 1e6 / figures.seconds,
      });
    }
  }

  const figures = new Map<string, TargetFigures>();
  for (const target of targets) {
    const own = slices.get(target.name) as Slice[];
    const responses = own.reduce((sum, s) => sum + s.responses, 0);
    const seconds = own.reduce((sum, s) => sum + s.seconds, 0);
    const measuredCpu = own.every((s) => s.serverCpuShare !== null && s.serverCpuShare > 0);
    figures.set(target.name, {
      name: target.name,
      slices: own,
      requestsPerSecond: responses / seconds,
      p50Ms: median(own.map((s) => s.p50Ms)),
      p99Ms: median(own.map((s) => s.p99Ms)),
      p50Micros: median(own.map((s) => s.p50Micros)),
      p99Micros: median(own.map((s) => s.p99Micros)),
      serverCpuShare: measuredCpu ? median(own.map((s) => s.serverCpuShare as number)) : null,
      clientCpuShare: median(own.map((s) => s.clientCpuShare)),
      serverCpuMicrosPerRequest: measuredCpu ? median(own.map((s) => ((s.serverCpuShare as number) / s.requestsPerSecond) * 1e6)) : null,
      responses,
    });
  }

  const perRound = (numerator: string, denominator: string, measure: (slice: Slice) => number): Ratio => {
    const a = (figures.get(numerator) as TargetFigures).slices;
    const b = (figures.get(denominator) as TargetFigures).slices;
    const ratios = a.map((slice, round) => measure(slice) / measure(b[round]));
    return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
  };
  return {
    targets: figures,
    throughputRatio: (numerator, denominator) => perRound(numerator, denominator, (s) => s.requestsPerSecond),
    capacityRatio: (numerator, denominator) => {
      const measured = (name: string) => (figures.get(name) as TargetFigures).serverCpuShare !== null;
      if (!measured(numerator) || !measured(denominator)) return null;
      return perRound(numerator, denominator, (s) => s.requestsPerSecond / (s.serverCpuShare as number));
    },
  };
}
